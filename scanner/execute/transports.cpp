#include "execute/transport.hpp"

#include <stdexcept>
#include <vector>

namespace cisscan {

const std::vector<TransportKind>& transport_kinds() {
  static const std::vector<TransportKind> k_kinds = {
      {"local", make_local_transport},
      {"ssh", make_ssh_transport},
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

} // namespace cisscan
