#include "pipeline/scan.hpp"

#include "catalog/probe_types.hpp"
#include "evaluate/evaluate.hpp"
#include "execute/frames.hpp"
#include "execute/jump.hpp"
#include "execute/node_session.hpp"
#include "execute/script.hpp"
#include "pipeline/derive.hpp"
#include "pipeline/hand_off.hpp"
#include "plan/plan.hpp"
#include "util/clock.hpp"
#include "util/files.hpp"
#include "util/redact.hpp"
#include "util/text.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <thread>

namespace cisscan {

namespace {

constexpr size_t k_facts_cap = 1024 * 1024;

struct RunOutcome {
  bool ok = false;
  HostStatus status = HostStatus::error;
  std::string reason;
};

// Appends one record per probe, in the probes' order, with the output the parser holds for it
// (moved out of the parser: a host's outputs are held once).
void collect(const std::vector<ProbeSpec>& probes, FrameParser& parser,
             std::vector<ProbeRecord>& records) {
  std::map<std::string_view, size_t> by_id;
  for (size_t i = 0; i < parser.outputs().size(); ++i) {
    by_id.emplace(parser.outputs()[i].id, i);
  }
  for (const auto& spec : probes) {
    ProbeRecord record;
    record.spec = spec;
    const auto it = by_id.find(spec.id);
    if (it != by_id.end()) {
      record.output = parser.take_output(it->second);
      record.state = classify(spec, &record.output);
      util::redact_secrets_in(record.output.output);
    } else {
      record.state = classify(spec, nullptr);
    }
    records.push_back(std::move(record));
  }
}

// Why a part of the script did not come back whole. Everything the host said is redacted and
// made one printable line before it becomes the reason.
RunOutcome stopped_early(PumpState state, const ExecResult& exec, const FrameParser& parser,
                         size_t expected, bool interrupted) {
  RunOutcome outcome;
  if (interrupted) {
    outcome.reason = "interrupted: the scan was stopped by a signal while this host ran";
    return outcome;
  }
  if (!parser.overflow().empty()) {
    outcome.reason = parser.overflow();
    return outcome;
  }
  if (state == PumpState::timed_out || exec.timed_out) {
    outcome.status = HostStatus::timeout;
    outcome.reason = "the host did not finish within its time limit";
    return outcome;
  }
  if (!exec.error.empty()) {
    outcome.status = exec.unreachable ? HostStatus::unreachable : HostStatus::error;
    outcome.reason = util::host_line(exec.error);
    return outcome;
  }
  auto detail = util::host_line(exec.stderr_text);
  if (detail.empty()) {
    detail = util::host_line(parser.stray());
  }
  outcome.reason = "the probe script ended early (exit " + std::to_string(exec.exit_status) + ", " +
                   std::to_string(parser.outputs().size()) + " of " + std::to_string(expected) +
                   " probes)";
  if (!detail.empty()) {
    outcome.reason += ": " + detail;
  }
  return outcome;
}

void fail_all(HostRun& run, const Catalog& catalog) {
  for (const auto& check : catalog.checks) {
    CheckResult result;
    result.check = check;
    result.status = ResultStatus::error;
    result.reason = "host " + std::string(to_string(run.status)) + ": " + run.reason;
    if (check->probe) {
      result.probe_ids.push_back(check->probe->id);
    }
    run.results.push_back(std::move(result));
  }
}

// One host's remote shell while it is scanned: what the two round trips share.
struct HostSession {
  const HostSpec& host;
  const std::vector<ProbeSpec>& facts; // fact_probes(catalog), made once for the fleet
  const ScanOptions& options;
  std::string boundary;
  util::SteadyTime start;
  Channel& channel;
  HostRun& run;
  FrameParser parser;
  bool keeps_shell = true; // else the second script brings the prelude again (qga)

