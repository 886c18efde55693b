#include "catalog/coverage.hpp"

#include <map>

namespace cisscan {

std::string SafeguardCoverage::coverage() const {
  if (!automated.empty()) {
    return "automated";
  }
  return manual.empty() ? "attestation" : "manual";
}

std::vector<SafeguardCoverage> safeguard_coverage(const ControlsCatalog& controls,
                                                  const Catalog& catalog, int ig) {
  std::vector<SafeguardCoverage> out;
  std::map<std::string, size_t> index;
  for (const auto& safeguard : controls.safeguards()) {
    const bool member = ig == 1 ? safeguard.ig1 : ig == 2 ? safeguard.ig2 : safeguard.ig3;
    if (member) {
      index[safeguard.id] = out.size();
      out.push_back({&safeguard, {}, {}});
    }
  }
  for (const auto& check : catalog.checks) {
    for (const auto& id : check->safeguards) {
      const auto it = index.find(id);
      if (it == index.end()) {
        continue;
      }
      auto& row = out[it->second];
      (check->probe ? row.automated : row.manual).push_back(check->id);
    }
  }
  return out;
}

} // namespace cisscan
