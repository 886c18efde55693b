#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "util/error.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

namespace cisscan {

namespace {

constexpr const char* k_exit_help = R"(
Exit codes:
  0  the scan is complete and the gate passed
  1  the gate failed: by default a check failed (and is not waived); or a --fail-under,
     --fail-on or --gate rule failed
  2  usage or configuration error (bad option, unreadable inventory or catalog): nothing
     scanned; or, after a scan, a history store or the reports could not be written, or
     --baseline latest found no earlier run (the error line says what was written)
  3  the scan is incomplete: a host was unreachable, timed out or failed
  cisscan lint: 0 clean, 1 problems found, 2 could not run
)";

const std::vector<Command> k_commands = {
    {"scan", add_scan_command},         {"report", add_report_command},
    {"lint", add_lint_command},         {"list", add_list_command},
    {"history", add_history_command},   {"diff", add_diff_command},
    {"gate", add_gate_command},         {"merge", add_merge_command},
    {"discover", add_discover_command},
};

} // namespace

int run_cli(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("cisscan");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%^%l%$: %v");

  CLI::App app{"cisscan: agentless CIS Controls v8 compliance scanner"};
  app.set_version_flag("--version", std::string("cisscan ") + CISSCAN_VERSION);
  app.footer(k_exit_help);
  app.require_subcommand(1);
  app.fallthrough(); // -q and -v also work after the command name
  bool quiet = false;
  bool verbose = false;
  app.add_flag("-q,--quiet", quiet, "Log warnings and errors only");
  app.add_flag("-v,--verbose", verbose, "Log each connection and channel with its timing");
  std::vector<std::function<int()>> runners;
  for (const auto& command : k_commands) {
    runners.push_back(command.add(app));
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.empty() || arg[0] == '-') {
      continue;
    }
    const bool known = std::any_of(k_commands.begin(), k_commands.end(),
                                   [&](const Command& c) { return arg == c.name; });
    if (!known) {
      std::cerr << "cisscan: unknown command '" << arg
                << "' (expected scan, report, lint, list, history, diff, gate, merge or discover; "
                   "see cisscan --help)\n";
      return k_exit_usage;
    }
    break;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "cisscan: " << e.what() << " (see cisscan --help)\n";
    return k_exit_usage;
  }
  spdlog::set_level(quiet     ? spdlog::level::warn
                    : verbose ? spdlog::level::debug
                              : spdlog::level::info);
  try {
    for (size_t i = 0; i < k_commands.size(); ++i) {
      if (app.got_subcommand(k_commands[i].name)) {
        return runners[i]();
      }
    }
  } catch (const ConfigError& e) {
    std::cerr << "cisscan: " << e.what() << "\n";
    return k_exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "cisscan: internal error: " << e.what() << "\n";
    return k_exit_usage;
  }
  return k_exit_usage;
}

} // namespace cisscan
