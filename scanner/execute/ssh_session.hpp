// One SSH login, shared by the ssh transport and the jump hosts: options (NODELAY, no
// ~/.ssh/config), the key file read before anything is sent, the host key checked against
// known_hosts before authenticating, then key or agent authentication; and the opening of a
// channel on such a session without the delayed-ACK wait (open_channel).
#pragma once

#include "execute/transport.hpp"

#include <libssh/libssh.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace cisscan {

// Connects `session` (new, unconnected) to `endpoint`, over `fd` when it is not -1 (a tunnel
// through a jump host). `fingerprint` receives the host key's "SHA256:..." once it was seen.
ConnectResult login(ssh_session session, const SshEndpoint& endpoint,
                    const TransportOptions& options, int fd, std::string& fingerprint);

// login in two halves, for a connection begun before the scan knows its catalog
// (pipeline/early_connections.hpp). What the first keeps for the second:
struct LoginParts;
struct LoginPartsDeleter {
  void operator()(LoginParts* parts) const;
};
using PendingLogin = std::unique_ptr<LoginParts, LoginPartsDeleter>;
// The first half: the options, the key read, the TCP connection and the key exchange; nothing
// authenticated, the host key not yet checked. With `abandon`, libssh does not block: set, the
// connection stops within 50 ms.
ConnectResult begin_login(ssh_session session, const SshEndpoint& endpoint,
                          const TransportOptions& options, int fd, PendingLogin& pending,
                          const std::atomic<bool>* abandon = nullptr);
// The second half, after begin_login succeeded: the host key checked against known_hosts, then
// key or agent authentication.
ConnectResult finish_login(ssh_session session, const SshEndpoint& endpoint,
                           const TransportOptions& options, PendingLogin& pending,
                           std::string& fingerprint);

// Opens a channel with `open` (ssh_channel_open_session, ssh_channel_open_forward), waiting for
// the server's answer until `deadline`. Right after logging in, OpenSSH's sshd sends its host
// keys (hostkeys-00@openssh.com, no reply wanted) and then the channel's confirmation; with
// Nagle's algorithm on (sshd's non-interactive sessions) the confirmation waits for the
// acknowledgement of the first message, which the receiving kernel holds back 40 ms when it has
// nothing to send: 40 ms of every host's scan (benchmarks/README.md, 2026-12-06 12:00). So each
// time a message other than the answer has arrived, this side acknowledges it at once
// (TCP_QUICKACK) and sends an SSH ignore message, which carries the acknowledgement where the
// TCP connection to the host is not this process's own (behind a jump host, the bastion's).
// False with libssh's error set, or on the deadline.
bool open_channel(ssh_session session, std::chrono::steady_clock::time_point deadline,
                  const std::function<int()>& open);
// One call of `open` without blocking, for a caller that waits on the socket itself (a jump
// host's forwarder); where it is not answered yet and something arrived since the last call
// (`arrived`), the acknowledgement and ignore message above and one call more, at most four
// times an open (`nudges`). libssh's SSH_OK, SSH_ERROR or SSH_AGAIN (not answered yet).
int open_channel_step(ssh_session session, const std::function<int()>& open, bool arrived,
                      int& nudges);
// Why open_channel failed: libssh's error, or that no answer came in time.
inline std::string open_error(ssh_session session) {
  return ssh_get_error_code(session) == SSH_NO_ERROR ? "no answer in time" : ssh_get_error(session);
}
inline bool open_session_channel(ssh_session session, ssh_channel channel,
                                 std::chrono::steady_clock::time_point deadline) {
  return open_channel(session, deadline, [channel] { return ssh_channel_open_session(channel); });
}

// After a write on `channel` failed: the remote side closed the channel (the command ended
// without reading all its input), the session still up. libssh says so with "request denied"
// ("Remote channel is closed") while what the command said is still unread, which keeps the
// channel open in its own eyes. Its output and exit status can still be read.
inline bool remote_gone(ssh_session session, ssh_channel channel) {
  return ssh_channel_is_closed(channel) != 0 || ssh_channel_is_eof(channel) != 0 ||
         (ssh_is_connected(session) != 0 && ssh_get_error_code(session) == SSH_REQUEST_DENIED);
}

} // namespace cisscan
