// `cisscan discover`: the inventory as a scan would expand it (Proxmox VE nodes and guests
// found), printed as YAML: what would be scanned and how each host is reached.
#include "cli/commands.hpp"
#include "cli/connection_args.hpp"
#include "cli/exit_codes.hpp"
#include "model/status.hpp"

#include "util/yaml_writer.hpp"

#include <iostream>

namespace cisscan {

namespace {

void put_if(util::YamlWriter& out, const char* key, const std::string& value) {
  if (!value.empty()) {
    out.entry(key, value);
  }
}

void put_list(util::YamlWriter& out, const char* key, const std::vector<std::string>& values) {
  if (!values.empty()) {
    out.flow_list(key, values);
  }
}

void put_host(util::YamlWriter& out, const HostSpec& host) {
  static const SshTarget k_no_login;
  const auto& ssh = host.ssh() != nullptr ? *host.ssh() : k_no_login;
  out.begin_map();
  out.entry("name", host.name);
  out.entry("transport", host.transport);
  if (std::holds_alternative<GuestTarget>(host.target)) { // reached through its node
    out.entry("node", host.node);
    out.entry("vmid", host.vmid);
    out.entry("via", host.user() + "@" + host.address() + ":" + std::to_string(host.port()));
  } else {
    out.entry("address", host.address());
    out.entry("port", host.port());
    put_if(out, "node", host.node);
    if (host.vmid > 0) {
      out.entry("vmid", host.vmid);
    }
  }
  out.entry("user", host.user());
  put_if(out, "identity_file", ssh.login.identity_file);
  put_if(out, "known_hosts", ssh.login.known_hosts);
  put_if(out, "become", host.become());
  put_if(out, "jump", ssh.jump);
  put_if(out, "type", host.guest_type);
  put_list(out, "tags", host.tags);
  put_if(out, "pool", host.pool);
  put_list(out, "groups", host.groups);
  put_list(out, "roles", host.roles);
  if (!host.skip.empty()) {
    out.entry("status", std::string(to_string(HostStatus::skipped)));
    out.entry("reason", host.skip);
  } else if (!host.unreachable.empty()) {
    out.entry("status", std::string(to_string(HostStatus::unreachable)));
    out.entry("reason", host.unreachable);
  }
  out.end_map();
}

int run_discover(const ConnectionArgs& args) {
  const auto inventory = load_connected_inventory(args);
  util::YamlWriter out;
  out.begin_map();
  out.entry("source", inventory.source);
  out.value("hosts");
  out.begin_list();
  for (const auto& host : inventory.hosts) {
    put_host(out, host);
  }
  out.end_list();
  out.end_map();
  std::cout << out.finish();
  return k_exit_ok;
}

} // namespace

std::function<int()> add_discover_command(CLI::App& app) {
  auto args = std::make_shared<ConnectionArgs>();
  auto* cmd = app.add_subcommand(
      "discover", "Print the inventory as a scan expands it (Proxmox VE nodes and guests)");
  add_connection_options(cmd, *args);
  return [args]() { return run_discover(*args); };
}

} // namespace cisscan
