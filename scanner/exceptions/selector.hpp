// Which hosts a waiver or attestation covers: by name, group or role (any listed matches);
// an empty selector covers every host.
#pragma once

#include "util/json.hpp"
#include "util/yaml.hpp"

#include <string>
#include <vector>

namespace cisscan {

struct HostSelector {
  std::vector<std::string> names; // glob patterns (*, ?)
  std::vector<std::string> groups;
  std::vector<std::string> roles;

  bool empty() const { return names.empty() && groups.empty() && roles.empty(); }
  // `host` is a host of the record.
  bool matches(const cisscan::json& host) const;
  cisscan::json to_json() const;
};

// Reads {names: [...], groups: [...], roles: [...]} (absent: every host).
HostSelector read_selector(const util::YamlFile& file, const yaml::Node& node);
// Shell-style glob: '*' any run, '?' one character.
bool glob_match(std::string_view pattern, std::string_view text);

} // namespace cisscan
