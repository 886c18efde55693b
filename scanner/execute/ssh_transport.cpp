// Runs commands on a remote host over one libssh session: host key verified, key or agent auth.
#include "execute/jump.hpp"
#include "execute/ssh_session.hpp"
#include "execute/transport.hpp"

#include <libssh/libssh.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include <unistd.h>

namespace cisscan {

namespace {

constexpr size_t k_stderr_cap = 4096;
// How long one read waits for the host while there is nothing left to send. Each wake-up costs
// the scanner a few polls (~25 us each on a paravirtualised machine), and a host is mostly idle
// (its filesystem walk runs for seconds; tens of seconds on a busy host): at 50 ms those
// wake-ups were a tenth of the scanner's CPU a host, at 250 ms still a fifth with 200 hosts
// scanned at once (benchmarks/README.md, 2026-12-04 and 2026-12-07). An interrupt is still
// noticed within this time; the host's deadline, on time (idle_wait_ms).
constexpr int k_idle_wait_ms = 1000;

class SshChannel : public Channel {
public:
  SshChannel(ssh_session session, ssh_channel channel, std::string host_name,
             std::chrono::steady_clock::time_point deadline, TransportStats& stats)
      : m_session(session), m_channel(channel), m_host_name(std::move(host_name)),
        m_deadline(deadline), m_stats(stats), m_started(std::chrono::steady_clock::now()) {}

  ~SshChannel() override { ssh_channel_free(m_channel); }

  PumpState pump(std::string_view input, bool close_input, const OutputSink& sink,
                 const std::function<bool()>& done) override {
    size_t written = 0;
    char buffer[65536];
    while (true) {
      if (std::chrono::steady_clock::now() > m_deadline) {
        m_result.timed_out = true;
        return PumpState::timed_out;
      }
      // Write only what the remote window takes, so a chatty host never deadlocks us.
      if (written < input.size()) {
        const size_t window = ssh_channel_window_size(m_channel);
        const size_t n = std::min<size_t>({window, input.size() - written, 32768});
        if (n > 0) {
          const int w = ssh_channel_write(m_channel, input.data() + written, n);
          if (w < 0 && remote_gone(m_session, m_channel)) {
            // The command ended before taking its input (sudo refused at once): what it said
            // and its exit status are still to read, and they are the reason.
            written = input.size();
            m_eof_sent = true;
            continue;
          }
          if (w < 0) {
            m_result.error = std::string("write failed: ") + ssh_get_error(m_session);
            return PumpState::failed;
          }
          written += static_cast<size_t>(w);
          m_stats.bytes_out += w;
        }
      } else if (close_input && !m_eof_sent) {
        ssh_channel_send_eof(m_channel);
        m_eof_sent = true;
      }
      if (done()) {
        return PumpState::done;
      }
      const int wait_ms = written < input.size() ? 5 : idle_wait_ms();
      const int r = ssh_channel_read_timeout(m_channel, buffer, sizeof(buffer), 0, wait_ms);
      if (r == SSH_ERROR) {
        m_result.error = std::string("read failed: ") + ssh_get_error(m_session);
        return PumpState::failed;
      }
      if (r > 0) {
        m_stats.bytes_in += r;
        sink(std::string_view(buffer, static_cast<size_t>(r)));
      }
      const int e = ssh_channel_read_nonblocking(m_channel, buffer, sizeof(buffer), 1);
      if (e > 0) {
        m_stats.bytes_in += e;
        if (m_result.stderr_text.size() < k_stderr_cap) {
          m_result.stderr_text.append(
              buffer,
              std::min<size_t>(static_cast<size_t>(e), k_stderr_cap - m_result.stderr_text.size()));
        }
      }
      if (r == 0 && e <= 0 && ssh_channel_is_eof(m_channel)) {
        m_ended = true;
        return done() ? PumpState::done : PumpState::ended;
      }
    }
  }

  // k_idle_wait_ms, or less when the deadline is nearer.
  int idle_wait_ms() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          m_deadline - std::chrono::steady_clock::now())
                          .count();
    return static_cast<int>(std::clamp<long long>(left + 1, 1, k_idle_wait_ms));
  }

  ExecResult finish() override {
    if (m_finished) {
      return m_result;
    }
    m_finished = true;
    if (m_ended && m_result.error.empty() && !m_result.timed_out) {
      ssh_channel_close(m_channel);
      m_result.exit_status = ssh_channel_get_exit_status(m_channel);
      m_result.ok = true;
    }
    spdlog::debug("{}: channel ran {} ms", m_host_name,
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - m_started)
                      .count());
    return m_result;
  }

