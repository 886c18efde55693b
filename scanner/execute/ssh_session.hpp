// One SSH login, shared by the ssh transport and the jump hosts: options (NODELAY, no
// ~/.ssh/config), the key file read before anything is sent, the host key checked against
// known_hosts before authenticating, then key or agent authentication.
#pragma once

#include "execute/transport.hpp"

#include <libssh/libssh.h>

#include <string>

namespace cisscan {

// Connects `session` (new, unconnected) to `endpoint`, over `fd` when it is not -1 (a tunnel
// through a jump host). `fingerprint` receives the host key's "SHA256:..." once it was seen.
ConnectResult login(ssh_session session, const SshEndpoint& endpoint,
                    const TransportOptions& options, int fd, std::string& fingerprint);

} // namespace cisscan
