#include "inventory/jumps.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <charconv>

namespace cisscan {

namespace {

constexpr size_t k_max_jumps = 2;

} // namespace

SshEndpoint parse_jump(const std::string& text, const HostEntry& defaults) {
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

namespace {

// One hop that is not a host of the inventory: a Host of the SSH configuration or
// user@host[:port] (whose host may be such an alias). Empty name when it is neither.
SshEndpoint outside_hop(const std::string& hop, const HostEntry& defaults,
                        const SshConfig& config) {
  SshEndpoint endpoint;
  if (hop.find_first_of("@:") == std::string::npos) {
    const auto entry = config.lookup(hop);
    if (entry.hostname.empty() && entry.port == 0 && entry.user.empty()) {
      return {};
    }
    endpoint = {hop, hop, 22, defaults.user, defaults.identity_file, {}};
  } else {
    endpoint = parse_jump(hop, defaults);
    if (endpoint.name.empty()) {
      return {};
    }
  }
  const auto entry = config.lookup(endpoint.address);
  endpoint.address = entry.hostname.empty() ? endpoint.address : entry.hostname;
  endpoint.port =
      entry.port != 0 && hop.find(':') == std::string::npos ? entry.port : endpoint.port;
  endpoint.user =
      !entry.user.empty() && hop.find('@') == std::string::npos ? entry.user : endpoint.user;
  endpoint.identity_file =
      entry.identity_file.empty() ? endpoint.identity_file : entry.identity_file;
  endpoint.known_hosts = entry.known_hosts;
  return endpoint;
}

std::vector<std::string> split_hops(const std::string& jump) {
  std::vector<std::string> hops;
  size_t start = 0;
  while (start <= jump.size()) {
    const auto comma = std::min(jump.find(',', start), jump.size());
    hops.push_back(jump.substr(start, comma - start));
    start = comma + 1;
  }
  return hops;
}

} // namespace

void resolve_jumps(std::vector<HostEntry>& hosts, const HostEntry& defaults,
                   const std::string& file, const std::map<std::string, int>& lines,
                   const SshConfig& config) {
  for (auto& host : hosts) { // `via: node`: the node is the guest's jump host
    if (host.via == "node" && host.transport == "ssh" && !host.node.empty() && host.jump.empty()) {
      host.jump = host.node;
    }
  }
  std::map<std::string, const HostEntry*> by_name;
  for (const auto& host : hosts) {
    by_name[host.name] = &host;
  }
  std::vector<std::vector<SshEndpoint>> chains(hosts.size());
  for (size_t i = 0; i < hosts.size(); ++i) {
    const auto& host = hosts[i];
    const auto fail = [&](const std::string& what) {
      const auto line = lines.count(host.name) ? lines.at(host.name) : 1;
      throw ConfigError(file + ":" + std::to_string(line) + ": host '" + host.name + "': " + what);
    };
    auto& chain = chains[i];
    const auto add = [&](const std::string& hop) -> const HostEntry* {
      if (chain.size() == k_max_jumps) {
        fail("more than " + std::to_string(k_max_jumps) + " jump hosts in a chain");
      }
      const auto it = by_name.find(hop);
      if (it != by_name.end()) {
        if (it->second->transport != "ssh") {
          fail("jump host '" + hop + "' is not reached over ssh");
        }
        chain.insert(chain.begin(), it->second->endpoint());
        return it->second;
      }
      const auto endpoint = outside_hop(hop, defaults, config);
      if (endpoint.name.empty()) {
        fail(hop.find_first_of("@:") == std::string::npos
                 ? "jump host '" + hop + "' is not a host of the inventory (or user@host:port)"
                 : "jump host '" + hop + "' is not user@host[:port]");
      }
      chain.insert(chain.begin(), endpoint);
      return nullptr;
    };
    if (host.jump.find(',') != std::string::npos) {
      // A ProxyJump list: the hops in order, each as it is.
      const auto hops = split_hops(host.jump);
      for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
        add(*hop);
      }
      continue;
    }
    std::vector<std::string> seen = {host.name};
    for (auto next = host.jump; !next.empty();) {
      if (std::find(seen.begin(), seen.end(), next) != seen.end()) {
        fail("jump hosts form a loop (" + next + " is reached again)");
      }
      seen.push_back(next);
      const auto* inventory_host = add(next);
      next = inventory_host != nullptr ? inventory_host->jump : "";
    }
  }
  for (size_t i = 0; i < hosts.size(); ++i) {
    hosts[i].jumps = std::move(chains[i]);
  }
}

} // namespace cisscan
