// Proxmox VE containers through their node: `pct exec VMID -- sh -s` on a channel of the node's
// shared SSH session (execute/node_session.hpp), so a container needs no SSH server or key and
// costs no handshake. `become` is the node's and wraps pct: `sudo -n pct exec ...`. The node
// itself, when it is scanned too, runs its own shell on that same session (the ssh row hands
// a `pct_node` host over): one login per node in all.
#include "execute/node_session.hpp"
#include "execute/transport.hpp"
#include "util/redact.hpp"

#include <libssh/libssh.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include <poll.h>

namespace cisscan {

namespace {

constexpr size_t k_stderr_cap = 4096;
constexpr int k_idle_wait_ms = 5;

using Clock = std::chrono::steady_clock;

std::string_view last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  const auto newline = text.find_last_of('\n');
  return newline == std::string_view::npos ? text : text.substr(newline + 1);
}

// One `pct exec` on the node's session; every libssh call is made under the node's lock, and
// the waits between them outside it, so a container that hangs never holds up the others.
class PctChannel : public Channel {
public:
  PctChannel(std::shared_ptr<NodeSession> node, ssh_channel channel, std::string what,
             Clock::time_point deadline, TransportStats& stats)
      : m_node(std::move(node)), m_channel(channel), m_what(std::move(what)), m_deadline(deadline),
        m_stats(stats) {}

  ~PctChannel() override {
    const auto lock = m_node->lock();
    if (!ssh_channel_is_closed(m_channel)) {
      ssh_channel_close(m_channel);
    }
    ssh_channel_free(m_channel);
  }

  PctChannel(const PctChannel&) = delete;
  PctChannel& operator=(const PctChannel&) = delete;

  PumpState pump(std::string_view input, bool close_input, const OutputSink& sink,
                 const std::function<bool()>& done) override {
    size_t written = 0;
    std::string chunk;
    while (true) {
      if (Clock::now() > m_deadline) {
        m_result.timed_out = true;
        return PumpState::timed_out;
      }
      bool ended = false;
      if (!step(input, written, close_input, chunk, ended)) {
        return PumpState::failed;
      }
      if (!chunk.empty()) {
        m_stdout_bytes += chunk.size();
        sink(chunk);
      }
      if (done()) {
        return PumpState::done;
      }
      if (ended) {
        m_ended = true;
        return PumpState::ended;
      }
      if (chunk.empty()) {
        pollfd fd{ssh_get_fd(m_node->session()), POLLIN, 0};
        poll(&fd, 1, k_idle_wait_ms);
      }
    }
  }

  ExecResult finish() override {
    if (m_finished) {
      return m_result;
    }
    m_finished = true;
    if (m_ended && m_result.error.empty() && !m_result.timed_out) {
      const auto lock = m_node->lock();
      m_result.exit_status = ssh_channel_get_exit_status(m_channel);
      m_result.ok = true;
    }
    // pct itself failed (no such container, not running, no pct, sudo refused): the shell in
    // the container never started, so nothing came on stdout. Its last words are the reason.
    if (!m_what.empty() && m_result.ok && m_stdout_bytes == 0 && m_result.exit_status != 0) {
      const auto said = util::host_line(last_line(m_result.stderr_text));
      m_result.ok = false;
      m_result.error = m_what + " failed (exit " + std::to_string(m_result.exit_status) + ")" +
                       (said.empty() ? "" : ": " + said);
      m_result.unreachable = said.find("not running") != std::string::npos;
    }
    return m_result;
  }

private:
  // One round under the node's lock: write what the window takes, read what is there.
  bool step(std::string_view input, size_t& written, bool close_input, std::string& chunk,
            bool& ended) {
    char buffer[65536];
    chunk.clear();
    const auto lock = m_node->lock();
    if (written < input.size()) {
      const size_t n =
          std::min<size_t>({ssh_channel_window_size(m_channel), input.size() - written, 32768});
      if (n > 0) {
        const int w = ssh_channel_write(m_channel, input.data() + written, n);
        if (w < 0) {
          m_result.error = std::string("write failed: ") + ssh_get_error(m_node->session());
          return false;
        }
        written += static_cast<size_t>(w);
        m_stats.bytes_out += w;
      }
    } else if (close_input && !m_eof_sent) {
      ssh_channel_send_eof(m_channel);
      m_eof_sent = true;
    }
    const int r = ssh_channel_read_nonblocking(m_channel, buffer, sizeof(buffer), 0);
    if (r == SSH_ERROR) {
      m_result.error = std::string("read failed: ") + ssh_get_error(m_node->session());
      return false;
    }
    if (r > 0) {
      m_stats.bytes_in += r;
      chunk.assign(buffer, static_cast<size_t>(r));
    }
    const int e = ssh_channel_read_nonblocking(m_channel, buffer, sizeof(buffer), 1);
    if (e > 0) {
      m_stats.bytes_in += e;
      m_result.stderr_text.append(
          buffer,
          std::min<size_t>(static_cast<size_t>(e),
                           k_stderr_cap - std::min(k_stderr_cap, m_result.stderr_text.size())));
    }
    ended = r <= 0 && e <= 0 && (ssh_channel_is_eof(m_channel) || ssh_channel_is_closed(m_channel));
    return true;
  }

