#include "inventory/inventory.hpp"

namespace cisscan {

const SshTarget* HostSpec::ssh() const {
  if (const auto* own = std::get_if<SshTarget>(&target)) {
    return own;
  }
  if (const auto* guest = std::get_if<GuestTarget>(&target)) {
    return &guest->node;
  }
  return nullptr;
}

const std::string& HostSpec::address() const {
  const auto* local = std::get_if<LocalTarget>(&target);
  return local != nullptr ? local->address : ssh()->login.address;
}

int HostSpec::port() const {
  const auto* login = ssh();
  return login != nullptr ? login->login.port : 22;
}

const std::string& HostSpec::user() const {
  const auto* local = std::get_if<LocalTarget>(&target);
  return local != nullptr ? local->user : ssh()->login.user;
}

const std::string& HostSpec::become() const {
  const auto* local = std::get_if<LocalTarget>(&target);
  return local != nullptr ? local->become : ssh()->become;
}

} // namespace cisscan
