#include "catalog/operators.hpp"
#include "catalog/probe_types.hpp"
#include "catalog/selection.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/list_safeguards.hpp"
#include "cli/paths.hpp"
#include "cli/selection_args.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <iostream>

namespace cisscan {

namespace {

struct ListArgs {
  std::string what;
  std::vector<std::string> checks;
  std::string controls;
  Selection selection;
  int ig = 1;
  std::string format = "text";
};

void print_checks(const Catalog& catalog) {
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
}

int run_list(const ListArgs& args) {
  if (args.what == "probes") {
    for (const auto& type : probe_types()) {
      std::cout << type.name << "\t" << type.summary << "\n";
    }
    return k_exit_ok;
  }
  if (args.what == "operators") {
    for (const auto& op : operator_table()) {
      std::cout << op.name << "\t" << op.summary << "\n";
    }
    return k_exit_ok;
  }
  if (args.what != "safeguards" && args.format != "text") {
    throw ConfigError("--format: only list safeguards has formats other than text");
  }
  const auto controls = ControlsCatalog::load(
      args.controls.empty() ? default_controls_file() : std::filesystem::path(args.controls));
  const auto loaded = load_catalog_or_throw(
      args.checks.empty() ? std::vector<std::string>{default_checks_dir().string()} : args.checks,
      controls);
  const auto catalog = select_checks(loaded, args.selection);
  if (args.what == "checks") {
    print_checks(catalog);
    return k_exit_ok;
  }
  const CoverageScope scope{args.ig, args.selection.profile, catalog.checks.size(),
                            loaded.checks.size()};
  write_safeguard_list(controls, catalog, scope, args.format, std::cout);
  return k_exit_ok;
}

} // namespace

std::function<int()> add_list_command(CLI::App& app) {
  auto args = std::make_shared<ListArgs>();
  auto* cmd = app.add_subcommand(
      "list",
      "List checks, probe types, operators, or safeguards with the checks that assess them");
  cmd->add_option("what", args->what, "checks | probes | operators | safeguards")
      ->required()
      ->check(CLI::IsMember({"checks", "probes", "operators", "safeguards"}));
  cmd->add_option("-c,--checks", args->checks, "Check file or folder (repeatable)");
  cmd->add_option("--controls", args->controls, "CIS Controls v8 catalog YAML");
  add_selection_options(cmd, args->selection);
  cmd->add_option("--ig", args->ig,
                  "safeguards: those of this Implementation Group (1, 2 or 3), each with its "
                  "automated and manual checks, or 'attestation required'")
      ->capture_default_str()
      ->check(CLI::IsMember({1, 2, 3}));
  cmd->add_option("--format", args->format, "safeguards: text, md (a Markdown table) or json")
      ->capture_default_str()
      ->check(CLI::IsMember(safeguard_list_formats()));
  return [args]() { return run_list(*args); };
}

} // namespace cisscan
