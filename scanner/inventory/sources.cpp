#include "inventory/sources.hpp"

#include "inventory/proxmox.hpp"
#include "inventory/targets.hpp"

#include "util/yaml_node.hpp"

namespace cisscan {

namespace {

// `proxmox:` entry nodes (each a host entry) read through the cluster reader; the cluster's
// nodes and guests become hosts (inventory/proxmox.hpp).
void add_proxmox(const SourceInput& input, std::vector<HostEntry>& hosts) {
  const auto& file = input.file;
  const auto& settings = input.settings;
  if (!input.node.IsSequence() || input.node.size() == 0) {
    file.fail(input.node, "proxmox must list entry nodes ({name, address, ...})");
  }
  if (!input.read_cluster) {
    file.fail(input.node, "proxmox discovery is done by scan and discover only");
  }
  std::vector<HostEntry> entries;
  for (const auto& node : input.node) {
    file.check_keys(node, host_entry_keys(), "a proxmox entry node");
    auto entry = settings.defaults;
    auto given = settings.default_keys;
    entry.name = node["name"] ? file.string(node, "name") : "";
    if (!is_host_name(entry.name)) {
      file.fail(node, "a proxmox entry node needs a 'name' (letters, digits, '.', '-', '_')");
    }
    apply_settings(file, node, entry, given);
    entry.address = node["address"] ? node["address"].as<std::string>() : entry.name;
    entries.push_back(std::move(entry));
  }
  const auto make_host = [&](const std::string& name, const std::vector<std::string>& groups) {
    auto host = settings.defaults;
    auto given = settings.default_keys;
    for (auto group = groups.rbegin(); group != groups.rend(); ++group) {
      if (const auto it = settings.groups.find(*group); it != settings.groups.end()) {
        apply_settings(file, it->second, host, given);
      }
    }
    host.name = name;
    host.address = name;
    host.groups = groups;
    return host;
  };
  // The entry nodes as the ssh row makes them (the cluster is read over SSH).
  std::vector<HostSpec> readers;
  for (const auto& entry : entries) {
    readers.push_back(resolved(entry, ssh_target(entry)));
  }
  add_cluster(hosts, input.read_cluster(readers), entries, make_host);
}

} // namespace

const std::vector<InventorySource>& inventory_sources() {
  static const std::vector<InventorySource> k_sources = {
      {"proxmox", add_proxmox},
  };
  return k_sources;
}

} // namespace cisscan
