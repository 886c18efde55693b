// A host entry of the inventory and the settings of a group or of `defaults:`: which keys each
// may carry (a host's depend on its transport: inventory/targets.hpp) and how they are read.
#pragma once

#include "inventory/inventory.hpp"
#include "util/yaml.hpp"

#include <map>
#include <set>
#include <string>

namespace cisscan {

// Every key a host entry may carry, under any transport.
const std::set<std::string>& host_entry_keys();
// The keys of `defaults:` and of a group: settings any host may take.
const std::set<std::string>& setting_keys();

// Applies the settings present in `node` over `host`, noting each key in `given`; a bad value
// fails naming the file and line.
void apply_settings(const util::YamlFile& file, const YAML::Node& node, HostSpec& host,
                    std::set<std::string>& given);

// Fails on a key of the host entry `node` that `host`'s transport does not take (a container's
// `port`: it is reached through its node's connection).
void check_transport_keys(const util::YamlFile& file, const YAML::Node& node, const HostSpec& host);

// The inventory's rule for host names (README, "Inventory keys"): they name files and log lines.
bool is_host_name(const std::string& name);

// What a host the inventory does not list gets: the defaults, then its groups' settings.
struct Settings {
  const HostSpec& defaults;
  const std::set<std::string>& default_keys;
  const std::map<std::string, YAML::Node>& groups;
};

} // namespace cisscan
