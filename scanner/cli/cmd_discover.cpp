// `cisscan discover`: the inventory as a scan would expand it (Proxmox VE nodes and guests
// found), printed as YAML: what would be scanned and how each host is reached.
#include "cli/commands.hpp"
#include "cli/connection_args.hpp"
#include "cli/exit_codes.hpp"
#include "model/status.hpp"

#include <yaml-cpp/yaml.h>

#include <iostream>

namespace cisscan {

namespace {

void put_if(YAML::Emitter& out, const char* key, const std::string& value) {
  if (!value.empty()) {
    out << YAML::Key << key << YAML::Value << value;
  }
}

void put_list(YAML::Emitter& out, const char* key, const std::vector<std::string>& values) {
  if (!values.empty()) {
    out << YAML::Key << key << YAML::Value << YAML::Flow << values;
  }
}

void put_host(YAML::Emitter& out, const HostSpec& host) {
  static const SshTarget k_no_login;
  const auto& ssh = host.ssh() != nullptr ? *host.ssh() : k_no_login;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << host.name;
  out << YAML::Key << "transport" << YAML::Value << host.transport;
  if (std::holds_alternative<GuestTarget>(host.target)) { // reached through its node
    out << YAML::Key << "node" << YAML::Value << host.node;
    out << YAML::Key << "vmid" << YAML::Value << host.vmid;
    out << YAML::Key << "via" << YAML::Value
        << host.user() + "@" + host.address() + ":" + std::to_string(host.port());
  } else {
    out << YAML::Key << "address" << YAML::Value << host.address();
    out << YAML::Key << "port" << YAML::Value << host.port();
    put_if(out, "node", host.node);
    if (host.vmid > 0) {
      out << YAML::Key << "vmid" << YAML::Value << host.vmid;
    }
  }
  out << YAML::Key << "user" << YAML::Value << host.user();
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
    out << YAML::Key << "status" << YAML::Value << std::string(to_string(HostStatus::skipped));
    out << YAML::Key << "reason" << YAML::Value << host.skip;
  } else if (!host.unreachable.empty()) {
    out << YAML::Key << "status" << YAML::Value << std::string(to_string(HostStatus::unreachable));
    out << YAML::Key << "reason" << YAML::Value << host.unreachable;
  }
  out << YAML::EndMap;
}

int run_discover(const ConnectionArgs& args) {
  const auto inventory = load_connected_inventory(args);
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "source" << YAML::Value << inventory.source;
  out << YAML::Key << "hosts" << YAML::Value << YAML::BeginSeq;
  for (const auto& host : inventory.hosts) {
    put_host(out, host);
  }
  out << YAML::EndSeq << YAML::EndMap;
  std::cout << out.c_str() << "\n";
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
