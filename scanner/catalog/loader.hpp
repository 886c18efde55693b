// Loads every check file under the given paths into immutable definitions, collecting problems.
#pragma once

#include "catalog/check.hpp"
#include "catalog/controls.hpp"
#include "util/yaml.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace cisscan {

// One problem in an input file: "file:line: check-id: message".
using Diagnostic = util::Diagnostic;

struct CatalogLoad {
  Catalog catalog;
  std::vector<Diagnostic> diagnostics;
};

// Every *.yaml and *.yml file under the paths (files or folders, searched recursively), sorted,
// each once, with the name it has in the catalog digest (relative to the folder it was found
// under). A path that does not exist becomes a diagnostic.
std::vector<std::pair<std::filesystem::path, std::string>>
find_yaml_files(const std::vector<std::filesystem::path>& paths,
                std::vector<Diagnostic>& diagnostics);

// Whether a risk register entry id is known (a check's `risks:` must name known entries).
using KnownRisk = std::function<bool(const std::string& id)>;

// Paths may be files or folders (searched recursively for *.yaml and *.yml, in sorted order).
// Files whose top level has no `checks:` but another known kind (`safeguards:`, `register:`,
// `waivers:`, `attestations:`) are skipped. Every problem becomes a diagnostic, among them a
// risk id `known_risk` refuses (with no `known_risk`, every risk id is unknown).
CatalogLoad load_catalog(const std::vector<std::filesystem::path>& paths,
                         const ControlsCatalog& controls, const KnownRisk& known_risk = {});

} // namespace cisscan
