// An SSH target for unit tests that build a HostSpec by hand.
#pragma once

#include "inventory/inventory.hpp"

#include <string>

namespace cisscan::test {

inline SshTarget ssh_login(const std::string& name, const std::string& address, int port,
                           const std::string& user, const std::string& become = "") {
  SshTarget target;
  target.login.name = name;
  target.login.address = address;
  target.login.port = port;
  target.login.user = user;
  target.become = become;
  return target;
}

} // namespace cisscan::test
