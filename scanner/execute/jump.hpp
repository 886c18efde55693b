// Jump hosts (bastions) inside cisscan: one verified SSH connection per bastion carries a
// direct-tcpip channel to every host behind it. Each channel is handed to the host's own SSH
// session as one end of a socket pair; a forwarder thread per bastion moves the bytes between
// the pair and the channel (libssh sessions are used from one thread at a time, under a lock).
#pragma once

#include "execute/connect_once.hpp"
#include "execute/transport.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace cisscan {

class JumpSession;

// The bastions of one fleet scan, each connected once, on first use, by whichever host needs
// it first; the hosts behind a bastion that could not be reached all get its reason.
class JumpRegistry {
public:
  // A socket connected to `address:port` through the chain of `jumps` (outermost first), or -1
  // with `failure` naming the jump host and what went wrong (a bastion whose key is wrong is an
  // error, one that cannot be reached makes the hosts behind it unreachable).
  int open_tunnel(const std::vector<SshEndpoint>& jumps, const std::string& address, int port,
                  const TransportOptions& options, ConnectResult& failure);
  ~JumpRegistry();

private:
  using Bastions = ConnectOnce<JumpSession>;
  void connect_slot(Bastions::Slot& slot, const SshEndpoint& jump, JumpSession* through,
                    const TransportOptions& options);

  Bastions m_bastions; // by chain (">user@address:port>...")
};

} // namespace cisscan
