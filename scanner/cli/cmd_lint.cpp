#include "catalog/loader.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/paths.hpp"

#include <iostream>

namespace cisscan {

std::function<int()> add_lint_command(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto controls_file = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("lint", "Check catalog files: 0 clean, 1 problems, 2 cannot run");
  cmd->add_option("paths", *paths, "Check files or folders (default: the shipped catalog)");
  cmd->add_option("--controls", *controls_file, "CIS Controls v8 catalog YAML");
  return [paths, controls_file]() {
    const auto controls = ControlsCatalog::load(
        controls_file->empty() ? default_controls_file() : std::filesystem::path(*controls_file));
    std::vector<std::filesystem::path> targets(paths->begin(), paths->end());
    if (targets.empty()) {
      targets.push_back(default_checks_dir());
    }
    const auto load = load_catalog(targets, controls);
    for (const auto& diagnostic : load.diagnostics) {
      std::cout << diagnostic.to_string() << "\n";
    }
    std::cerr << load.catalog.checks.size() << " checks in " << load.catalog.files.size()
              << " files, " << load.diagnostics.size() << " problems\n";
    return load.diagnostics.empty() ? k_exit_ok : k_exit_gate_failed;
  };
}

} // namespace cisscan
