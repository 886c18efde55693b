// The inventory half of a transport row (execute/transports.cpp): the keys a host entry of that
// transport takes, and how such a host is checked and completed once the whole inventory is
// read (a guest takes its node's connection). The rows live with their transports; the
// inventory reads them through these functions, so a new transport adds no case here.
#pragma once

#include "inventory/inventory.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

// What a row's resolver sees of the inventory while it resolves one host.
struct TargetContext {
  std::function<HostSpec*(const std::string& name)> find; // a host of the inventory, or nullptr
  // Throws ConfigError "FILE:LINE: host 'NAME': WHAT" for the host being resolved.
  std::function<void(const std::string& what)> fail;
};

struct TargetRules {
  std::string_view name;
  // A host entry's keys beyond those every transport takes (k_common_host_keys).
  std::vector<std::string_view> keys;
  // Checks and completes a host of this transport after jump hosts are resolved; nullptr: the
  // host is complete as the inventory gave it.
  void (*resolve)(HostSpec& host, const TargetContext& context) = nullptr;
  // Said after a key the row does not take: why not.
  std::string_view refusal;
};

// The keys of a host entry whatever its transport.
inline constexpr std::string_view k_common_host_keys[] = {"name", "transport", "roles", "groups"};

// Every transport's rules, in the order of the transport table; the row named `name`, or nullptr.
std::vector<const TargetRules*> target_rules();
const TargetRules* find_target(std::string_view name);

// The resolvers of the rows (inventory/resolvers.cpp). `ssh`: the host needs an address.
void resolve_ssh(HostSpec& host, const TargetContext& context);
// The guest rows (`pct`, `qga`: inventory/guest_target.cpp): the host takes its
// node's connection (address, port, user, key, known_hosts, jumps, become, pct_concurrency) and
// the role `lxc` (pct) or `vm` (qga), and its node is marked `pct_node`. Its `node` must name a
// host of the inventory reached over ssh, and it needs a `vmid`.
void resolve_guest(HostSpec& host, const TargetContext& context);

} // namespace cisscan
