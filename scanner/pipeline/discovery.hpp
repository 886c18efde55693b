// Proxmox VE discovery: reads the cluster through the first `proxmox:` entry node that answers,
// in at most two round trips (cluster status and guests; then every running VM's guest agent).
#pragma once

#include "execute/transport.hpp"
#include "inventory/pve_cluster.hpp"

#include <vector>

namespace cisscan {

// Throws ConfigError with one line naming every entry node and why it could not be read (not
// reachable, no pvesh, an answer that is not the cluster's JSON).
PveCluster read_cluster(const std::vector<HostSpec>& entries, const TransportOptions& options,
                        const TransportFactory& make_transport);

} // namespace cisscan
