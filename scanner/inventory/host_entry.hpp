// A host entry of the inventory and the settings of a group or of `defaults:`: which keys each
// may carry (a host's depend on its transport: inventory/targets.hpp) and how they are read.
#pragma once

#include "inventory/inventory.hpp"
#include "util/yaml.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace cisscan {

// A host as the inventory file, the SSH configuration and discovery give it, before its
// transport row resolves it into a typed target (HostSpec::target): every key any row takes.
struct HostEntry {
  std::string name;
  std::string address;
  int port = 22;
  std::string user;
  std::string identity_file;     // empty: ssh-agent
  std::string become;            // "" or "sudo"
  std::string transport = "ssh"; // a row of execute/transports.cpp
  std::vector<std::string> roles;
  std::vector<std::string> groups;
  std::string known_hosts; // the inventory's known_hosts, else the SSH configuration's, if any
  std::string jump; // as written: a host of the inventory, user@host[:port], or a,b (ProxyJump)
  std::vector<SshEndpoint> jumps; // resolved from `jump` (inventory/jumps.hpp)
  // Proxmox VE: the guest's node (a host of the inventory) and VMID, and how many guests of a
  // node are scanned at once.
  std::string node;
  // `via: node`: an SSH host with a `node` (a VM) is reached through that node as its jump
  // host, for guests on networks the scanner has no route to; "" or "direct": as addressed.
  std::string via;
  int vmid = 0;
  int pct_concurrency = 4;
  std::string guest_type;        // discovered: qemu or lxc
  std::vector<std::string> tags; // discovered
  std::string pool;              // discovered
  std::string skip;              // HostSpec::skip
  std::string unreachable;       // HostSpec::unreachable
  // This host as an SSH endpoint.
  SshEndpoint endpoint() const { return {name, address, port, user, identity_file, known_hosts}; }
};

// Every key a host entry may carry, under any transport.
const std::set<std::string>& host_entry_keys();
// The keys of `defaults:` and of a group: settings any host may take.
const std::set<std::string>& setting_keys();

// Applies the settings present in `node` over `host`, noting each key in `given`; a bad value
// fails naming the file and line.
void apply_settings(const util::YamlFile& file, const yaml::Node& node, HostEntry& host,
                    std::set<std::string>& given);

// Fails on a key of the host entry `node` that `host`'s transport does not take (a container's
// `port`: it is reached through its node's connection).
void check_transport_keys(const util::YamlFile& file, const yaml::Node& node,
                          const HostEntry& host);

// The inventory's rule for host names (README, "Inventory keys"): they name files and log lines.
bool is_host_name(const std::string& name);

// What a host the inventory does not list gets: the defaults, then its groups' settings.
struct Settings {
  const HostEntry& defaults;
  const std::set<std::string>& default_keys;
  const std::map<std::string, yaml::Node>& groups;
};

} // namespace cisscan