  std::shared_ptr<NodeSession> m_node;
  ssh_channel m_channel;
  std::string m_what;
  Clock::time_point m_deadline;
  TransportStats& m_stats;
  ExecResult m_result;
  size_t m_stdout_bytes = 0;
  bool m_finished = false;
  bool m_eof_sent = false;
  bool m_ended = false;
};

class PctTransport : public Transport {
public:
  PctTransport(HostSpec host, TransportOptions options)
      : m_host(std::move(host)), m_options(std::move(options)),
        m_container(m_host.transport == "pct") {}

  ~PctTransport() override {
    if (m_holds_slot) {
      m_node->slots().release();
    }
  }

  PctTransport(const PctTransport&) = delete;
  PctTransport& operator=(const PctTransport&) = delete;

  ConnectResult connect() override {
    if (m_options.nodes == nullptr) {
      return {ConnectStatus::error, "pct hosts need a node registry (internal)"};
    }
    ConnectResult failure;
    m_node = m_options.nodes->get(m_host, m_options, failure);
    if (!m_node) {
      if (m_container) {
        failure.reason = "node " + m_host.node + " (" + m_host.user + "@" + m_host.address + ":" +
                         std::to_string(m_host.port) + "): " + failure.reason;
      }
      return failure;
    }
    // A container's time starts once it has one of its node's channel slots.
    if (m_container) {
      m_node->slots().acquire();
      m_holds_slot = true;
    }
    m_deadline = Clock::now() + std::chrono::seconds(m_options.host_timeout_seconds);
    return {};
  }

  std::unique_ptr<Channel> open(const std::string& command, std::string& error) override {
    const auto lock = m_node->lock();
    const auto node = m_container ? m_host.node : m_host.name;
    ssh_channel channel = ssh_channel_new(m_node->session());
    if (channel == nullptr || ssh_channel_open_session(channel) != SSH_OK) {
      error = "node " + node + ": cannot open a channel: " + ssh_get_error(m_node->session());
      ssh_channel_free(channel);
      return nullptr;
    }
    ++m_stats.channels;
    if (ssh_channel_request_exec(channel, command.c_str()) != SSH_OK) {
      error = "node " + node + ": exec refused: " + ssh_get_error(m_node->session());
      ssh_channel_close(channel);
      ssh_channel_free(channel);
      return nullptr;
    }
    spdlog::debug("{}: {} on node {}", m_host.name, command, node);
    auto what = m_container ? "pct exec " + std::to_string(m_host.vmid) + " on node " + node
                            : std::string();
    return std::make_unique<PctChannel>(m_node, channel, std::move(what), m_deadline, m_stats);
  }

  // The container's shell through pct on the node; sudo (the node's become) wraps pct.
  std::string shell_command(const std::string& become) const override {
    if (!m_container) {
      return Transport::shell_command(become);
    }
    return std::string(become == "sudo" ? "sudo -n " : "") + "pct exec " +
           std::to_string(m_host.vmid) + " -- sh -s";
  }

  TransportStats stats() const override { return m_stats; }
  std::string host_key_sha256() const override { return m_node ? m_node->fingerprint() : ""; }

private:
  HostSpec m_host;
  TransportOptions m_options;
  bool m_container; // else the node itself
  std::shared_ptr<NodeSession> m_node;
  bool m_holds_slot = false;
  Clock::time_point m_deadline;
  TransportStats m_stats;
};

} // namespace

std::unique_ptr<Transport> make_pct_transport(const HostSpec& host,
                                              const TransportOptions& options) {
  return std::make_unique<PctTransport>(host, options);
}

} // namespace cisscan
