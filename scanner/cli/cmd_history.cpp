#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/gate_args.hpp"
#include "history/diff.hpp"
#include "history/store.hpp"
#include "record/record.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/json_file.hpp"
#include "util/text.hpp"

#include <future>
#include <iostream>
#include <regex>

namespace cisscan {

namespace {

// Opens the store or throws ConfigError with one clear line. Unless `create`, a SQLite file
// that does not exist is that line, not a new empty store (reading never creates one).
std::unique_ptr<HistoryStore> open_store(const std::string& url, bool create = false) {
  if (const auto file = sqlite_file(url);
      !create && !file.empty() && !std::filesystem::exists(file)) {
    throw ConfigError("--store " + url + ": no store at " + file +
                      " (nothing has been stored there yet: scan --store or history --import "
                      "makes it)");
  }
  try {
    return std::make_unique<HistoryStore>(url);
  } catch (const DbError& e) {
    throw ConfigError(std::string("--store: ") + e.what());
  }
}

// A record file, or a run id looked up in the store (its summary: what diff reads).
cisscan::json record_or_run(const std::string& what, HistoryStore* store) {
  if (store != nullptr && !std::filesystem::exists(what)) {
    auto summary = store->summary_record(what);
    if (!summary) {
      throw ConfigError("no run '" + what + "' in the store (and no file of that name)");
    }
    return std::move(*summary);
  }
  return load_record_summary(what);
}

// `cisscan history` with no action: the stored runs, oldest first.
void list_runs(HistoryStore& store, const std::string& format) {
  const auto runs = store.runs();
  if (format == "json") {
    auto out = cisscan::json::array();
    for (const auto& run : runs) {
      out.push_back({{"id", run.id},
                     {"started_at", run.started_at},
                     {"finished_at", run.finished_at},
                     {"ig1_score", run.ig1_score ? cisscan::json(*run.ig1_score) : nullptr},
                     {"ig1_assessed", run.ig1_assessed},
                     {"hosts_scanned", run.hosts_scanned},
                     {"hosts_in_scope", run.hosts_in_scope}});
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << "run\tstarted\tIG1 score\tIG1 safeguards assessed\thosts scanned\n";
  for (const auto& run : runs) {
    char score[16] = "n/a";
    if (run.ig1_score) {
      std::snprintf(score, sizeof(score), "%.1f", *run.ig1_score);
    }
    std::cout << run.id << "\t" << run.started_at << "\t" << score << "\t" << run.ig1_assessed
              << "/56\t" << run.hosts_scanned << "/" << run.hosts_in_scope << "\n";
  }
}

constexpr int k_max_keep_days = 36500;

// --keep's "90d" as a number of days, 1..k_max_keep_days; else throws ConfigError.
int keep_days(const std::string& keep) {
  static const std::regex k_days(R"(^(\d{1,9})d$)");
  std::smatch match;
  const int days = std::regex_match(keep, match, k_days) ? std::stoi(match[1]) : 0;
  if (days < 1 || days > k_max_keep_days) {
    throw ConfigError("--keep: expected a number of days 1.." + std::to_string(k_max_keep_days) +
                      " such as 90d, not '" + keep + "'");
  }
  return days;
}

struct HistoryArgs {
  std::string store = "sqlite:";
  std::string format = "text";
  std::string export_id;
  bool prune = false;
  std::string keep;
  std::vector<std::string> import_files;
};

struct DiffArgs {
  std::string old_run;
  std::string new_run;
  std::string store;
  std::string format = "text";
};

struct GateCmdArgs {
  std::string record;
  std::string store;
  GateArgs gate;
};

} // namespace

std::function<int()> add_history_command(CLI::App& app) {
  auto args = std::make_shared<HistoryArgs>();
  auto* cmd = app.add_subcommand("history", "List, export or prune stored runs");
  cmd->add_option("--store", args->store,
                  "sqlite:PATH, sqlite: ($XDG_STATE_HOME/cisscan/history.db) or postgresql://...")
      ->capture_default_str();
  cmd->add_option("--export", args->export_id, "Print the JSON record of this run");
  cmd->add_flag("--prune", args->prune, "Delete runs older than --keep");
  cmd->add_option("--keep", args->keep, "With --prune: how long to keep, e.g. 90d");
  cmd->add_option("--import", args->import_files,
                  "Store saved records (report.json files) as runs, e.g. runs made before the "
                  "store existed");
  cmd->add_option("--format", args->format, "The list of runs: text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  return [args]() {
    auto store = open_store(args->store, !args->import_files.empty());
    if (!args->export_id.empty()) {
      if (!store->export_record(args->export_id, std::cout)) {
        throw ConfigError("--export: no run '" + args->export_id + "' in the store");
      }
      return k_exit_ok;
    }
    if (!args->import_files.empty()) {
      for (const auto& file : args->import_files) {
        const auto start = std::chrono::steady_clock::now();
        const auto imported = store->import_file(file);
        if (!imported.stored) {
          std::cout << "skipped " << file << ": run " << imported.run_id
                    << " is already in the store\n";
          continue;
        }
        std::cout << "imported " << imported.run_id << " ("
                  << util::milliseconds_between(start, std::chrono::steady_clock::now())
                  << " ms)\n";
      }
      return k_exit_ok;
    }
    if (args->prune) {
      const auto cutoff = util::rfc3339(std::chrono::system_clock::now() -
                                        std::chrono::hours(24) * keep_days(args->keep));
      std::cout << "pruned " << util::count_of(store->prune_before(cutoff), "run")
                << " started before " << cutoff << "\n";
      return k_exit_ok;
    }
    list_runs(*store, args->format);
    return k_exit_ok;
  };
}

std::function<int()> add_diff_command(CLI::App& app) {
  auto args = std::make_shared<DiffArgs>();
  auto* cmd = app.add_subcommand("diff", "What changed between two runs (exit 0 whatever changed)");
  cmd->add_option("old", args->old_run, "Older record file or run id")->required();
  cmd->add_option("new", args->new_run, "Newer record file or run id")->required();
  cmd->add_option("--store", args->store,
                  "Store to look run ids up in (default: sqlite:, as for history)");
  cmd->add_option("--format", args->format, "text or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  return [args]() {
    // Run ids are looked up in the store: the one given, else the default one, opened only
    // when an argument is not a file.
    std::unique_ptr<HistoryStore> store;
    const std::string run_id = !std::filesystem::exists(args->old_run)   ? args->old_run
                               : !std::filesystem::exists(args->new_run) ? args->new_run
                                                                         : std::string();
    if (!args->store.empty() || !run_id.empty()) {
      const auto url = args->store.empty() ? std::string("sqlite:") : args->store;
      if (const auto file = sqlite_file(url);
          !run_id.empty() && !file.empty() && !std::filesystem::exists(file)) {
        throw ConfigError("'" + run_id + "': no such record file, and no store at " + file +
                          " to look it up in as a run id");
      }
      store = open_store(url);
    }
    // The two runs load at once (a fleet's record takes a while to parse). SQLite connections
    // are not shared between threads: only files load in parallel.
    auto old_run = std::async(store ? std::launch::deferred : std::launch::async,
                              [&] { return record_or_run(args->old_run, store.get()); });
    const auto new_run = record_or_run(args->new_run, store.get());
    const auto diff = diff_records(old_run.get(), new_run);
    std::cout << (args->format == "json" ? diff.dump(2) + "\n" : diff_text(diff));
    return k_exit_ok;
  };
}

std::function<int()> add_gate_command(CLI::App& app) {
  auto args = std::make_shared<GateCmdArgs>();
  auto* cmd =
      app.add_subcommand("gate", "Apply gate rules to a saved record (exit 1 when one fails)");
  cmd->add_option("record", args->record, "The run's report.json")->required();
  cmd->add_option("--store", args->store, "Store for --baseline latest");
  add_gate_options(cmd, args->gate);
  return [args]() {
    const auto record = load_record(args->record);
    std::unique_ptr<HistoryStore> store;
    if (!args->store.empty()) {
      store = open_store(args->store, true); // --baseline-missing pass may start on a new one
    }
    const auto& safeguards = record["catalog"]["safeguards"];
    auto rules = load_gate_rules(
        args->gate, [&](const std::string& id) { return safeguards.contains(id); },
        store != nullptr);
    if (store && !resolve_latest_baseline(rules, args->gate, record, *store)) {
      throw ConfigError(missing_baseline_message());
    }
    return report_gate(evaluate_gate(record, rules));
  };
}

} // namespace cisscan
