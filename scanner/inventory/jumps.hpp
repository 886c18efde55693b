// `jump:` in the inventory: the bastion (a host of the inventory by name, or user@host:port)
// through which a host is reached, resolved into the chain of SSH endpoints to go through.
#pragma once

#include "inventory/host_entry.hpp"
#include "inventory/ssh_config.hpp"

#include <map>
#include <string>

namespace cisscan {

// Fills each host's `jumps` from its `jump` setting (outermost first; an ssh host with `via: node`
// and a `node` has that node as its jump unless it names one): a name refers to a host
// of the inventory (whose own jump is followed) or to a Host of the SSH configuration; anything
// with '@' or ':' is user@host[:port] with `defaults` for what it leaves out; "a,b" (ProxyJump)
// lists the hops in order. Chains longer than two, loops and unknown names throw ConfigError
// naming the file and the host's line (`lines`: host name -> line).
void resolve_jumps(std::vector<HostEntry>& hosts, const HostEntry& defaults,
                   const std::string& file, const std::map<std::string, int>& lines,
                   const SshConfig& config = {});

// "user@host:port", "host:port", "user@host", "[::1]:2222" as an endpoint; empty name on error.
SshEndpoint parse_jump(const std::string& text, const HostEntry& defaults);

} // namespace cisscan
