// The static inventory: which hosts to scan and how to reach them.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace cisscan {

// Where and as whom to log in over SSH: a host, or a jump host (bastion) on the way to one.
struct SshEndpoint {
  std::string name;
  std::string address;
  int port = 22;
  std::string user;
  std::string identity_file; // empty: ssh-agent
  std::string known_hosts;   // from the SSH configuration; empty: the scan's
};

struct HostSpec {
  std::string name;
  std::string address;
  int port = 22;
  std::string user;
  std::string identity_file;     // empty: ssh-agent
  std::string become;            // "" or "sudo"
  std::string transport = "ssh"; // a row of execute/transports.cpp: ssh, local, pct
  std::vector<std::string> roles;
  std::vector<std::string> groups;
  std::string known_hosts; // the inventory's known_hosts, else the SSH configuration's, if any
  std::string jump; // as written: a host of the inventory, user@host[:port], or a,b (ProxyJump)
  std::vector<SshEndpoint> jumps; // resolved from `jump`: bastions, outermost first (at most 2)
  // Proxmox VE: the guest's node (a host of the inventory) and VMID; a `pct` host is reached
  // through its node's SSH session (its address, port, user, key, jumps and become are the
  // node's), at most `pct_concurrency` containers of a node at once.
  std::string node;
  // `via: node`: an SSH host with a `node` (a VM) is reached through that node as its jump
  // host, for guests on networks the scanner has no route to; "" or "direct": as addressed.
  std::string via;
  int vmid = 0;
  int pct_concurrency = 4;
  bool pct_node = false;         // a node of pct hosts: scanned over the SSH session they share
  std::string guest_type;        // discovered: qemu or lxc
  std::vector<std::string> tags; // discovered
  std::string pool;              // discovered
  // Set by the inventory, not by a scan: why the host is not scanned (`skipped`: a template, a
  // stopped guest, an excluded host) or cannot be (`unreachable`: a VM without an address).
  std::string skip;
  std::string unreachable;
  // This host as an SSH endpoint.
  SshEndpoint endpoint() const { return {name, address, port, user, identity_file, known_hosts}; }
};

struct Inventory {
  std::string source; // the file, or "local" when none was given
  std::vector<HostSpec> hosts;
};

class SshConfig;
struct PveCluster;
// Reads the Proxmox VE cluster through the first of the inventory's `proxmox:` entry nodes that
// answers (pipeline/discovery.hpp); throws ConfigError when none does.
using ClusterReader = std::function<PveCluster(const std::vector<HostSpec>& entries)>;

// Throws ConfigError naming the file and line. Precedence: host, then its groups in order, then
// defaults, then `identity` (--identity, the key of every host the inventory gives none), then
// the SSH configuration (for what none of them set; its HostName maps the host's address as an
// alias). `identity_file` and `known_hosts` may use ${ENV}; an unset variable is a ConfigError.
// `proxmox:` entry nodes are read with `read_cluster`, and the nodes and guests found become
// hosts (inventory/proxmox.hpp); without a reader they are a ConfigError.
Inventory load_inventory(const std::filesystem::path& path, const SshConfig* ssh_config = nullptr,
                         const ClusterReader& read_cluster = {}, const std::string& identity = {});
// This machine only, through the local transport.
Inventory local_inventory();

} // namespace cisscan
