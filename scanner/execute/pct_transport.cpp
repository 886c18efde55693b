// Proxmox VE containers through their node: `pct exec VMID -- sh -s` on a channel of the node's
// shared SSH session (execute/node_session.hpp), so a container needs no SSH server or key and
// costs no handshake. `become` is the node's and wraps pct: `sudo -n pct exec ...`. The node
// itself, when it is scanned too, runs its own shell on that same session (the ssh row hands
// a node serving guests over, `SshTarget::guest_node`): one login per node in all.
#include "execute/node_channel.hpp"
#include "execute/node_session.hpp"
#include "execute/transport.hpp"

#include <spdlog/spdlog.h>

namespace cisscan {

namespace {

class PctTransport : public Transport {
public:
  PctTransport(HostSpec host, TransportOptions options)
      : m_host(std::move(host)), m_options(std::move(options)),
        m_container(m_host.transport == "pct") {}

  ConnectResult connect() override { return m_hold.connect(m_host, m_options, m_container, "pct"); }

  std::unique_ptr<Channel> open(const std::string& command, std::string& error) override {
    const auto node = m_container ? m_host.node : m_host.name;
    auto what = m_container ? "pct exec " + std::to_string(m_host.vmid) + " on node " + node
                            : std::string();
    return open_node_channel(m_hold.node(), node, command, std::move(what), m_hold.deadline(),
                             m_stats, error);
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
  std::string host_key_sha256() const override { return m_hold.fingerprint(); }

private:
  HostSpec m_host;
  TransportOptions m_options;
  bool m_container; // else the node itself
  NodeHold m_hold;
  TransportStats m_stats;
};

} // namespace

std::unique_ptr<Transport> make_pct_transport(const HostSpec& host,
                                              const TransportOptions& options) {
  return std::make_unique<PctTransport>(host, options);
}

} // namespace cisscan
