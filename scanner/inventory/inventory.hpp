// The static inventory: which hosts to scan and how to reach them.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <variant>
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

// The typed targets: what each transport row (execute/transports.cpp) makes of its inventory
// keys (inventory/targets.hpp), and all its transport reads of the host.

// The ssh row: a login (the host's own), the bastions on the way, and `become` around its shell.
struct SshTarget {
  SshEndpoint login; // its name is the host's
  std::string jump;  // as written: a host of the inventory, user@host[:port], or a,b (ProxyJump)
  std::vector<SshEndpoint> jumps; // resolved from `jump`: bastions, outermost first (at most 2)
  std::string become;             // "" or "sudo"
  // A Proxmox VE node whose guests are scanned too (pct, qga): one SSH session shared by the
  // node and its guests, at most `pct_concurrency` guests of it at once.
  bool guest_node = false;
  int pct_concurrency = 4;
};

// The local row: this machine, no login.
struct LocalTarget {
  std::string address = "local"; // as the record shows it
  std::string user;              // the account the scan runs as
  std::string become;
};

// The guest rows (pct, qga): a Proxmox VE guest reached through its node's SSH session, so
// through the node's login, bastions and `become` (which wraps `pct exec`, not the guest shell).
struct GuestTarget {
  SshTarget node;
};

using Target = std::variant<SshTarget, LocalTarget, GuestTarget>;

// A host to scan, as the inventory resolved it.
struct HostSpec {
  std::string name;
  std::string transport = "ssh"; // a row of execute/transports.cpp: ssh, local, pct, qga
  std::vector<std::string> roles;
  std::vector<std::string> groups;
  Target target;
  // A Proxmox VE guest, as the inventory or discovery knows it (recorded whatever the transport,
  // and whether or not the guest is scanned): its node (a host of the inventory) and VMID.
  std::string node;
  int vmid = 0;
  std::string guest_type;        // discovered: qemu or lxc
  std::vector<std::string> tags; // discovered
  std::string pool;              // discovered
  // Set by the inventory, not by a scan: why the host is not scanned (`skipped`: a template, a
  // stopped guest, an excluded host) or cannot be (`unreachable`: a VM without an address).
  std::string skip;
  std::string unreachable;

  // The SSH login the scan makes for this host: its own (ssh), its node's (pct, qga); nullptr
  // for the local transport.
  const SshTarget* ssh() const;
  // What the record shows of how the host is reached, whatever its transport.
  const std::string& address() const;
  int port() const;
  const std::string& user() const;
  const std::string& become() const;
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
