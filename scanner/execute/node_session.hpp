// The Proxmox VE nodes of one scan whose containers are reached with `pct exec`: one verified
// SSH login per node, shared by all its containers (no handshake per container). libssh is
// used from one thread at a time: every call on a node's session is made under its lock, and
// at most `pct_concurrency` channels of a node are open at once.
#pragma once

#include "execute/connect_once.hpp"
#include "execute/transport.hpp"

#include <libssh/libssh.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace cisscan {

// A counting semaphore: the channel slots of one node.
class ChannelSlots {
public:
  explicit ChannelSlots(int count) : m_free(count) {}
  // Waits until a slot is free and takes it.
  void acquire();
  void release();
  int free() const;

private:
  mutable std::mutex m_mutex;
  std::condition_variable m_freed;
  int m_free;
};

// One logged-in node. `lock()` guards every libssh call on `session()`.
class NodeSession {
public:
  NodeSession(ssh_session session, std::string fingerprint, int concurrency)
      : m_session(session), m_fingerprint(std::move(fingerprint)), m_slots(concurrency) {}
  ~NodeSession();
  NodeSession(const NodeSession&) = delete;
  NodeSession& operator=(const NodeSession&) = delete;

  ssh_session session() const { return m_session; }
  std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(m_mutex); }
  const std::string& fingerprint() const { return m_fingerprint; }
  ChannelSlots& slots() { return m_slots; }

private:
  ssh_session m_session;
  std::string m_fingerprint;
  std::mutex m_mutex;
  ChannelSlots m_slots;
};

// The nodes of one fleet scan, each connected once, on first use, by whichever of its
// containers needs it first; the containers of a node that could not be reached all get its
// reason. Destroy it before the JumpRegistry its nodes may be reached through.
class NodeSessions {
public:
  // The session of `host`'s node (a container's address, port, user, key and jumps are its
  // node's; a node is its own), or null with `failure` saying what went wrong.
  std::shared_ptr<NodeSession> get(const HostSpec& host, const TransportOptions& options,
                                   ConnectResult& failure);

private:
  ConnectOnce<NodeSession> m_nodes; // by "jumps > user@address:port"
};

} // namespace cisscan