  bool interrupted() const { return options.interrupted != nullptr && options.interrupted->load(); }
  long long elapsed_ms() const {
    return util::milliseconds_between(start, std::chrono::steady_clock::now());
  }
};

// Round trip 1: the facts, taken into the run with the roles they imply beside the inventory's.
// False, with `outcome` saying why, when the shell stopped before every fact was back.
bool facts_round_trip(HostSession& s, RunOutcome& outcome) {
  const auto& facts = s.facts;
  const auto script = generate_script(
      facts, {.boundary = s.boundary, .final_exit = false, .lanes = s.options.probe_lanes});
  dump_script(s.options.dump_scripts_dir, s.host.name, 1, script);
  s.parser.set_limits({.max_frames = facts.size(),
                       .max_bytes = s.options.host_output_limit,
                       .ids = frame_order(facts, s.options.probe_lanes)});
  s.parser.set_origin(std::chrono::system_clock::now());
  const auto state = s.channel.pump(
      script, false, [&](std::string_view chunk) { s.parser.feed(chunk); },
      [&] {
        return s.parser.outputs().size() >= facts.size() || !s.parser.overflow().empty() ||
               s.interrupted();
      });
  if (state != PumpState::done || !s.parser.overflow().empty() || s.interrupted()) {
    s.parser.finish();
    collect(facts, s.parser, s.run.probes);
    outcome = stopped_early(state, s.channel.finish(), s.parser, facts.size(), s.interrupted());
    return false;
  }
  collect(facts, s.parser, s.run.probes);
  spdlog::debug("{}: facts back after {} ms", s.host.name, s.elapsed_ms());
  // Read where they are, not copied: moved out for parse_facts and back into their records.
  std::vector<ProbeOutput> outputs;
  for (auto& record : s.run.probes) {
    outputs.push_back(std::move(record.output));
  }
  s.run.facts = parse_facts(outputs);
  for (size_t i = 0; i < outputs.size(); ++i) {
    s.run.probes[i].output = std::move(outputs[i]);
  }
  s.run.roles = s.run.facts.roles;
  for (const auto& role : s.host.roles) {
    if (std::find(s.run.roles.begin(), s.run.roles.end(), role) == s.run.roles.end()) {
      s.run.roles.push_back(role);
    }
  }
  return true;
}

// Round trip 2: every probe the plan needs that the facts do not already answer (package state
// is derived, not run again), the end of the script, then each planned check evaluated.
RunOutcome probe_round_trip(HostSession& s, const Catalog& catalog) {
  const auto plan = plan_host(catalog, s.run.facts, s.run.roles);
  const auto first_probe = s.run.probes.size();
  const auto to_run = answer_from_facts(plan.probes, s.run.probes, first_probe);
  s.parser.set_cap(s.options.output_cap);
  const auto uid = s.run.facts.values.find("effective_uid");
  const auto script = generate_script(
      to_run, {.boundary = s.boundary,
               .prelude = !s.keeps_shell,
               .lanes = s.options.probe_lanes,
               .uid = uid != s.run.facts.values.end() ? uid->second : std::string()});
  dump_script(s.options.dump_scripts_dir, s.host.name, 2, script);
  const auto expected = first_probe + to_run.size();
  // The facts' frames came first, in their own lanes' order (the parser's outputs keep it).
  std::vector<std::string> ids;
  for (const auto& output : s.parser.outputs()) {
    ids.push_back(output.id);
  }
  for (auto& id : frame_order(to_run, s.options.probe_lanes)) {
    ids.push_back(std::move(id));
  }
  s.parser.set_limits(
      {.max_frames = expected, .max_bytes = s.options.host_output_limit, .ids = std::move(ids)});
  s.parser.set_origin(std::chrono::system_clock::now());
  spdlog::debug("{}: {} probes sent after {} ms", s.host.name, to_run.size(), s.elapsed_ms());
  const auto state = s.channel.pump(
      script, true, [&](std::string_view chunk) { s.parser.feed(chunk); },
      [&] { return !s.parser.overflow().empty() || s.interrupted(); });
  s.parser.finish();
  const auto exec = s.channel.finish();
  collect(to_run, s.parser, s.run.probes);
  RunOutcome outcome;
  if (state == PumpState::ended && exec.ok && exec.exit_status == 0 &&
      s.parser.outputs().size() == expected && s.parser.overflow().empty() && !s.interrupted()) {
    outcome.ok = true;
    outcome.status = HostStatus::ok;
  } else {
    outcome = stopped_early(state, exec, s.parser, expected, s.interrupted());
  }
  std::map<std::string, const ProbeRecord*> by_id;
  for (size_t i = first_probe; i < s.run.probes.size(); ++i) {
    by_id.emplace(s.run.probes[i].spec.id, &s.run.probes[i]);
  }
  for (auto& result : evaluate_checks(plan.checks, by_id)) {
    s.run.results.push_back(std::move(result));
  }
  return outcome;
}

HostRun not_scanned(const HostSpec& host, const Catalog& catalog, const std::string& reason) {
  HostRun run;
  run.spec = host;
  run.started_at = util::rfc3339_now();
  run.finished_at = run.started_at;
  run.status = HostStatus::error;
  run.reason = reason;
  fail_all(run, catalog);
  return run;
}

// scan_host with the catalog's fact probes made by the caller, and its early connection if any.
HostRun scan_host_with(const HostSpec& host, const Catalog& catalog,
                       const std::vector<ProbeSpec>& facts, const ScanOptions& options,
                       std::optional<EarlyConnections::Begun> early = std::nullopt) {
  HostRun run;
  run.spec = host;
  run.started_at = early ? std::move(early->started_at) : util::rfc3339_now();
  const auto start = early ? early->start : std::chrono::steady_clock::now();
  const auto finish = [&]() {
    run.finished_at = util::rfc3339_now();
    run.duration_ms = util::milliseconds_between(start, std::chrono::steady_clock::now());
    // A host that should have been scanned and was not is a warning: `-q` still shows it.
    const auto level = run.status == HostStatus::ok || run.status == HostStatus::skipped
                           ? spdlog::level::info
                           : spdlog::level::warn;
    spdlog::log(level, "host {}: {} ({} ms, {} channel{}){}{}", util::host_line(host.name),
                to_string(run.status), run.duration_ms, run.stats.channels,
                run.stats.channels == 1 ? "" : "s", run.reason.empty() ? "" : ": ", run.reason);
    return std::move(run); // every caller returns this: the run is not copied
  };
  // What the inventory already knows: a template, a stopped guest or an excluded host is not
  // scanned (no results: nothing was assessed); a VM without an address cannot be.
  if (!host.skip.empty() || !host.unreachable.empty()) {
    run.status = host.skip.empty() ? HostStatus::unreachable : HostStatus::skipped;
    run.reason = host.skip.empty() ? host.unreachable : host.skip;
    if (run.status == HostStatus::unreachable) {
      fail_all(run, catalog);
    }
    return finish();
  }
  std::unique_ptr<Transport> transport;
  try {
    transport =
        early ? std::move(early->transport) : options.make_transport(host, options.transport);
  } catch (const std::exception& e) {
    run.status = HostStatus::error;
    run.reason = util::host_line(e.what());
    fail_all(run, catalog);
    return finish();
  }
  const auto connected = transport->connect();
  run.host_key_sha256 = transport->host_key_sha256();
  if (connected.status != ConnectStatus::ok) {
    run.status = connected.status == ConnectStatus::unreachable ? HostStatus::unreachable
                 : connected.status == ConnectStatus::timeout   ? HostStatus::timeout
                                                                : HostStatus::error;
    run.reason = util::host_line(connected.reason);
    run.stats = transport->stats();
    fail_all(run, catalog);
    return finish();
  }
  // One channel, two round trips: the facts first, then (once they are back and the plan is
  // made) every probe of every applicable check, once, into the same shell's stdin.
  std::string error;
  auto channel = transport->open(transport->shell_command(host.become()), error);
  RunOutcome outcome;
  outcome.reason = util::host_line(error);
  if (channel) {
    const auto boundary = "CISSCAN-" + util::random_hex(16);
    HostSession session{host,
                        facts,
                        options,
                        boundary,
                        start,
                        *channel,
                        run,
                        FrameParser(boundary, k_facts_cap),
                        transport->keeps_shell()};
    if (facts_round_trip(session, outcome)) {
      outcome = probe_round_trip(session, catalog);
    }
  }
  run.status = outcome.status;
  run.reason = outcome.reason;
  run.stats = transport->stats();
  if (run.results.empty()) {
    fail_all(run, catalog);
  }
  return finish();
}

} // namespace

HostRun scan_host(const HostSpec& host, const Catalog& catalog, const ScanOptions& options) {
  return scan_host_with(host, catalog, fact_probes(catalog), options);
}

void scan_fleet(const Inventory& inventory, const Catalog& catalog,
                const ScanOptions& fleet_options, const HostDone& done) {
  // One connection per bastion, shared by every host behind it, and one per PVE node, shared
  // by its containers; closed when the fleet is done (the nodes first: they may use a bastion).
  JumpRegistry jumps;
  NodeSessions nodes;
  auto options = fleet_options;
  if (options.transport.jumps == nullptr) {
    options.transport.jumps = &jumps;
  }
  if (options.transport.nodes == nullptr) {
    options.transport.nodes = &nodes;
  }
  const auto jobs = std::clamp<size_t>(static_cast<size_t>(std::max(1, options.jobs)), 1,
                                       std::max<size_t>(1, inventory.hosts.size()));
  // A few finished hosts may wait for the receiving thread; past that their workers wait (it
  // builds a record entry in ~10 ms, far faster than hosts end, unless the machine is starved).
  constexpr size_t k_finished_waiting = 4;
  HandOff hand_off(k_finished_waiting, jobs);
  std::atomic<size_t> next{0};
  const auto facts = fact_probes(catalog);
  const auto worker = [&]() {
    for (size_t i = next++; i < inventory.hosts.size(); i = next++) {
      const auto& host = inventory.hosts[i];
      HostRun run;
      if (options.interrupted != nullptr && options.interrupted->load()) {
        run = not_scanned(host, catalog, "interrupted: the scan was stopped before this host");
      } else {
        if (options.on_host_start) {
          options.on_host_start(host);
        }
        try {
          run = scan_host_with(host, catalog, facts, options,
                               options.early != nullptr ? options.early->take(i) : std::nullopt);
        } catch (const std::exception& e) {
          // A host never takes the run down: whatever went wrong is that host's error.
          run = not_scanned(host, catalog, "internal error: " + util::host_line(e.what()));
        }
      }
      if (options.on_host_done) {
        options.on_host_done(run);
      }
      if (!hand_off.put(i, std::move(run))) {
        break; // nothing takes hosts any more
      }
    }
    hand_off.worker_done();
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < jobs; ++t) {
    threads.emplace_back(worker);
  }
  std::exception_ptr error;
  try {
    while (auto finished = hand_off.take()) {
      done(finished->first, std::move(finished->second));
    }
  } catch (...) {
    // The workers finish the hosts they hold, start no other, and nothing waits for them; the
    // error is the caller's once they have ended.
    error = std::current_exception();
    hand_off.close();
  }
  for (auto& thread : threads) {
    thread.join();
  }
  if (error != nullptr) {
    std::rethrow_exception(error);
  }
}

std::vector<HostRun> scan_fleet(const Inventory& inventory, const Catalog& catalog,
                                const ScanOptions& options) {
  std::vector<HostRun> runs(inventory.hosts.size());
  scan_fleet(inventory, catalog, options,
             [&](size_t index, HostRun&& run) { runs[index] = std::move(run); });
  return runs;
}

} // namespace cisscan
