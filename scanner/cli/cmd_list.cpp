#include "catalog/probe_types.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/paths.hpp"
#include "evaluate/operators.hpp"
#include "util/text.hpp"

#include <iostream>

namespace cisscan {

namespace {

struct ListArgs {
  std::string what;
  std::vector<std::string> checks;
  std::string controls;
};

} // namespace

std::function<int()> add_list_command(CLI::App& app) {
  auto args = std::make_shared<ListArgs>();
  auto* cmd = app.add_subcommand("list", "List checks, probe types or operators");
  cmd->add_option("what", args->what, "checks | probes | operators")
      ->required()
      ->check(CLI::IsMember({"checks", "probes", "operators"}));
  cmd->add_option("-c,--checks", args->checks, "Check file or folder (repeatable)");
  cmd->add_option("--controls", args->controls, "CIS Controls v8 catalog YAML");
  return [args]() {
    if (args->what == "probes") {
      for (const auto& type : probe_types()) {
        std::cout << type.name << "\t" << type.summary << "\n";
      }
      return k_exit_ok;
    }
    if (args->what == "operators") {
      for (const auto& op : operator_table()) {
        std::cout << op.name << "\t" << op.summary << "\n";
      }
      return k_exit_ok;
    }
    const auto controls = ControlsCatalog::load(
        args->controls.empty() ? default_controls_file() : std::filesystem::path(args->controls));
    const auto catalog = load_catalog_or_throw(
        args->checks.empty() ? std::vector<std::string>{default_checks_dir().string()}
                             : args->checks,
        controls);
    for (const auto& check : catalog.checks) {
      // Refs and levels of every benchmark the check implements, "," between benchmarks.
      std::vector<std::string> refs;
      std::vector<std::string> levels;
      for (const auto& b : check->benchmarks) {
        refs.push_back(b.id + ":" + b.ref);
        levels.push_back(b.level);
      }
      std::cout << check->id << "\t" << util::join(refs, ",") << "\t" << util::join(levels, ",")
                << "\t" << util::join(check->safeguards, ",") << "\t" << check->title << "\n";
    }
    return k_exit_ok;
  };
}

} // namespace cisscan
