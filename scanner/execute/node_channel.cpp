#include "execute/node_channel.hpp"

#include "execute/ssh_session.hpp"
#include "util/redact.hpp"

#include <libssh/libssh.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include <poll.h>

namespace cisscan {

namespace {

constexpr size_t k_stderr_cap = 4096;
// The longest wait for the node's socket or the channel's wake-up: a bound, not a tick.
constexpr int k_idle_wait_ms = 250;

std::string_view last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  const auto newline = text.find_last_of('\n');
  return newline == std::string_view::npos ? text : text.substr(newline + 1);
}

} // namespace

NodeChannel::NodeChannel(std::shared_ptr<NodeSession> node, ssh_channel channel, std::string what,
                         Clock::time_point deadline, TransportStats& stats)
    : m_node(std::move(node)), m_channel(channel), m_what(std::move(what)), m_deadline(deadline),
      m_stats(stats) {
  ring_on_delivery<&NodeChannel::ring>(m_channel, m_callbacks, this);
}

NodeChannel::~NodeChannel() {
  const auto lock = m_node->lock();
  ssh_remove_channel_callbacks(m_channel, &m_callbacks);
  if (!ssh_channel_is_closed(m_channel)) {
    ssh_channel_close(m_channel);
  }
  ssh_channel_free(m_channel);
}

void NodeChannel::ring(void* self) {
  static_cast<NodeChannel*>(self)->m_wake.ring();
}

// Until the node's socket has bytes, or the channel's wake-up rings (whatever libssh took for it
// while serving another channel is in its buffers, and no socket will say so), or the deadline.
void NodeChannel::wait() const {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline - Clock::now()).count();
  pollfd fds[2] = {{ssh_get_fd(m_node->session()), POLLIN, 0}, {m_wake.fd(), POLLIN, 0}};
  poll(fds, 2, static_cast<int>(std::clamp<long long>(left + 1, 0, k_idle_wait_ms)));
  if ((fds[1].revents & POLLIN) != 0) {
    m_wake.drain();
  }
}

PumpState NodeChannel::pump(std::string_view input, bool close_input, const OutputSink& sink,
                            const std::function<bool()>& done) {
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
      wait();
    }
  }
}

ExecResult NodeChannel::finish() {
  if (m_finished) {
    return m_result;
  }
  m_finished = true;
  if (m_ended && m_result.error.empty() && !m_result.timed_out) {
    const auto lock = m_node->lock();
    m_result.exit_status = ssh_channel_get_exit_status(m_channel);
    m_result.ok = true;
  }
  // The tool on the node failed (no such guest, not running, no pct, sudo refused): the shell
  // in the guest never started, so nothing came on stdout. Its last words are the reason.
  if (!m_what.empty() && m_result.ok && m_stdout_bytes == 0 && m_result.exit_status != 0) {
    const auto said = util::host_line(last_line(m_result.stderr_text));
    m_result.ok = false;
    m_result.error = m_what + " failed (exit " + std::to_string(m_result.exit_status) + ")" +
                     (said.empty() ? "" : ": " + said);
    m_result.unreachable = said.find("not running") != std::string::npos;
  }
  return m_result;
}

// One round under the node's lock: write what the window takes, read what is there.
bool NodeChannel::step(std::string_view input, size_t& written, bool close_input,
                       std::string& chunk, bool& ended) {
  char buffer[65536];
  chunk.clear();
  const auto lock = m_node->lock();
  if (written < input.size()) {
    const size_t n =
        std::min<size_t>({ssh_channel_window_size(m_channel), input.size() - written, 32768});
    if (n > 0) {
      const int w = ssh_channel_write(m_channel, input.data() + written, n);
      if (w < 0 && remote_gone(m_node->session(), m_channel)) {
        // The command ended before taking its input (no pct, no such guest): what it said and
        // its exit status are still to read, and they are the reason.
        written = input.size();
        m_eof_sent = true;
      } else if (w < 0) {
        m_result.error = std::string("write failed: ") + ssh_get_error(m_node->session());
        return false;
      } else {
        written += static_cast<size_t>(w);
        m_stats.bytes_out += w;
      }
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

NodeHold::~NodeHold() {
  if (m_holds_slot) {
    m_node->slots().release();
  }
}

ConnectResult NodeHold::connect(const HostSpec& host, const TransportOptions& options, bool guest,
                                const std::string& kind) {
  if (options.nodes == nullptr) {
    return {ConnectStatus::error, kind + " hosts need a node registry (internal)"};
  }
  ConnectResult failure;
  m_node = options.nodes->get(host, options, failure);
  if (!m_node) {
    if (guest) {
      failure.reason = "node " + host.node + " (" + host.user() + "@" + host.address() + ":" +
                       std::to_string(host.port()) + "): " + failure.reason;
    }
    return failure;
  }
  if (guest) {
    m_node->slots().acquire();
    m_holds_slot = true;
  }
  m_deadline = NodeChannel::Clock::now() + std::chrono::seconds(options.host_timeout_seconds);
  return {};
}

std::unique_ptr<NodeChannel> open_node_channel(const std::shared_ptr<NodeSession>& node,
                                               const std::string& node_name,
                                               const std::string& command, std::string what,
                                               NodeChannel::Clock::time_point deadline,
                                               TransportStats& stats, std::string& error) {
  const auto lock = node->lock();
  ssh_channel channel = ssh_channel_new(node->session());
  if (channel == nullptr || !open_session_channel(node->session(), channel, deadline)) {
    error = "node " + node_name + ": cannot open a channel: " + open_error(node->session());
    ssh_channel_free(channel);
    return nullptr;
  }
  ++stats.channels;
  if (ssh_channel_request_exec(channel, command.c_str()) != SSH_OK) {
    error = "node " + node_name + ": exec refused: " + ssh_get_error(node->session());
    ssh_channel_close(channel);
    ssh_channel_free(channel);
    return nullptr;
  }
  spdlog::debug("{} on node {}", command, node_name);
  return std::make_unique<NodeChannel>(node, channel, std::move(what), deadline, stats);
}

} // namespace cisscan
