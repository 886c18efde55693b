// What loading the catalog costs, without the process around it (issue 9: the controls, the
// risk register and ~360 check definitions under 30 ms): the controls file, the register's ids
// and the check files are loaded as `cisscan scan` loads them, ROUNDS times; best and median
// wall time, and the process's CPU time per round (all threads).
//   cmake --build build --target catalog_load
//   ./build/benchmarks/catalog_load CHECKS_DIR CONTROLS_FILE [ROUNDS]
#include "catalog/controls.hpp"
#include "cli/commands.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

double cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: catalog_load CHECKS_DIR CONTROLS_FILE [ROUNDS]\n");
    return 2;
  }
  const int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 50;
  std::vector<double> walls;
  size_t checks = 0;
  const double cpu_start = cpu_ms();
  for (int round = 0; round < rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const auto controls = cisscan::ControlsCatalog::load(argv[2]);
    checks = cisscan::load_catalog_or_throw({argv[1]}, controls).checks.size();
    walls.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  const double cpu = (cpu_ms() - cpu_start) / rounds;
  std::sort(walls.begin(), walls.end());
  std::printf("%zu checks; %d rounds: wall best %.1f ms, median %.1f ms; CPU %.1f ms a round\n",
              checks, rounds, walls.front(), walls[walls.size() / 2], cpu);
  return 0;
}
