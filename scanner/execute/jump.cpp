#include "execute/jump.hpp"

#include "execute/ssh_session.hpp"

#include <libssh/libssh.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cisscan {

namespace {

constexpr size_t k_chunk = 32 * 1024;
constexpr size_t k_buffered = 256 * 1024; // per direction and tunnel, before reading pauses

// One direct-tcpip channel and the scanner's end of its socket pair.
struct Tunnel {
  ssh_channel channel = nullptr;
  int fd = -1;
  std::string to_channel; // read from the socket, not yet written to the channel
  std::string to_socket;  // read from the channel, not yet written to the socket
  bool socket_eof = false;
  bool channel_eof_sent = false;
  bool socket_shut = false;
  bool done = false;
};

void from_socket(Tunnel& t) {
  char buffer[k_chunk];
  if (!t.socket_eof && t.to_channel.size() < k_buffered) {
    const auto n = recv(t.fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0) {
      t.to_channel.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      t.socket_eof = true;
    }
  }
  if (!t.to_channel.empty()) {
    const size_t n =
        std::min<size_t>({ssh_channel_window_size(t.channel), t.to_channel.size(), k_chunk});
    if (n > 0) {
      const int w = ssh_channel_write(t.channel, t.to_channel.data(), static_cast<uint32_t>(n));
      if (w < 0) {
        t.done = true;
        return;
      }
      t.to_channel.erase(0, static_cast<size_t>(w));
    }
  }
  if (t.socket_eof && t.to_channel.empty() && !t.channel_eof_sent) {
    ssh_channel_send_eof(t.channel);
    t.channel_eof_sent = true;
  }
}

void from_channel(Tunnel& t) {
  char buffer[k_chunk];
  if (t.to_socket.size() < k_buffered) {
    const int r = ssh_channel_read_nonblocking(t.channel, buffer, sizeof(buffer), 0);
    if (r == SSH_ERROR) {
      t.done = true;
      return;
    }
    if (r > 0) {
      t.to_socket.append(buffer, static_cast<size_t>(r));
    }
  }
  if (!t.to_socket.empty()) {
    const auto n = send(t.fd, t.to_socket.data(), t.to_socket.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      t.to_socket.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      t.done = true;
      return;
    }
  }
  const bool channel_ended = ssh_channel_is_eof(t.channel) || ssh_channel_is_closed(t.channel);
  if (channel_ended && t.to_socket.empty() && !t.socket_shut) {
    shutdown(t.fd, SHUT_WR);
    t.socket_shut = true;
  }
  t.done = t.done || (t.socket_shut && t.socket_eof);
}

} // namespace

// A logged-in session to one bastion and the forwarder thread that serves its tunnels.
class JumpSession {
public:
  explicit JumpSession(ssh_session session) : m_session(session), m_thread([this] { loop(); }) {}

  ~JumpSession() {
    m_stop = true;
    m_thread.join();
    for (auto& t : m_tunnels) {
      close_tunnel(t);
    }
    ssh_disconnect(m_session);
    ssh_free(m_session);
  }

  JumpSession(const JumpSession&) = delete;
  JumpSession& operator=(const JumpSession&) = delete;

  // A socket whose bytes reach `address:port` from the bastion; -1 and `error` when it refuses
  // or has not answered within `timeout_seconds`. The forwarder thread opens the channel while
  // it keeps the other tunnels moving, so hosts behind one bastion open theirs side by side
  // rather than one round trip after another, and nothing stalls while one waits.
  int open_tunnel(const std::string& address, int port, int timeout_seconds, std::string& error) {
    Opening request{address, port,
                    std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds)};
    std::unique_lock lock(m_mutex);
    m_openings.push_back(&request);
    m_opened.wait(lock, [&] { return request.finished; });
    error = request.error;
    return request.fd;
  }

