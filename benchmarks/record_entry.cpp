// What a host's record entry costs the scanner (issue 11: CPU per host): this machine is
// scanned once through the local transport with the given catalog, then its run is made into
// its record entry (host_to_json), written as the spool's text (nlohmann's dump and
// util::compact_json, which must give the same bytes) and freed, HOSTS times; best of ROUNDS.
//   cmake --build build --target record_entry
//   ./build/benchmarks/record_entry CHECKS_DIR CONTROLS_FILE [HOSTS] [ROUNDS]
#include "catalog/controls.hpp"
#include "catalog/loader.hpp"
#include "inventory/inventory.hpp"
#include "pipeline/run.hpp"
#include "pipeline/scan.hpp"
#include "util/json_text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

namespace {

// Best of `rounds` of `hosts` calls of `step`, in ms per host.
double per_host(int hosts, int rounds, const std::function<void()>& step) {
  double best = 1e18;
  for (int round = 0; round < rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    for (int h = 0; h < hosts; ++h) {
      step();
    }
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / hosts);
  }
  return best;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: record_entry CHECKS_DIR CONTROLS_FILE [HOSTS] [ROUNDS]\n");
    return 2;
  }
  const int hosts = argc > 3 ? std::atoi(argv[3]) : 50;
  const int rounds = argc > 4 ? std::atoi(argv[4]) : 5;
  const auto controls = cisscan::ControlsCatalog::load(argv[2]);
  const auto load =
      cisscan::load_catalog({argv[1]}, controls, [](const std::string&) { return true; });
  const auto run = cisscan::scan_host(cisscan::local_inventory().hosts.at(0), load.catalog, {});
  const auto entry = cisscan::host_to_json(run);
  const auto old_text = entry.dump(-1, ' ', false, cisscan::json::error_handler_t::replace);
  if (cisscan::util::compact_json(entry) != old_text) {
    std::fprintf(stderr, "compact_json differs from json::dump\n");
    return 1;
  }
  size_t sink = 0;
  const double build = per_host(hosts, rounds, [&] { sink += cisscan::host_to_json(run).size(); });
  const double dump = per_host(hosts, rounds, [&] {
    sink += entry.dump(-1, ' ', false, cisscan::json::error_handler_t::replace).size();
  });
  const double compact =
      per_host(hosts, rounds, [&] { sink += cisscan::util::compact_json(entry).size(); });
  std::printf("%zu results, %zu probes, entry text %zu bytes; ms per host, best of %d rounds of "
              "%d: entry built and freed %.2f, json::dump %.2f, util::compact_json %.2f (%zu)\n",
              run.results.size(), run.probes.size(), old_text.size(), rounds, hosts, build, dump,
              compact, sink % 10);
  return 0;
}
