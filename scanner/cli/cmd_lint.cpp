#include "catalog/loader.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/paths.hpp"
#include "exceptions/exceptions.hpp"
#include "inventory/inventory.hpp"
#include "risk/register.hpp"
#include "util/error.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

#include <iostream>

namespace cisscan {

namespace {

namespace fs = std::filesystem;

// Every YAML file under the paths that is not a check file, with the loader of its kind.
struct OtherKind {
  const char* key; // the top-level key that identifies the kind
  void (*check)(const fs::path& path, const ControlsCatalog& controls);
};

const std::vector<OtherKind> k_other_kinds = {
    {"entries", [](const fs::path& p, const ControlsCatalog& c) { load_register(p, c); }},
    {"waivers", [](const fs::path& p, const ControlsCatalog&) { load_waivers(p); }},
    {"attestations",
     [](const fs::path& p, const ControlsCatalog& c) {
       load_attestations(p, [&](const std::string& id) { return c.find(id) != nullptr; });
     }},
    {"hosts", [](const fs::path& p, const ControlsCatalog&) { load_inventory(p); }},
    {"safeguards", [](const fs::path& p, const ControlsCatalog&) { ControlsCatalog::load(p); }},
};

// Lints the files that hold risk registers, waivers, attestations, inventories or the controls
// catalog; prints one line per problem and returns how many there were.
int lint_other_kinds(const std::vector<fs::path>& targets, const ControlsCatalog& controls) {
  int problems = 0;
  std::vector<Diagnostic> reported_by_the_catalog_loader;
  for (const auto& [path, _] : find_yaml_files(targets, reported_by_the_catalog_loader)) {
    const util::YamlFile file(path, util::YamlFile::Mode::collect);
    const auto& root = file.root();
    if (!file.parsed() || !root.IsMap() || root["checks"]) { // a problem: the catalog loader's
      continue;
    }
    for (const auto& kind : k_other_kinds) {
      if (!root[kind.key]) {
        continue;
      }
      try {
        kind.check(path, controls);
      } catch (const ConfigError& e) {
        std::cout << e.what() << "\n";
        ++problems;
      }
      break;
    }
  }
  return problems;
}

} // namespace

std::function<int()> add_lint_command(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto controls_file = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "lint", "Check catalog, risk register, waiver and attestation files: 0 clean, 1 problems, "
              "2 cannot run");
  cmd->add_option("paths", *paths, "Files or folders (default: the shipped catalog)");
  cmd->add_option("--controls", *controls_file, "CIS Controls v8 catalog YAML");
  return [paths, controls_file]() {
    const auto controls = ControlsCatalog::load(controls_file->empty() ? default_controls_file()
                                                                       : fs::path(*controls_file));
    std::vector<fs::path> targets(paths->begin(), paths->end());
    if (targets.empty()) {
      targets.push_back(default_checks_dir());
    }
    const auto load = load_catalog(targets, controls, catalog_risks(targets));
    for (const auto& diagnostic : load.diagnostics) {
      std::cout << diagnostic.to_string() << "\n";
    }
    const int others = lint_other_kinds(targets, controls);
    const auto problems = load.diagnostics.size() + static_cast<size_t>(others);
    const auto count = [](size_t n, const char* noun) {
      return util::count_of(static_cast<long long>(n), noun);
    };
    std::cerr << count(load.catalog.checks.size(), "check") << " in "
              << count(load.catalog.files.size(), "file") << ", " << count(problems, "problem")
              << "\n";
    return problems == 0 ? k_exit_ok : k_exit_gate_failed;
  };
}

} // namespace cisscan
