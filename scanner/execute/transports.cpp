#include "execute/transport.hpp"

#include "execute/script.hpp"
#include "inventory/targets.hpp"

#include <stdexcept>
#include <vector>

namespace cisscan {

constexpr std::string_view k_through_node = "a guest is reached through its node's connection";

// One row per transport: its name, the inventory keys a host of it takes (beyond name,
// transport, roles and groups) and how such a host is resolved, and how its transport is made.
const std::vector<TransportKind>& transport_kinds() {
  static const std::vector<TransportKind> k_kinds = {
      {{"ssh",
        {"address", "port", "user", "identity_file", "known_hosts", "become", "jump", "via", "node",
         "vmid", "pct_concurrency"},
        resolve_ssh,
        {}},
       make_ssh_transport},
      {{"local", {"address", "become"}, resolve_local, {}}, make_local_transport},
      {{"pct", {"node", "vmid"}, resolve_guest, k_through_node}, make_pct_transport},
      {{"qga", {"node", "vmid"}, resolve_guest, k_through_node}, make_qga_transport},
  };
  return k_kinds;
}

std::vector<const TargetRules*> target_rules() {
  std::vector<const TargetRules*> rules;
  for (const auto& kind : transport_kinds()) {
    rules.push_back(&kind.target);
  }
  return rules;
}

const TargetRules* find_target(std::string_view name) {
  for (const auto& kind : transport_kinds()) {
    if (kind.target.name == name) {
      return &kind.target;
    }
  }
  return nullptr;
}

std::unique_ptr<Transport> make_transport(const HostSpec& host, const TransportOptions& options) {
  for (const auto& kind : transport_kinds()) {
    if (kind.target.name == host.transport) {
      return kind.make(host, options);
    }
  }
  throw std::invalid_argument("unknown transport '" + host.transport + "'");
}

std::string Transport::shell_command(const std::string& become) const {
  return remote_command(become);
}

ExecResult Transport::exec(const std::string& command, const std::string& input,
                           const OutputSink& sink) {
  std::string error;
  auto channel = open(command, error);
  if (!channel) {
    ExecResult result;
    result.error = error;
    return result;
  }
  channel->pump(input, true, sink, [] { return false; });
  return channel->finish();
}

} // namespace cisscan
