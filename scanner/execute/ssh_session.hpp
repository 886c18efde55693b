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

// After a write on `channel` failed: the remote side closed the channel (the command ended
// without reading all its input), the session still up. libssh says so with "request denied"
// ("Remote channel is closed") while what the command said is still unread, which keeps the
// channel open in its own eyes. Its output and exit status can still be read.
inline bool remote_gone(ssh_session session, ssh_channel channel) {
  return ssh_channel_is_closed(channel) != 0 || ssh_channel_is_eof(channel) != 0 ||
         (ssh_is_connected(session) != 0 && ssh_get_error_code(session) == SSH_REQUEST_DENIED);
}

} // namespace cisscan