private:
  static void close_tunnel(Tunnel& t) {
    close(t.fd);
    ssh_channel_close(t.channel);
    ssh_channel_free(t.channel);
  }

  // A channel being opened for open_tunnel, advanced by the forwarder thread.
  struct Opening {
    std::string address;
    int port = 0;
    std::chrono::steady_clock::time_point deadline;
    ssh_channel channel = nullptr;
    int nudges = 0;
    bool finished = false;
    int fd = -1;
    std::string error = {};
    void fail(const std::string& why) {
      error = "cannot reach " + address + ":" + std::to_string(port) + " from there: " + why;
    }
  };

  // One step of `o`'s open, without waiting (open_channel_step; `arrived`: the bastion's socket
  // was readable at the last wait). True once it has finished, `fd` set or `error` said.
  bool advance(Opening& o, bool arrived) {
    if (o.channel == nullptr && (o.channel = ssh_channel_new(m_session)) == nullptr) {
      o.fail(open_error(m_session));
      return true;
    }
    const auto open = [&] {
      return ssh_channel_open_forward(o.channel, o.address.c_str(), o.port, "127.0.0.1", 0);
    };
    const int rc = open_channel_step(m_session, open, arrived, o.nudges);
    if (rc == SSH_AGAIN && std::chrono::steady_clock::now() < o.deadline) {
      return false;
    }
    int pair[2];
    if (rc != SSH_OK) {
      o.fail(rc == SSH_AGAIN ? "no answer in time" : open_error(m_session));
    } else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      o.error = std::string("socketpair: ") + std::strerror(errno);
    } else {
      Tunnel tunnel;
      tunnel.channel = o.channel;
      tunnel.fd = pair[1];
      m_tunnels.push_back(std::move(tunnel));
      o.fd = pair[0];
      return true;
    }
    ssh_channel_free(o.channel);
    return true;
  }

  void loop() {
    std::vector<pollfd> fds;
    bool arrived = false; // the bastion's socket was readable at the last wait
    while (!m_stop) {
      fds.clear();
      {
        const std::lock_guard<std::mutex> lock(m_mutex);
        const auto finished = std::erase_if(
            m_openings, [&](Opening* o) { return o->finished = advance(*o, arrived); });
        if (finished > 0) {
          m_opened.notify_all();
        }
        for (auto& t : m_tunnels) {
          from_socket(t);
          from_channel(t);
        }
        for (auto it = m_tunnels.begin(); it != m_tunnels.end();) {
          if (it->done) {
            close_tunnel(*it);
            it = m_tunnels.erase(it);
          } else {
            const short events = static_cast<short>((it->socket_eof ? 0 : POLLIN) |
                                                    (it->to_socket.empty() ? 0 : POLLOUT));
            fds.push_back({it->fd, events, 0});
            ++it;
          }
        }
        fds.push_back({ssh_get_fd(m_session), POLLIN, 0});
      }
      poll(fds.data(), fds.size(), 5);
      arrived = (fds.back().revents & POLLIN) != 0;
    }
    // Whoever still waits for a tunnel gets none.
    const std::lock_guard<std::mutex> lock(m_mutex);
    for (auto* o : m_openings) {
      if (o->channel != nullptr) {
        ssh_channel_free(o->channel);
      }
      o->fail("the connection to the jump host is closing");
      o->finished = true;
    }
    m_openings.clear();
    m_opened.notify_all();
  }

  ssh_session m_session;
  std::mutex m_mutex;
  std::condition_variable m_opened;
  std::vector<Opening*> m_openings; // waiting in open_tunnel
  std::vector<Tunnel> m_tunnels;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

namespace {

std::string where(const SshEndpoint& jump) {
  return "jump host " + jump.name + " (" + jump.user + "@" + jump.address + ":" +
         std::to_string(jump.port) + ")";
}

} // namespace

int JumpRegistry::open_tunnel(const std::vector<SshEndpoint>& jumps, const std::string& address,
                              int port, const TransportOptions& options, ConnectResult& failure) {
  JumpSession* through = nullptr;
  std::string key;
  for (const auto& jump : jumps) {
    key += ">" + jump.user + "@" + jump.address + ":" + std::to_string(jump.port);
    // Each bastion is connected once, by the first host that needs it; the others wait for it.
    const auto& slot = m_bastions.get(
        key, [&](Bastions::Slot& fresh) { connect_slot(fresh, jump, through, options); });
    if (!slot.session) {
      failure = {slot.failure.status, where(jump) + ": " + slot.failure.reason};
      return -1;
    }
    through = slot.session.get();
  }
  std::string error;
  const int fd = through->open_tunnel(address, port, options.connect_timeout_seconds, error);
  if (fd < 0) {
    failure = {ConnectStatus::unreachable, where(jumps.back()) + ": " + error};
  }
  return fd;
}

void JumpRegistry::connect_slot(Bastions::Slot& slot, const SshEndpoint& jump, JumpSession* through,
                                const TransportOptions& options) {
  int fd = -1;
  if (through != nullptr) {
    fd = through->open_tunnel(jump.address, jump.port, options.connect_timeout_seconds,
                              slot.failure.reason);
    if (fd < 0) {
      slot.failure.status = ConnectStatus::unreachable;
      return;
    }
  }
  ssh_session session = ssh_new();
  std::string fingerprint;
  const auto result = login(session, jump, options, fd, fingerprint);
  if (result.status != ConnectStatus::ok) {
    slot.failure = result;
    ssh_disconnect(session);
    ssh_free(session);
    return;
  }
  spdlog::debug("{}: connected ({})", where(jump), fingerprint);
  slot.session = std::make_shared<JumpSession>(session);
}

JumpRegistry::~JumpRegistry() {
  // A bastion reached through another goes first: its session still talks through the other.
  m_bastions.drop_all();
}

} // namespace cisscan
