#include "inventory/proxmox.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <fnmatch.h>
#include <map>
#include <set>

namespace cisscan {

namespace {

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) {
    list.push_back(item);
  }
}

bool usable_name(const std::string& name) {
  return !name.empty() && name.size() <= 253 &&
         std::isalnum(static_cast<unsigned char>(name[0])) != 0 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' ||
                  c == '_';
         });
}

HostEntry node_host(const PveNode& node, const std::vector<HostEntry>& entries,
                    const HostMaker& make_host) {
  const auto entry = std::find_if(entries.begin(), entries.end(),
                                  [&](const HostEntry& e) { return e.name == node.name; });
  HostEntry host = entry != entries.end() ? *entry : make_host(node.name, {});
  if (entry == entries.end() && !node.ip.empty()) {
    host.address = node.ip;
  }
  add_unique(host.roles, "pve-node");
  if (!node.online) {
    host.unreachable = "node " + node.name + " is offline (cluster status)";
  }
  return host;
}

HostEntry guest_host(const PveGuest& guest, const std::string& name, const PveCluster& cluster,
                     const std::set<std::string>& offline, const HostMaker& make_host) {
  auto groups = guest.tags;
  if (!guest.pool.empty()) {
    add_unique(groups, guest.pool);
  }
  HostEntry host = make_host(name, groups);
  host.node = guest.node;
  host.vmid = guest.vmid;
  host.guest_type = guest.type;
  host.tags = guest.tags;
  host.pool = guest.pool;
  add_unique(host.roles, guest.type == "lxc" ? "lxc" : "vm");
  const auto vmid = std::to_string(guest.vmid);
  if (guest.is_template) {
    host.skip = "template";
  } else if (guest.status != "running") {
    host.skip = guest.status == "stopped" ? "stopped" : "status " + guest.status;
  } else if (offline.count(guest.node) != 0) {
    host.unreachable = "its node " + guest.node + " is offline";
  } else if (guest.type == "lxc") {
    host.transport = "pct";
  } else if (host.transport == "qga") {
    // Through the guest agent on its node: no address needed; an agent that does not answer
    // says so when the scan asks it.
  } else if (const auto it = cluster.agent_address.find(guest.vmid);
             it != cluster.agent_address.end()) {
    host.address = it->second;
  } else {
    const auto error = cluster.agent_error.find(guest.vmid);
    host.unreachable = "VM " + vmid + " has no address: the QEMU guest agent gave none (" +
                       (error != cluster.agent_error.end() ? error->second : "no answer") +
                       ") and the inventory lists no host named " + name;
  }
  return host;
}

// A listed host of a discovered host's name: how to reach it comes from the inventory, what
// the cluster knows is kept.
void override_with(HostEntry& listed, HostEntry discovered) {
  for (const auto& group : discovered.groups) {
    add_unique(listed.groups, group);
  }
  for (const auto& role : discovered.roles) {
    add_unique(listed.roles, role);
  }
  if (listed.node.empty()) {
    listed.node = discovered.node;
  }
  listed.vmid = listed.vmid != 0 ? listed.vmid : discovered.vmid;
  listed.guest_type = discovered.guest_type;
  listed.tags = discovered.tags;
  listed.pool = discovered.pool;
  listed.skip = discovered.skip;
}

} // namespace

void add_cluster(std::vector<HostEntry>& hosts, const PveCluster& cluster,
                 const std::vector<HostEntry>& entries, const HostMaker& make_host) {
  std::map<std::string, size_t> listed;
  for (size_t i = 0; i < hosts.size(); ++i) {
    listed[hosts[i].name] = i;
  }
  std::set<std::string> offline;
  std::set<std::string> taken;
  std::vector<HostEntry> found;
  for (const auto& node : cluster.nodes) {
    if (!node.online) {
      offline.insert(node.name);
    }
    taken.insert(node.name);
    found.push_back(node_host(node, entries, make_host));
  }
  for (const auto& guest : cluster.guests) {
    auto name = guest.name;
    if (!usable_name(name) || taken.count(name) != 0) {
      const auto fallback = (guest.type == "lxc" ? "ct-" : "vm-") + std::to_string(guest.vmid);
      spdlog::warn("proxmox: guest {} on {} is named {} ({}), which {}", guest.vmid, guest.node,
                   fallback, name.empty() ? "no name" : name,
                   name.empty() || !usable_name(name) ? "is not a usable host name"
                                                      : "another guest or node already has");
      name = fallback;
    }
    taken.insert(name);
    found.push_back(guest_host(guest, name, cluster, offline, make_host));
  }
  for (auto& host : found) {
    const auto it = listed.find(host.name);
    if (it != listed.end()) {
      override_with(hosts[it->second], std::move(host));
    } else {
      hosts.push_back(std::move(host));
    }
  }
}

void apply_exclude(std::vector<HostEntry>& hosts, const std::vector<std::string>& patterns) {
  for (auto& host : hosts) {
    for (const auto& pattern : patterns) {
      if (fnmatch(pattern.c_str(), host.name.c_str(), 0) == 0) {
        host.skip = "excluded by the inventory (exclude: " + pattern + ")";
        host.unreachable.clear();
        break;
      }
    }
  }
}

} // namespace cisscan
