#include "exceptions/selector.hpp"

#include <algorithm>

namespace cisscan {

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

namespace {

bool any_in(const std::vector<std::string>& wanted, const cisscan::json& values) {
  if (!values.is_array()) {
    return false;
  }
  return std::any_of(values.begin(), values.end(), [&](const cisscan::json& v) {
    return std::find(wanted.begin(), wanted.end(), v.get<std::string>()) != wanted.end();
  });
}

} // namespace

bool HostSelector::matches(const cisscan::json& host) const {
  if (empty()) {
    return true;
  }
  const auto name = host.value("name", std::string());
  const bool by_name = std::any_of(names.begin(), names.end(), [&](const std::string& pattern) {
    return glob_match(pattern, name);
  });
  return by_name || any_in(groups, host.value("groups", cisscan::json::array())) ||
         any_in(roles, host.value("roles", cisscan::json::array()));
}

cisscan::json HostSelector::to_json() const {
  return {{"names", names}, {"groups", groups}, {"roles", roles}};
}

HostSelector read_selector(const util::YamlFile& file, const yaml::Node& node) {
  HostSelector selector;
  if (!node) {
    return selector;
  }
  file.check_keys(node, {"names", "groups", "roles"}, "a host selector");
  selector.names = file.strings(node, "names");
  selector.groups = file.strings(node, "groups");
  selector.roles = file.strings(node, "roles");
  return selector;
}

} // namespace cisscan
