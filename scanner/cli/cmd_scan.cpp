#include "catalog/controls.hpp"
#include "cli/assessment_args.hpp"
#include "cli/commands.hpp"
#include "cli/connection_args.hpp"
#include "cli/paths.hpp"
#include "cli/progress.hpp"
#include "cli/publish.hpp"
#include "cli/selection_args.hpp"
#include "cli/signals.hpp"
#include "inventory/inventory.hpp"
#include "inventory/shard.hpp"
#include "pipeline/early_connections.hpp"
#include "pipeline/run.hpp"
#include "pipeline/scan.hpp"
#include "record/host_spool.hpp"
#include "record/record.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/json_text.hpp"
#include "util/leave_to_exit.hpp"
#include "util/malloc_arenas.hpp"
#include "util/text.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <optional>

namespace cisscan {

namespace {

// The most run_scan's buffer of a host's text keeps between hosts.
constexpr size_t k_kept_buffer = 8u << 20;

struct ScanArgs {
  ConnectionArgs connection;
  std::vector<std::string> checks;
  std::string controls;
  Selection selection;
  int jobs = 16;
  std::string shard; // "I/N": only the hosts of that shard
  size_t output_cap = 64 * 1024;
  size_t host_output_limit = 128 * 1024 * 1024;
  size_t probe_lanes = 2;
  std::string operator_name;
  std::string dump_scripts;
  AssessmentArgs assessment;
  PublishArgs publish;
};

std::string default_operator() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return util::account_name() + "@" + host;
}

RunInfo run_info(const ScanArgs& args, const Inventory& inventory,
                 const std::vector<std::string>& checks_paths, size_t checks_in_catalog) {
  RunInfo info;
  info.started_at = util::rfc3339_now();
  info.id = new_run_id(info.started_at);
  info.scanner_version = CISSCAN_VERSION;
  info.operator_name = args.operator_name.empty() ? default_operator() : args.operator_name;
  info.inventory_source = inventory.source;
  info.checks_paths = checks_paths;
  info.shard = args.shard;
  info.selection = args.selection;
  info.checks_in_catalog = checks_in_catalog;
  return info;
}

// What a scan starts from: its catalog, and its inventory with the first hosts' connections
// begun while the catalog loaded.
struct ScanStart {
  Catalog loaded;
  Inventory inventory;
  std::unique_ptr<EarlyConnections> early;
};

// The catalog is valid before any host is logged in to: a cluster's inventory, which logs in to
// its nodes to find their guests, waits for it; otherwise the first hosts' connections begin
// while it loads, up to their key exchange (pipeline/early_connections.hpp), and a bad catalog
// closes them unauthenticated.
ScanStart start_scan(const ScanArgs& args, const ControlsCatalog& controls,
                     const std::vector<std::string>& checks_paths) {
  std::optional<Catalog> loaded;
  const auto load = [&] {
    if (!loaded) {
      loaded = load_catalog_or_throw(checks_paths, controls);
    }
  };
  ScanStart start;
  start.inventory = load_connected_inventory(args.connection, load);
  if (!args.shard.empty()) {
    start.inventory = select_shard(start.inventory, parse_shard(args.shard));
  }
  if (args.jobs < 1) {
    throw ConfigError("--jobs must be at least 1");
  }
  util::limit_malloc_arenas(); // before the first thread
  if (!loaded) {
    start.early =
        std::make_unique<EarlyConnections>(start.inventory, transport_options(args.connection),
                                           make_transport, static_cast<size_t>(args.jobs));
    load();
  }
  start.loaded = std::move(*loaded);
  return start;
}

int run_scan(const ScanArgs& args) {
  const auto controls = ControlsCatalog::load(
      args.controls.empty() ? default_controls_file() : std::filesystem::path(args.controls));
  const auto checks_paths =
      args.checks.empty() ? std::vector<std::string>{default_checks_dir().string()} : args.checks;
  // What needs no catalog is checked before any host is contacted (test_hardening.py).
  const auto assessment = load_assessment(args.assessment, controls);
  auto rules = check_publish(args.publish, controls);
  auto [loaded, inventory, early] = start_scan(args, controls, checks_paths);
  auto catalog = select_checks(loaded, args.selection);

  const auto info = run_info(args, inventory, checks_paths, loaded.checks.size());
  spdlog::info("run {}: {} (profile {}), {}", info.id,
               util::count_of(static_cast<long long>(catalog.checks.size()), "check"),
               args.selection.profile,
               util::count_of(static_cast<long long>(inventory.hosts.size()), "host"));

  ScanOptions options;
  options.jobs = args.jobs;
  options.output_cap = args.output_cap;
  options.host_output_limit = args.host_output_limit;
  options.probe_lanes = args.probe_lanes;
  options.dump_scripts_dir = args.dump_scripts;
  options.transport = transport_options(args.connection);
  options.early = early.get();
  const InterruptGuard interrupt;
  options.interrupted = &interrupt.interrupted();
  // The record but its hosts is known before the scan. Each host's run is handed to this thread
  // as it ends (pipeline/hand_off.hpp), is assessed (in whatever order hosts end: HostAssessor)
  // and goes to the spool as text (pipeline/scan_entry.hpp) with its score, so that the fleet's
  // hosts are held on disk, not in memory, whatever the formats. Its raw run is not kept.
  auto record = build_record_from_entries(info, catalog, controls, {});
  HostAssessor assessor(record, controls, assessment);
  const auto members = result_members(catalog); // what a check's results share, as text once
  HostSpool spool(inventory.hosts.size());
  // One buffer for every host's text: a host's text (~500 KB with the full catalog) grown from
  // empty each time cost a third of writing it in reallocations and first-touch page faults
  // (benchmarks/README.md, 2026-12-03 23:00). Let go when a rare large host grew it too much.
  std::string text;
  {
    Progress progress(inventory.hosts.size(), progress_wanted());
    progress.attach(options);
    scan_fleet(inventory, catalog, options, [&](size_t index, HostRun&& run) {
      ScanEntry entry(std::move(run), members);
      const auto score = util::compact_json(assessor.add(entry, index));
      if (text.capacity() > k_kept_buffer) {
        std::string().swap(text);
      }
      text.clear();
      entry.append_text(text);
      spool.put_text(index, entry.name(), {text, gaps_text(entry.host(), entry), score});
    });
  }
  record["run"]["finished_at"] = util::rfc3339_now();
  assessor.finish(record);
  const int code = publish(record, spool, args.publish, std::move(rules));
  // The command ends here: freeing the catalog and the record took ~3.5 ms of a one-host scan
  // (benchmarks/README.md, 2026-12-06 19:15).
  util::leave_to_exit(std::move(record));
  util::leave_to_exit(std::move(catalog));
  util::leave_to_exit(std::move(loaded));
  return code;
}

} // namespace

