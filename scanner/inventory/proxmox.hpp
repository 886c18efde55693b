// Proxmox VE discovery in the inventory: the nodes and guests a cluster reports become hosts.
#pragma once

#include "inventory/host_entry.hpp"
#include "inventory/pve_cluster.hpp"

#include <functional>
#include <string>
#include <vector>

namespace cisscan {

// A host the inventory does not list: `defaults`, then the settings of the groups named that
// are defined under `groups:`, its address the name.
using HostMaker =
    std::function<HostEntry(const std::string& name, const std::vector<std::string>& groups)>;

// Adds every node (role pve-node; an `entries` host of the same name keeps its settings;
// offline: unreachable) and guest (role vm or lxc, groups from its tags and pool; containers
// through pct on their node, VMs over SSH at their guest agent's address, else unreachable;
// templates and guests not running: skipped) of `cluster` to `inventory`. A host listed under
// `hosts:` with a discovered host's name overrides how it is reached and keeps what discovery
// knows (node, vmid, type, tags, pool).
void add_cluster(std::vector<HostEntry>& hosts, const PveCluster& cluster,
                 const std::vector<HostEntry>& entries, const HostMaker& make_host);

// Marks the hosts whose name matches one of the glob `patterns` as skipped, saying which.
void apply_exclude(std::vector<HostEntry>& hosts, const std::vector<std::string>& patterns);

} // namespace cisscan
