#include "catalog/controls.hpp"
#include "cli/assessment_args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/gate_args.hpp"
#include "cli/output.hpp"
#include "cli/paths.hpp"
#include "history/diff.hpp"
#include "history/store.hpp"
#include "inventory/inventory.hpp"
#include "pipeline/scan.hpp"
#include "record/record.hpp"
#include "reports/formats.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <unistd.h>

namespace cisscan {

namespace {

struct ScanArgs {
  std::string inventory;
  std::vector<std::string> checks;
  std::string controls;
  std::string out = "cisscan-report";
  std::string formats = "json,junit,html";
  int jobs = 16;
  std::string known_hosts;
  bool accept_new = false;
  int connect_timeout = 10;
  int host_timeout = 900;
  size_t output_cap = 64 * 1024;
  std::string operator_name;
  std::string dump_scripts;
  AssessmentArgs assessment;
  GateArgs gate;
  std::string store;
  std::string prometheus;
  std::string html_detail = "full";
};

std::string default_operator() {
  const char* user = std::getenv("USER");
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return std::string(user != nullptr ? user : "unknown") + "@" + host;
}

bool incomplete(const cisscan::json& record) {
  for (const auto& host : record["hosts"]) {
    const auto status = host["status"].get<std::string>();
    if (status != "ok" && status != "skipped") {
      return true;
    }
  }
  return false;
}

// The history the report shows: the baseline's drift and the IG1 score over time. A store that
// cannot be used costs the run its history (exit 2), never its reports.
std::unique_ptr<HistoryStore> attach_history(cisscan::json& record, const std::string& url,
                                             std::string& store_error) {
  std::unique_ptr<HistoryStore> store;
  try {
    store = std::make_unique<HistoryStore>(url);
    cisscan::json over_time = cisscan::json::array();
    for (const auto& [started_at, score] : store->ig1_over_time()) {
      over_time.push_back({{"started_at", started_at},
                           {"score", score ? cisscan::json(*score) : cisscan::json(nullptr)}});
    }
    over_time.push_back(
        {{"started_at", record["run"]["started_at"]}, {"score", record["scores"]["ig1"]["score"]}});
    cisscan::json history = {{"store", redact_url(url)}, {"ig1_over_time", over_time}};
    if (const auto id = store->latest_before(record["run"]["started_at"].get<std::string>())) {
      const auto previous = cisscan::json::parse(*store->export_record(*id));
      history["since_last_run"] = diff_records(previous, record);
    }
    record["history"] = history;
  } catch (const std::exception& e) {
    store_error = e.what();
    store.reset();
  }
  return store;
}

int run_scan(const ScanArgs& args) {
  const auto controls = ControlsCatalog::load(
      args.controls.empty() ? default_controls_file() : std::filesystem::path(args.controls));
  const auto checks_paths =
      args.checks.empty() ? std::vector<std::string>{default_checks_dir().string()} : args.checks;
  const auto catalog = load_catalog_or_throw(checks_paths, controls);
  const auto inventory =
      args.inventory.empty() ? local_inventory() : load_inventory(args.inventory);
  const auto formats = parse_formats(args.formats);
  const auto assessment = load_assessment(args.assessment, controls);
  if (args.jobs < 1) {
    throw ConfigError("--jobs must be at least 1");
  }

  RunInfo info;
  info.started_at = util::rfc3339_now();
  info.id = info.started_at.substr(0, 19) + "Z-" + util::random_hex(4);
  info.scanner_version = CISSCAN_VERSION;
  info.operator_name = args.operator_name.empty() ? default_operator() : args.operator_name;
  info.inventory_source = inventory.source;
  info.checks_paths = checks_paths;
  spdlog::info("run {}: {} checks, {} hosts", info.id, catalog.checks.size(),
               inventory.hosts.size());

  ScanOptions options;
  options.jobs = args.jobs;
  options.output_cap = args.output_cap;
  options.dump_scripts_dir = args.dump_scripts;
  options.transport.known_hosts = args.known_hosts;
  options.transport.accept_new_host_keys = args.accept_new;
  options.transport.connect_timeout_seconds = args.connect_timeout;
  options.transport.host_timeout_seconds = args.host_timeout;
  const auto hosts = scan_fleet(inventory, catalog, options);
  info.finished_at = util::rfc3339_now();

  auto record = build_record(info, catalog, controls, hosts);
  assess_record(record, controls, assessment);
  std::string store_error;
  std::unique_ptr<HistoryStore> store;
  if (!args.store.empty()) {
    store = attach_history(record, args.store, store_error);
  }
  // The gate's inputs are checked before anything is written, so a bad rule is one clear line.
  const auto rules = load_gate_rules(args.gate, record, store.get());
  write_reports(record, formats, args.out, {args.html_detail});
  if (store) {
    try {
      store->save(record, reports::render("json", record));
      spdlog::info("stored run {} in {}", info.id, redact_url(args.store));
    } catch (const std::exception& e) {
      store_error = e.what();
    }
  }
  if (!args.prometheus.empty()) {
    util::write_file_atomic(args.prometheus,
                            [&](std::ostream& out) { reports::write_prometheus(record, out); });
  }
  const auto& ig1 = record["scores"]["ig1"];
  spdlog::info("IG1 score {} ({} of {} IG1 safeguards assessed), {} of {} hosts scanned",
               ig1["score"].is_null() ? std::string("n/a") : ig1["score"].dump(),
               ig1["assessed"].get<int>(), ig1["total"].get<int>(),
               record["scores"]["hosts_scanned"].get<int>(),
               record["scores"]["hosts_in_scope"].get<int>());
  const int gate = report_gate(evaluate_gate(record, rules));
  if (!store_error.empty()) {
    std::cerr << "cisscan: --store " << redact_url(args.store) << ": " << store_error
              << " (the reports were written)\n";
    return k_exit_usage;
  }
  return incomplete(record) ? k_exit_incomplete : gate;
}

} // namespace

std::function<int()> add_scan_command(CLI::App& app) {
  auto args = std::make_shared<ScanArgs>();
  auto* cmd = app.add_subcommand("scan", "Scan the hosts of an inventory (default: this machine)");
  cmd->add_option("-i,--inventory", args->inventory, "Inventory YAML file");
  cmd->add_option("-c,--checks", args->checks,
                  "Check file or folder (repeatable; default: the shipped catalog)");
  cmd->add_option("--controls", args->controls, "CIS Controls v8 catalog YAML");
  cmd->add_option("-o,--out", args->out, "Folder for the reports")->capture_default_str();
  cmd->add_option("-f,--format", args->formats, "Comma-separated: json,junit,html,md,csv")
      ->capture_default_str();
  add_html_detail_option(cmd, args->html_detail);
  cmd->add_option("-j,--jobs", args->jobs, "Hosts scanned in parallel")->capture_default_str();
  cmd->add_option("--known-hosts", args->known_hosts,
                  "known_hosts file to verify host keys against (default ~/.ssh/known_hosts)");
  cmd->add_flag("--accept-new-host-keys", args->accept_new,
                "Trust and record the key of a host not yet in known_hosts");
  cmd->add_option("--connect-timeout", args->connect_timeout, "Seconds to connect and log in")
      ->capture_default_str();
  cmd->add_option("--host-timeout", args->host_timeout, "Seconds allowed for a whole host")
      ->capture_default_str();
  cmd->add_option("--output-cap", args->output_cap, "Bytes of each probe's output kept")
      ->capture_default_str();
  cmd->add_option("--operator", args->operator_name, "Who ran the scan (default: user@host)");
  cmd->add_option("--dump-scripts", args->dump_scripts,
                  "Save each generated probe script in this folder (for benchmarks; the files "
                  "hold the run's frame boundary)")
      ->check(CLI::ExistingDirectory);
  add_assessment_options(cmd, args->assessment);
  add_gate_options(cmd, args->gate);
  cmd->add_option("--store", args->store,
                  "Keep the run in history: sqlite:PATH, sqlite: or postgresql://...");
  cmd->add_option("--prometheus", args->prometheus,
                  "Write node_exporter textfile metrics to this file (atomically)");
  return [args]() { return run_scan(*args); };
}

} // namespace cisscan
