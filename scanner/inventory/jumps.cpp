#include "inventory/jumps.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <charconv>

namespace cisscan {

namespace {

constexpr size_t k_max_jumps = 2;

} // namespace

SshEndpoint parse_jump(const std::string& text, const HostSpec& defaults) {
  SshEndpoint out;
  out.user = defaults.user;
  out.identity_file = defaults.identity_file;
  std::string rest = text;
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    out.user = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  std::string port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) {
      return {};
    }
    out.address = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') {
        return {};
      }
      port = rest.substr(close + 2);
    }
  } else if (const auto colon = rest.find(':'); colon != std::string::npos) {
    out.address = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  } else {
    out.address = rest;
  }
  if (!port.empty()) {
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc() || ptr != port.data() + port.size() || out.port < 1 || out.port > 65535) {
      return {};
    }
  }
  if (out.address.empty() || out.user.empty()) {
    return {};
  }
  out.name = text;
  return out;
}

void resolve_jumps(Inventory& inventory, const HostSpec& defaults, const std::string& file,
                   const std::map<std::string, int>& lines) {
  std::map<std::string, const HostSpec*> by_name;
  for (const auto& host : inventory.hosts) {
    by_name[host.name] = &host;
  }
  std::vector<std::vector<SshEndpoint>> chains(inventory.hosts.size());
  for (size_t i = 0; i < inventory.hosts.size(); ++i) {
    const auto& host = inventory.hosts[i];
    const auto fail = [&](const std::string& what) {
      const auto line = lines.count(host.name) ? lines.at(host.name) : 1;
      throw ConfigError(file + ":" + std::to_string(line) + ": host '" + host.name + "': " + what);
    };
    std::vector<std::string> seen = {host.name};
    std::string next = host.jump;
    while (!next.empty()) {
      if (std::find(seen.begin(), seen.end(), next) != seen.end()) {
        fail("jump hosts form a loop (" + next + " is reached again)");
      }
      seen.push_back(next);
      if (chains[i].size() == k_max_jumps) {
        fail("more than " + std::to_string(k_max_jumps) + " jump hosts in a chain");
      }
      const auto it = by_name.find(next);
      if (it != by_name.end()) {
        if (it->second->transport != "ssh") {
          fail("jump host '" + next + "' is not reached over ssh");
        }
        chains[i].insert(chains[i].begin(), it->second->endpoint());
        next = it->second->jump;
        continue;
      }
      if (next.find_first_of("@:") == std::string::npos) {
        fail("jump host '" + next + "' is not a host of the inventory (or user@host:port)");
      }
      const auto endpoint = parse_jump(next, defaults);
      if (endpoint.name.empty()) {
        fail("jump host '" + next + "' is not user@host[:port]");
      }
      chains[i].insert(chains[i].begin(), endpoint);
      next.clear();
    }
  }
  for (size_t i = 0; i < inventory.hosts.size(); ++i) {
    inventory.hosts[i].jumps = std::move(chains[i]);
  }
}

} // namespace cisscan
