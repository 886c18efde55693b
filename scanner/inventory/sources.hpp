// Inventory sources: a top-level key of the inventory that gives hosts of its own (`proxmox:`
// entry nodes, whose cluster's nodes and guests become hosts), beside the listed `hosts:`. One
// row per source; the inventory reads every key of the table.
#pragma once

#include "inventory/host_entry.hpp"
#include "inventory/inventory.hpp"
#include "util/yaml.hpp"

#include <string_view>
#include <vector>

namespace cisscan {

// What a source is given: its node in the inventory file, the settings hosts it adds start from,
// and the readers of what lies outside the file (a source without its reader is a ConfigError).
struct SourceInput {
  const util::YamlFile& file;
  const yaml::Node& node;
  const Settings& settings;
  const ClusterReader& read_cluster;
};

struct InventorySource {
  std::string_view key;
  // Adds the source's hosts to the inventory (a host already listed keeps how it is reached).
  void (*add)(const SourceInput& input, std::vector<HostEntry>& hosts);
};

const std::vector<InventorySource>& inventory_sources();

} // namespace cisscan
