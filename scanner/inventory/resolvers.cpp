#include "inventory/targets.hpp"

#include <algorithm>

namespace cisscan {

SshTarget ssh_target(const HostEntry& host) {
  SshTarget target;
  target.login = host.endpoint();
  target.jump = host.jump;
  target.jumps = host.jumps;
  target.become = host.become;
  target.pct_concurrency = host.pct_concurrency;
  return target;
}

HostSpec resolved(HostEntry entry, Target target) {
  HostSpec host;
  host.name = std::move(entry.name);
  host.transport = std::move(entry.transport);
  host.roles = std::move(entry.roles);
  host.groups = std::move(entry.groups);
  host.target = std::move(target);
  host.node = std::move(entry.node);
  host.vmid = entry.vmid;
  host.guest_type = std::move(entry.guest_type);
  host.tags = std::move(entry.tags);
  host.pool = std::move(entry.pool);
  host.skip = std::move(entry.skip);
  host.unreachable = std::move(entry.unreachable);
  return host;
}

Target resolve_ssh(HostEntry& host, const TargetContext& context) {
  // A discovered VM without an address is recorded unreachable, with its reason, not refused.
  if (host.address.empty() && host.unreachable.empty() && host.skip.empty()) {
    context.fail("needs an address");
  }
  return ssh_target(host);
}

Target resolve_local(HostEntry& host, const TargetContext& /*context*/) {
  return LocalTarget{host.address, host.user, host.become};
}

Target resolve_guest(HostEntry& host, const TargetContext& context) {
  const bool container = host.transport == "pct";
  // `fail` throws; the returns are for a context whose `fail` does not.
  if (host.node.empty()) {
    context.fail("transport " + host.transport +
                 " needs 'node' (the Proxmox VE node, a host of the inventory)");
    return GuestTarget{};
  }
  if (host.vmid == 0) {
    context.fail("transport " + host.transport + " needs 'vmid' (the " +
                 (container ? "container" : "VM") + "'s id on its node)");
    return GuestTarget{};
  }
  const auto* node = context.find(host.node);
  if (node == nullptr || node->transport != "ssh") {
    context.fail("node '" + host.node + "' is " +
                 (node == nullptr ? "not a host of the inventory" : "not reached over ssh"));
    return GuestTarget{};
  }
  context.serve_guests(host.node);
  const std::string role = container ? "lxc" : "vm";
  if (std::find(host.roles.begin(), host.roles.end(), role) == host.roles.end()) {
    host.roles.push_back(role);
  }
  return GuestTarget{ssh_target(*node)};
}

} // namespace cisscan
