#include "inventory/targets.hpp"

#include <algorithm>

namespace cisscan {

void resolve_ssh(HostSpec& host, const TargetContext& context) {
  // A discovered VM without an address is recorded unreachable, with its reason, not refused.
  if (host.address.empty() && host.unreachable.empty() && host.skip.empty()) {
    context.fail("needs an address");
  }
}

void resolve_guest(HostSpec& host, const TargetContext& context) {
  const bool container = host.transport == "pct";
  if (host.node.empty()) {
    context.fail("transport " + host.transport +
                 " needs 'node' (the Proxmox VE node, a host of the inventory)");
    return;
  }
  if (host.vmid == 0) {
    context.fail("transport " + host.transport + " needs 'vmid' (the " +
                 (container ? "container" : "VM") + "'s id on its node)");
    return;
  }
  auto* node = context.find(host.node);
  if (node == nullptr) {
    context.fail("node '" + host.node + "' is not a host of the inventory");
    return;
  }
  if (node->transport != "ssh") {
    context.fail("node '" + host.node + "' is not reached over ssh");
    return;
  }
  node->pct_node = true;
  host.address = node->address;
  host.port = node->port;
  host.user = node->user;
  host.identity_file = node->identity_file;
  host.known_hosts = node->known_hosts;
  host.jump = node->jump;
  host.jumps = node->jumps;
  host.become = node->become;
  host.pct_concurrency = node->pct_concurrency;
  const std::string role = container ? "lxc" : "vm";
  if (std::find(host.roles.begin(), host.roles.end(), role) == host.roles.end()) {
    host.roles.push_back(role);
  }
}

} // namespace cisscan
