#include "execute/node_session.hpp"

#include "execute/jump.hpp"
#include "execute/ssh_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace cisscan {

void ChannelSlots::acquire() {
  std::unique_lock<std::mutex> lock(m_mutex);
  m_freed.wait(lock, [this] { return m_free > 0; });
  --m_free;
}

void ChannelSlots::release() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    ++m_free;
  }
  m_freed.notify_one();
}

int ChannelSlots::free() const {
  const std::lock_guard<std::mutex> lock(m_mutex);
  return m_free;
}

NodeSession::~NodeSession() {
  ssh_disconnect(m_session);
  ssh_free(m_session);
}

namespace {

std::string endpoint_text(const SshEndpoint& endpoint) {
  return endpoint.user + "@" + endpoint.address + ":" + std::to_string(endpoint.port);
}

} // namespace

std::shared_ptr<NodeSession> NodeSessions::get(const HostSpec& container,
                                               const TransportOptions& options,
                                               ConnectResult& failure) {
  // The node's login: a guest's is its node's (GuestTarget), a node's its own.
  const auto& node = *container.ssh();
  const auto& endpoint = node.login;
  std::string key;
  for (const auto& jump : node.jumps) {
    key += endpoint_text(jump) + ">";
  }
  key += endpoint_text(endpoint);
  // Each node is connected once, by the first container that needs it; the others wait.
  const auto& slot = m_nodes.get(key, [&](ConnectOnce<NodeSession>::Slot& fresh) {
    int fd = -1;
    if (!node.jumps.empty()) {
      if (options.jumps == nullptr) {
        fresh.failure = {ConnectStatus::error, "jump hosts need a registry (internal)"};
      } else {
        fd = options.jumps->open_tunnel(node.jumps, endpoint.address, endpoint.port, options,
                                        fresh.failure);
      }
    }
    if (node.jumps.empty() || fd >= 0) {
      ssh_session session = ssh_new();
      std::string fingerprint;
      fresh.failure = login(session, endpoint, options, fd, fingerprint);
      if (fresh.failure.status == ConnectStatus::ok) {
        spdlog::debug("node {}: connected ({})", endpoint.name, fingerprint);
        fresh.session =
            std::make_shared<NodeSession>(session, fingerprint, std::max(1, node.pct_concurrency));
      } else {
        ssh_disconnect(session);
        ssh_free(session);
      }
    }
  });
  if (!slot.session) {
    failure = slot.failure;
  }
  return slot.session;
}

} // namespace cisscan
