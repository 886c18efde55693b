#include "catalog/loader.hpp"
#include "cli/commands.hpp"
#include "cli/paths.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

#include <memory>
#include <set>
#include <string_view>

namespace cisscan {

namespace fs = std::filesystem;

namespace {

bool mentions(const fs::path& file, std::string_view word) {
  try {
    return util::read_file(file).find(word) != std::string::npos;
  } catch (const std::exception&) {
    return true; // unreadable: let the YAML reader say why
  }
}

} // namespace

KnownRisk catalog_risks(const std::vector<fs::path>& paths) {
  auto files = std::vector<fs::path>{default_checks_dir() / "risk" / "register.yaml"};
  std::vector<Diagnostic> reported_by_the_catalog_loader;
  for (const auto& [path, _] : find_yaml_files(paths, reported_by_the_catalog_loader)) {
    files.push_back(path);
  }
  auto ids = std::make_shared<std::set<std::string>>();
  // The default register is also among the catalog's files.
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  for (const auto& file : files) {
    const auto identity = util::file_identity(file);
    if (identity && !seen.insert(*identity).second) {
      continue;
    }
    // A register has a `criteria` key: a file whose text never says the word is not one, and is
    // not parsed twice (the catalog loader parses every file again).
    if (!mentions(file, "criteria")) {
      continue;
    }
    // Not there, or not YAML: the loader of its kind says so.
    const util::YamlFile yaml(file, util::YamlFile::Mode::collect);
    const auto& root = yaml.root();
    if (!yaml.parsed() || !root.IsMap() || !root["criteria"] || !root["entries"] ||
        !root["entries"].IsSequence()) {
      continue;
    }
    for (const auto& entry : root["entries"]) {
      if (entry.IsMap() && entry["id"] && entry["id"].IsScalar()) {
        ids->insert(entry["id"].as<std::string>());
      }
    }
  }
  return [ids](const std::string& id) { return ids->count(id) != 0; };
}

Catalog load_catalog_or_throw(const std::vector<std::string>& paths,
                              const ControlsCatalog& controls) {
  std::vector<fs::path> fs_paths(paths.begin(), paths.end());
  auto load = load_catalog(fs_paths, controls, catalog_risks(fs_paths));
  if (!load.diagnostics.empty()) {
    auto message = load.diagnostics.front().to_string();
    if (load.diagnostics.size() > 1) {
      message +=
          " (and " +
          util::count_of(static_cast<long long>(load.diagnostics.size() - 1), "more problem") +
          ": run cisscan lint)";
    }
    throw ConfigError(message);
  }
  if (load.catalog.checks.empty()) {
    throw ConfigError("no checks found in " + paths.front());
  }
  return std::move(load.catalog);
}

} // namespace cisscan
