#include "cli/connection_args.hpp"

#include "inventory/ssh_config.hpp"
#include "pipeline/discovery.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace cisscan {

namespace {

// The OpenSSH client configuration the inventory is read with; its warnings are logged.
SshConfig load_ssh_config(const std::string& option) {
  if (option == "none") {
    return {};
  }
  const auto path =
      option.empty() ? util::expand_home("~/.ssh/config") : std::filesystem::path(option);
  if (option.empty() && !std::filesystem::exists(path)) {
    return {};
  }
  auto config = SshConfig::load(path);
  for (const auto& warning : config.warnings()) {
    spdlog::warn("{}", warning);
  }
  return config;
}

} // namespace

CLI::Validator at_least_one(const std::string& what) {
  return CLI::Validator(
      [what](std::string& text) {
        const bool digits =
            !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || text.find_first_not_of('0') == std::string::npos) {
          return "expected a whole number of " + what + ", at least 1, not '" + text + "'";
        }
        return std::string();
      },
      "POSITIVE");
}

void add_connection_options(CLI::App* cmd, ConnectionArgs& args) {
  cmd->add_option("-i,--inventory", args.inventory, "Inventory YAML file");
  cmd->add_option("--identity", args.identity,
                  "SSH private key for every host whose inventory entry (host, group or "
                  "defaults) names none; over ~/.ssh/config's IdentityFile");
  cmd->add_option("--known-hosts", args.known_hosts,
                  "known_hosts file to verify host keys against (default ~/.ssh/known_hosts)");
  cmd->add_option("--ssh-config", args.ssh_config,
                  "OpenSSH client configuration for the inventory's hosts (default "
                  "~/.ssh/config when it exists; none: no file)");
  cmd->add_flag("--accept-new-host-keys", args.accept_new,
                "Trust and record the key of a host not yet in known_hosts");
  cmd->add_option("--connect-timeout", args.connect_timeout, "Seconds to connect and log in")
      ->capture_default_str()
      ->check(at_least_one("seconds"));
  cmd->add_option("--host-timeout", args.host_timeout, "Seconds allowed for a whole host")
      ->capture_default_str()
      ->check(at_least_one("seconds"));
}

TransportOptions transport_options(const ConnectionArgs& args) {
  TransportOptions options;
  options.known_hosts = args.known_hosts;
  options.accept_new_host_keys = args.accept_new;
  options.connect_timeout_seconds = args.connect_timeout;
  options.host_timeout_seconds = args.host_timeout;
  return options;
}

Inventory load_connected_inventory(const ConnectionArgs& args,
                                   const std::function<void()>& before_discovery) {
  if (!args.identity.empty()) {
    if (args.inventory.empty()) {
      throw ConfigError("--identity " + args.identity +
                        ": a key for the hosts of an --inventory; without one, this machine is "
                        "scanned without SSH");
    }
    if (std::ifstream key(args.identity); !key) {
      throw ConfigError("--identity " + args.identity + ": cannot read: " + std::strerror(errno));
    }
  }
  if (args.inventory.empty()) {
    return local_inventory();
  }
  const auto ssh_config = load_ssh_config(args.ssh_config);
  const auto options = transport_options(args);
  return load_inventory(
      args.inventory, &ssh_config,
      [&](const std::vector<HostSpec>& entries) {
        if (before_discovery) {
          before_discovery();
        }
        return read_cluster(entries, options, make_transport);
      },
      args.identity);
}

} // namespace cisscan
