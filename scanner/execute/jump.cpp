#include "execute/jump.hpp"

#include "execute/channel_bell.hpp"
#include "execute/ssh_session.hpp"
#include "execute/tunnel.hpp"

#include <libssh/libssh.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

namespace cisscan {

namespace {

// How long the forwarder sleeps when nothing is happening and nobody waits for a tunnel: a
// bound, not a tick (the bastion's socket, the tunnels' sockets and new requests wake it).
constexpr int k_idle_ms = 250;
constexpr int k_opening_ms = 5; // while a channel is being opened

} // namespace

// A logged-in session to one bastion and the forwarder thread that serves its tunnels.
class JumpSession {
public:
  explicit JumpSession(ssh_session session) : m_session(session), m_thread([this] { loop(); }) {}

  ~JumpSession() {
    m_stop = true;
    m_wake.ring();
    m_thread.join();
    m_tunnels.clear(); // their channels go before the session
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
    m_wake.ring();
    m_opened.wait(lock, [&] { return request.finished; });
    error = request.error;
    return request.fd;
  }

private:
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
      m_tunnels.push_back(std::make_unique<Tunnel>(o.channel, pair[1]));
      o.fd = pair[0];
      return true;
    }
    ssh_channel_free(o.channel);
    return true;
  }

  // One pass over the openings and the tunnels; the poll set for the wait after it, and how
  // long that wait may be: none while anything moved, the forwarder goes round again.
  int serve(bool arrived, std::vector<pollfd>& fds) {
    const std::lock_guard<std::mutex> lock(m_mutex);
    bool moved = false;
    for (auto& t : m_tunnels) {
      moved = t->pump() || moved;
    }
    const auto finished =
        std::erase_if(m_openings, [&](Opening* o) { return o->finished = advance(*o, arrived); });
    if (finished > 0) {
      m_opened.notify_all();
    }
    // What libssh delivered for a tunnel after its turn (while serving a later one) is in its
    // buffers, and no socket will announce it.
    moved = moved || finished > 0 ||
            std::any_of(m_tunnels.begin(), m_tunnels.end(), [](auto& t) { return t->stirred(); });
    std::erase_if(m_tunnels, [](auto& t) { return t->done(); });
    fds.clear();
    for (auto& t : m_tunnels) {
      fds.push_back({t->fd(), t->events(), 0});
    }
    fds.push_back({m_wake.fd(), POLLIN, 0});
    fds.push_back({ssh_get_fd(m_session), POLLIN, 0});
    return moved ? 0 : m_openings.empty() ? k_idle_ms : k_opening_ms;
  }

  void loop() {
    std::vector<pollfd> fds;
    bool arrived = false; // the bastion's socket was readable at the last wait
    while (!m_stop) {
      poll(fds.data(), fds.size(), serve(arrived, fds));
      arrived = (fds.back().revents & POLLIN) != 0;
      if ((fds[fds.size() - 2].revents & POLLIN) != 0) {
        m_wake.drain();
      }
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
  Bell m_wake; // a new opening, or the end
  std::mutex m_mutex;
  std::condition_variable m_opened;
  std::vector<Opening*> m_openings; // waiting in open_tunnel
  std::vector<std::unique_ptr<Tunnel>> m_tunnels;
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
