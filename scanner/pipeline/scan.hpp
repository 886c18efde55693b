// The pipeline for a fleet: per host connect, facts, plan, one probe script, evaluate.
#pragma once

#include "evaluate/result.hpp"
#include "execute/transport.hpp"
#include "inventory/inventory.hpp"
#include "model/status.hpp"
#include "pipeline/early_connections.hpp"
#include "plan/facts.hpp"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace cisscan {

struct HostRun {
  HostSpec spec;
  HostStatus status = HostStatus::error;
  std::string reason;
  std::string host_key_sha256;
  Facts facts;
  std::vector<std::string> roles; // implied by facts, then the inventory's
  TransportStats stats;
  std::string started_at;
  std::string finished_at;
  long long duration_ms = 0;
  std::vector<ProbeRecord> probes;  // facts first, then the checks' probes, each once
  std::vector<CheckResult> results; // one per check of the catalog
};

struct ScanOptions {
  TransportOptions transport;
  int jobs = 16;
  size_t output_cap = 64 * 1024; // bytes of each probe's output kept as evidence
  // Bytes one host may send in all before it is cut off as `error`: with the frame count bound
  // (one frame per probe) and output_cap, what a hostile host can make the scanner hold.
  size_t host_output_limit = 128 * 1024 * 1024;
  // Probes each host runs side by side (execute/script.hpp): 1 runs them one after another.
  size_t probe_lanes = 2;
  std::string dump_scripts_dir; // when set, each generated script is saved there (benchmarks)
  TransportFactory make_transport = cisscan::make_transport;
  // The first hosts' connections, begun while the catalog loaded (made with make_transport and
  // `transport`); the workers take them instead of connecting anew. Null: none.
  EarlyConnections* early = nullptr;
  // Set (by a signal handler) to stop: hosts not started are not, running ones stop at their
  // next chunk; both are `error` "interrupted". Null: never.
  const std::atomic<bool>* interrupted = nullptr;
  // Called from the host workers as each host starts and ends (progress display).
  std::function<void(const HostSpec&)> on_host_start;
  std::function<void(const HostRun&)> on_host_done;
};

// Each host gets its own random frame boundary, never shared with another host.
HostRun scan_host(const HostSpec& host, const Catalog& catalog, const ScanOptions& options);
// Hosts in parallel up to options.jobs; each host's run is handed to `done` with its index in
// the inventory soon after it ends, and is not kept: a caller that keeps only what it needs of
// each (the record's entry) does not hold every host's raw outputs until the fleet is done.
// `done` runs on the thread that called scan_fleet, one host at a time, each index once
// (pipeline/hand_off.hpp); a worker waits while a few finished hosts wait for it. What
// `done` throws stops the handing on; it is rethrown once the workers have ended.
using HostDone = std::function<void(size_t index, HostRun&& run)>;
void scan_fleet(const Inventory& inventory, const Catalog& catalog, const ScanOptions& options,
                const HostDone& done);
// The same, the runs kept, in inventory order.
std::vector<HostRun> scan_fleet(const Inventory& inventory, const Catalog& catalog,
                                const ScanOptions& options);

} // namespace cisscan
