#include "catalog/loader.hpp"
#include "cli/commands.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace cisscan {

Catalog load_catalog_or_throw(const std::vector<std::string>& paths,
                              const ControlsCatalog& controls) {
  std::vector<std::filesystem::path> fs_paths(paths.begin(), paths.end());
  auto load = load_catalog(fs_paths, controls);
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
