// The subcommands; each returns its exit code and throws ConfigError for bad input (exit 2).
#pragma once

#include "catalog/check.hpp"
#include "catalog/controls.hpp"
#include "catalog/loader.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace cisscan {

// The command table: each row adds its subcommand and options to the app and returns the
// function that runs it once the command line is parsed.
struct Command {
  const char* name;
  std::function<std::function<int()>(CLI::App& app)> add;
};

std::function<int()> add_scan_command(CLI::App& app);
std::function<int()> add_report_command(CLI::App& app);
std::function<int()> add_lint_command(CLI::App& app);
std::function<int()> add_list_command(CLI::App& app);
std::function<int()> add_history_command(CLI::App& app);
std::function<int()> add_diff_command(CLI::App& app);
std::function<int()> add_gate_command(CLI::App& app);
std::function<int()> add_merge_command(CLI::App& app);
std::function<int()> add_discover_command(CLI::App& app);

// The risk ids a check's `risks:` may name: the entries of the shipped default register and of
// every risk register file among the catalog paths.
KnownRisk catalog_risks(const std::vector<std::filesystem::path>& paths);
// Loads the catalog or throws ConfigError with the first problem (and how many more).
Catalog load_catalog_or_throw(const std::vector<std::string>& paths,
                              const ControlsCatalog& controls);

int run_cli(int argc, char** argv);

} // namespace cisscan
