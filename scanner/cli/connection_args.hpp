// The options that say how hosts are reached, shared by `scan` and `discover`, and the
// inventory read with them (Proxmox discovery connects to its entry nodes with these options).
#pragma once

#include "execute/transport.hpp"
#include "inventory/inventory.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace cisscan {

struct ConnectionArgs {
  std::string inventory;
  std::string identity; // --identity: the key of every host the inventory gives none
  std::string known_hosts;
  std::string ssh_config; // empty: ~/.ssh/config when it exists; "none": no file
  bool accept_new = false;
  int connect_timeout = 10;
  int host_timeout = 900;
};

void add_connection_options(CLI::App* cmd, ConnectionArgs& args);
// Accepts a whole number of at least 1 (CLI11's PositiveNumber prints its range as a
// 300-digit number); `what` names the unit in the message: "seconds", "bytes".
CLI::Validator at_least_one(const std::string& what);
TransportOptions transport_options(const ConnectionArgs& args);
// The inventory file (this machine when none), with `proxmox:` entry nodes read.
// `before_discovery`, when given, runs before a cluster's nodes are logged in to.
Inventory load_connected_inventory(const ConnectionArgs& args,
                                   const std::function<void()>& before_discovery = {});

} // namespace cisscan