std::function<int()> add_scan_command(CLI::App& app) {
  auto args = std::make_shared<ScanArgs>();
  auto* cmd = app.add_subcommand("scan", "Scan the hosts of an inventory (default: this machine)");
  add_connection_options(cmd, args->connection);
  cmd->add_option("-c,--checks", args->checks,
                  "Check file or folder (repeatable; default: the shipped catalog)");
  cmd->add_option("--controls", args->controls, "CIS Controls v8 catalog YAML");
  add_selection_options(cmd, args->selection);
  cmd->add_option("-j,--jobs", args->jobs, "Hosts scanned in parallel")->capture_default_str();
  cmd->add_option("--shard", args->shard,
                  "Scan shard I of N (0 <= I < N) of the inventory, by a hash of host names; "
                  "cisscan merge joins the shards' records");
  cmd->add_option("--output-cap", args->output_cap, "Bytes of each probe's output kept")
      ->capture_default_str();
  cmd->add_option("--host-output-limit", args->host_output_limit,
                  "Bytes one host may send in all before it is cut off as an error")
      ->capture_default_str()
      ->check(at_least_one("bytes"));
  cmd->add_option("--probe-lanes", args->probe_lanes,
                  "Probes each host runs side by side (1: one after another)")
      ->capture_default_str()
      ->check(at_least_one("lanes"))
      ->check(CLI::Range(size_t{1}, size_t{8}));
  cmd->add_option("--operator", args->operator_name,
                  "Who ran the scan (default: user@host; the account name when $USER is unset)");
  cmd->add_option("--dump-scripts", args->dump_scripts,
                  "Save each generated probe script in this folder (for benchmarks; the files "
                  "hold each host's frame boundary)")
      ->check(CLI::ExistingDirectory);
  add_assessment_options(cmd, args->assessment);
  add_publish_options(cmd, args->publish);
  return [args]() { return run_scan(*args); };
}

} // namespace cisscan
