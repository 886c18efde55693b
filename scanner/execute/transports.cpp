#include "execute/transport.hpp"

#include "execute/script.hpp"

#include <stdexcept>
#include <vector>

namespace cisscan {

const std::vector<TransportKind>& transport_kinds() {
  static const std::vector<TransportKind> k_kinds = {
      {"local", make_local_transport},
      {"ssh", make_ssh_transport},
      {"pct", make_pct_transport},
      {"qga", make_qga_transport},
  };
  return k_kinds;
}

std::unique_ptr<Transport> make_transport(const HostSpec& host, const TransportOptions& options) {
  for (const auto& kind : transport_kinds()) {
    if (kind.name == host.transport) {
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
