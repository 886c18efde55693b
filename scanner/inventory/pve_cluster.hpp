// What a Proxmox VE node says about its cluster, parsed from `pvesh ... --output-format json`
// (formats: ../shared/reference/pve-outputs.md sections 1-3). Pure parsing: no connection here.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

struct PveNode {
  std::string name;
  std::string ip; // empty when the name did not resolve
  bool online = false;
};

struct PveGuest {
  int vmid = 0;
  std::string name; // empty when the cluster has no stats for it (status "unknown")
  std::string node;
  std::string type;   // qemu or lxc
  std::string status; // running, stopped or unknown
  bool is_template = false;
  std::vector<std::string> tags;
  std::string pool;
};

struct PveCluster {
  std::string entry; // the entry node that answered
  std::vector<PveNode> nodes;
  std::vector<PveGuest> guests;
  std::map<int, std::string> agent_address; // running VMs: the guest agent's address
  std::map<int, std::string> agent_error;   // running VMs: why there is none
};

// Each throws std::invalid_argument with one line saying what is wrong with the answer.
std::vector<PveNode> parse_cluster_status(std::string_view text);
std::vector<PveGuest> parse_cluster_resources(std::string_view text);
// The first IPv4 address (not link-local) on an interface other than `lo` of a
// `.../agent/network-get-interfaces` answer; empty when there is none.
std::string agent_ipv4(std::string_view text);

} // namespace cisscan
