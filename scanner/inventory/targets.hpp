// The inventory half of a transport row (execute/transports.cpp): the keys a host entry of that
// transport takes, and how such an entry is checked and resolved into the row's typed target
// once the whole inventory is read (a guest takes its node's connection). The rows live with
// their transports; the inventory reads them through these functions, so a new transport adds
// no case here.
#pragma once

#include "inventory/host_entry.hpp"
#include "inventory/inventory.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

// What a row's resolver sees of the inventory while it resolves one host.
struct TargetContext {
  std::function<const HostEntry*(const std::string& name)> find; // a host of the inventory
  // Marks a host of the inventory as a node whose guests are scanned (SshTarget::guest_node).
  std::function<void(const std::string& name)> serve_guests;
  // Throws ConfigError "FILE:LINE: host 'NAME': WHAT" for the host being resolved.
  std::function<void(const std::string& what)> fail;
};

struct TargetRules {
  std::string_view name;
  // A host entry's keys beyond those every transport takes (k_common_host_keys).
  std::vector<std::string_view> keys;
  // Checks an entry of this transport after jump hosts are resolved and makes its target (it may
  // add roles to the entry: a container gets `lxc`).
  Target (*resolve)(HostEntry& host, const TargetContext& context) = nullptr;
  // Said after a key the row does not take: why not.
  std::string_view refusal;
};

// The keys of a host entry whatever its transport.
inline constexpr std::string_view k_common_host_keys[] = {"name", "transport", "roles", "groups"};

// Every transport's rules, in the order of the transport table; the row named `name`, or nullptr.
std::vector<const TargetRules*> target_rules();
const TargetRules* find_target(std::string_view name);

// The resolvers of the rows (inventory/resolvers.cpp). `ssh`: the host needs an address.
Target resolve_ssh(HostEntry& host, const TargetContext& context);
// `local`: this machine, as the account the scan runs as.
Target resolve_local(HostEntry& host, const TargetContext& context);
// The guest rows (`pct`, `qga`): the host takes its node's connection (address, port, user,
// key, known_hosts, jumps, become, pct_concurrency) and the role `lxc` (pct) or `vm` (qga), and
// its node serves guests. Its `node` must name a host of the inventory reached over ssh, and it
// needs a `vmid`.
Target resolve_guest(HostEntry& host, const TargetContext& context);

// An entry's SSH login as the ssh row makes it (no checks): a node's, for its guests' targets.
SshTarget ssh_target(const HostEntry& host);
// The HostSpec of an entry with its target made (what the inventory gives the scan).
HostSpec resolved(HostEntry entry, Target target);

} // namespace cisscan
