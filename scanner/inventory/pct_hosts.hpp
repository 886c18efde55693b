// `transport: pct` in the inventory: a Proxmox VE container reached through its node's SSH
// session with `pct exec VMID -- sh -s`; `transport: qga`: a VM reached the same way through its
// guest agent (`qm guest exec VMID -- sh -s`).
#pragma once

#include "inventory/inventory.hpp"

#include <map>
#include <string>

namespace cisscan {

// Gives each pct and qga host its node's connection (address, port, user, key, known_hosts, jumps,
// become, pct_concurrency) and the role `lxc` (pct) or `vm` (qga), and marks the node `pct_node`. Its `node` must name
// a host of the inventory reached over ssh, and it needs a `vmid`; otherwise ConfigError naming the
// file and the host's line (`lines`: host name -> line). Run after resolve_jumps.
void resolve_pct_hosts(Inventory& inventory, const std::string& file,
                       const std::map<std::string, int>& lines);

} // namespace cisscan
