#include "inventory/pct_hosts.hpp"

#include "util/error.hpp"

#include <algorithm>

namespace cisscan {

void resolve_pct_hosts(Inventory& inventory, const std::string& file,
                       const std::map<std::string, int>& lines) {
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < inventory.hosts.size(); ++i) {
    by_name[inventory.hosts[i].name] = i;
  }
  for (auto& host : inventory.hosts) {
    if (host.transport != "pct" && host.transport != "qga") {
      continue;
    }
    const bool container = host.transport == "pct";
    const auto fail = [&](const std::string& what) {
      const auto line = lines.count(host.name) != 0 ? lines.at(host.name) : 1;
      throw ConfigError(file + ":" + std::to_string(line) + ": host '" + host.name + "': " + what);
    };
    if (host.node.empty()) {
      fail("transport " + host.transport +
           " needs 'node' (the Proxmox VE node, a host of the inventory)");
    }
    if (host.vmid == 0) {
      fail("transport " + host.transport + " needs 'vmid' (the " +
           (container ? "container" : "VM") + "'s id on its node)");
    }
    const auto it = by_name.find(host.node);
    if (it == by_name.end()) {
      fail("node '" + host.node + "' is not a host of the inventory");
    }
    auto& node = inventory.hosts[it->second];
    if (node.transport != "ssh") {
      fail("node '" + host.node + "' is not reached over ssh");
    }
    node.pct_node = true;
    host.address = node.address;
    host.port = node.port;
    host.user = node.user;
    host.identity_file = node.identity_file;
    host.known_hosts = node.known_hosts;
    host.jump = node.jump;
    host.jumps = node.jumps;
    host.become = node.become;
    host.pct_concurrency = node.pct_concurrency;
    const std::string role = container ? "lxc" : "vm";
    if (std::find(host.roles.begin(), host.roles.end(), role) == host.roles.end()) {
      host.roles.push_back(role);
    }
  }
}

} // namespace cisscan
