// What judging a fleet's outputs costs (issue 8: expectations parsed at load): this machine is
// scanned once through the local transport with the given catalog, then every planned check is
// evaluated against those outputs HOSTS times, as a scan of that many hosts would; best of
// ROUNDS. Built the same at an older commit, it compares the two in one run.
//   cmake --build build --target evaluate_fleet
//   ./build/benchmarks/evaluate_fleet CHECKS_DIR CONTROLS_FILE [HOSTS] [ROUNDS]
#include "catalog/controls.hpp"
#include "catalog/loader.hpp"
#include "evaluate/evaluate.hpp"
#include "inventory/inventory.hpp"
#include "pipeline/scan.hpp"
#include "plan/plan.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: evaluate_fleet CHECKS_DIR CONTROLS_FILE [HOSTS] [ROUNDS]\n");
    return 2;
  }
  const int hosts = argc > 3 ? std::atoi(argv[3]) : 500;
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 5;
  const auto controls = cisscan::ControlsCatalog::load(argv[2]);
  const auto load =
      cisscan::load_catalog({argv[1]}, controls, [](const std::string&) { return true; });
  const auto host = cisscan::local_inventory().hosts.at(0);
  const auto run = cisscan::scan_host(host, load.catalog, {});
  const auto plan = cisscan::plan_host(load.catalog, run.facts, run.roles);
  std::map<std::string, const cisscan::ProbeRecord*> probes;
  for (const auto& probe : run.probes) {
    probes[probe.spec.id] = &probe;
  }
  double best = 1e18;
  size_t passes = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    passes = 0;
    for (int h = 0; h < hosts; ++h) {
      for (const auto& planned : plan.checks) {
        const auto result = cisscan::evaluate_check(planned, probes);
        passes += result.status == cisscan::ResultStatus::pass ? 1 : 0;
      }
    }
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  std::printf("%zu checks (%zu probes) x %d hosts: best of %d rounds %.1f ms (%.3f ms per host); "
              "%zu passes per round; host status %d\n",
              plan.checks.size(), run.probes.size(), hosts, rounds, best, best / hosts, passes,
              static_cast<int>(run.status));
  return 0;
}
