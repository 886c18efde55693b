// `cisscan list safeguards`: each safeguard of an Implementation Group with the checks that
// assess it, as text, a Markdown table (the README's coverage table) or JSON.
#pragma once

#include "catalog/check.hpp"
#include "catalog/controls.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace cisscan {

// What the listing says it covers: the profile and how many checks of the catalog it selected.
struct CoverageScope {
  int ig = 1;
  std::string profile;
  size_t checks_selected = 0;
  size_t checks_in_catalog = 0;
};

// The formats `list safeguards --format` takes: text, md, json.
std::vector<std::string> safeguard_list_formats();
// Writes the listing in `format` (text, md or json).
void write_safeguard_list(const ControlsCatalog& controls, const Catalog& catalog,
                          const CoverageScope& scope, const std::string& format, std::ostream& out);

} // namespace cisscan