private:
  ssh_session m_session;
  ssh_channel m_channel;
  std::string m_host_name;
  std::chrono::steady_clock::time_point m_deadline;
  TransportStats& m_stats;
  std::chrono::steady_clock::time_point m_started;
  ExecResult m_result;
  bool m_finished = false;
  bool m_eof_sent = false;
  bool m_ended = false;
};

class SshTransport : public Transport {
public:
  SshTransport(HostSpec host, TransportOptions options)
      : m_host(std::move(host)), m_options(std::move(options)),
        m_deadline(std::chrono::steady_clock::now() +
                   std::chrono::seconds(m_options.host_timeout_seconds)) {}

  ~SshTransport() override {
    if (m_session != nullptr) {
      ssh_disconnect(m_session);
      ssh_free(m_session);
    }
  }

  void begin_connect(const std::atomic<bool>& abandon) override {
    if (std::get<SshTarget>(m_host.target).jumps.empty() && !m_begun) {
      begin(-1, &abandon); // behind a bastion, all of it waits for connect(): the tunnel first
    }
  }

  ConnectResult connect() override {
    const auto& ssh = std::get<SshTarget>(m_host.target);
    if (!m_begun) {
      int fd = -1;
      if (!ssh.jumps.empty()) {
        if (m_options.jumps == nullptr) {
          return {ConnectStatus::error, "jump hosts need a registry (internal)"};
        }
        ConnectResult failure;
        fd = m_options.jumps->open_tunnel(ssh.jumps, ssh.login.address, ssh.login.port, m_options,
                                          failure);
        if (fd < 0) {
          return failure;
        }
      }
      begin(fd, nullptr);
    }
    return m_begun->status != ConnectStatus::ok
               ? *m_begun
               : finish_login(m_session, ssh.login, m_options, m_pending, m_fingerprint);
  }

  std::unique_ptr<Channel> open(const std::string& command, std::string& error) override;

  TransportStats stats() const override { return m_stats; }
  std::string host_key_sha256() const override { return m_fingerprint; }

private:
  // The session made and the login's first half done (begin_login), over `fd` (a tunnel's
  // socket, ours to close until libssh takes it) when not -1; its result in m_begun.
  void begin(int fd, const std::atomic<bool>* abandon) {
    m_session = ssh_new();
    if (m_session == nullptr) {
      if (fd >= 0) {
        close(fd);
      }
      m_begun = ConnectResult{ConnectStatus::error, "cannot create an SSH session"};
      return;
    }
    m_begun = begin_login(m_session, std::get<SshTarget>(m_host.target).login, m_options, fd,
                          m_pending, abandon);
  }

  HostSpec m_host;
  TransportOptions m_options;
  std::chrono::steady_clock::time_point m_deadline;
  ssh_session m_session = nullptr;
  TransportStats m_stats;
  std::string m_fingerprint;
  std::optional<ConnectResult> m_begun; // the login's first half, once begun
  PendingLogin m_pending;
};

} // namespace

std::unique_ptr<Channel> SshTransport::open(const std::string& command, std::string& error) {
  ssh_channel channel = ssh_channel_new(m_session);
  const auto wait_until =
      std::min(m_deadline, std::chrono::steady_clock::now() +
                               std::chrono::seconds(m_options.connect_timeout_seconds));
  if (channel == nullptr || !open_session_channel(m_session, channel, wait_until)) {
    error = "cannot open a channel: " + open_error(m_session);
    if (channel != nullptr) {
      ssh_channel_free(channel);
    }
    return nullptr;
  }
  ++m_stats.channels;
  if (ssh_channel_request_exec(channel, command.c_str()) != SSH_OK) {
    error = std::string("exec refused: ") + ssh_get_error(m_session);
    ssh_channel_free(channel);
    return nullptr;
  }
  return std::make_unique<SshChannel>(m_session, channel, m_host.name, m_deadline, m_stats);
}

bool connects_on_its_own(const HostSpec& host) {
  const auto* ssh = std::get_if<SshTarget>(&host.target);
  return ssh != nullptr && !ssh->guest_node && ssh->jumps.empty() && host.skip.empty() &&
         host.unreachable.empty();
}

std::unique_ptr<Transport> make_ssh_transport(const HostSpec& host,
                                              const TransportOptions& options) {
  // A node whose containers are scanned too: one login for the node and all of them.
  if (std::get<SshTarget>(host.target).guest_node && options.nodes != nullptr) {
    return make_pct_transport(host, options);
  }
  return std::make_unique<SshTransport>(host, options);
}

} // namespace cisscan
