// One command on a channel of a Proxmox VE node's shared SSH session (execute/node_session.hpp):
// `pct exec` for a container, `qm guest exec` for a VM's guest agent, or the node's own shell.
// Every libssh call is made under the node's lock and the waits between them outside it, so a
// guest that hangs never holds up the others. A channel waits for the node's socket or for its
// own wake-up: libssh's callbacks ring it when another guest's thread read what was this one's
// (execute/channel_bell.hpp).
#pragma once

#include "execute/channel_bell.hpp"
#include "execute/node_session.hpp"
#include "execute/transport.hpp"

#include <libssh/callbacks.h>

#include <chrono>
#include <memory>
#include <string>

namespace cisscan {

class NodeChannel : public Channel {
public:
  using Clock = std::chrono::steady_clock;

  // `what` names the command in a failure's reason ("pct exec 101 on node pve1"); empty for the
  // node's own shell, whose failures are its own.
  // Made under the node's lock (its callbacks are set on `channel`).
  NodeChannel(std::shared_ptr<NodeSession> node, ssh_channel channel, std::string what,
              Clock::time_point deadline, TransportStats& stats);
  ~NodeChannel() override;
  NodeChannel(const NodeChannel&) = delete;
  NodeChannel& operator=(const NodeChannel&) = delete;

  PumpState pump(std::string_view input, bool close_input, const OutputSink& sink,
                 const std::function<bool()>& done) override;
  // When the command wrote nothing on stdout and failed, the reason is "WHAT failed (exit N):"
  // and its last line on stderr; `unreachable` when it says the guest is not running.
  ExecResult finish() override;

private:
  bool step(std::string_view input, size_t& written, bool close_input, std::string& chunk,
            bool& ended);
  void wait() const;
  static void ring(void* self);

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
  ssh_channel_callbacks_struct m_callbacks{};
  Bell m_wake; // rung when the node's session took something for this channel
};

// A transport's hold on its Proxmox VE node (pct, qga): the node's shared session, and for a
// guest one of the node's channel slots (`pct_concurrency`) until the guest's scan ends; the
// guest's --host-timeout starts once it has the slot.
class NodeHold {
public:
  NodeHold() = default;
  ~NodeHold();
  NodeHold(const NodeHold&) = delete;
  NodeHold& operator=(const NodeHold&) = delete;

  // `guest`: take a slot, and name the node in a failure's reason (a node's own failures are
  // its own). `kind` names the transport in an internal error.
  ConnectResult connect(const HostSpec& host, const TransportOptions& options, bool guest,
                        const std::string& kind);
  const std::shared_ptr<NodeSession>& node() const { return m_node; }
  NodeChannel::Clock::time_point deadline() const { return m_deadline; }
  std::string fingerprint() const { return m_node ? m_node->fingerprint() : ""; }

private:
  std::shared_ptr<NodeSession> m_node;
  bool m_holds_slot = false;
  NodeChannel::Clock::time_point m_deadline;
};

// Opens a channel on the node's session and starts `command` on it; null with `error` set when
// the node refuses. `node_name` names the node in that error.
std::unique_ptr<NodeChannel> open_node_channel(const std::shared_ptr<NodeSession>& node,
                                               const std::string& node_name,
                                               const std::string& command, std::string what,
                                               NodeChannel::Clock::time_point deadline,
                                               TransportStats& stats, std::string& error);

} // namespace cisscan
