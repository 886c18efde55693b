#include "inventory/inventory.hpp"

#include "inventory/jumps.hpp"
#include "inventory/pct_hosts.hpp"
#include "inventory/proxmox.hpp"
#include "inventory/ssh_config.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/json.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unistd.h>

namespace cisscan {

namespace {

const std::set<std::string> k_host_keys = {
    "name",   "address",   "port", "user", "identity_file", "known_hosts",     "become", "roles",
    "groups", "transport", "jump", "node", "vmid",          "pct_concurrency", "via"};
const std::set<std::string> k_setting_keys = {
    "port",      "user", "identity_file", "known_hosts",     "become", "roles",
    "transport", "jump", "node",          "pct_concurrency", "via"};

// A path setting with its ${ENV} variables expanded (a CI file variable names the key file).
std::string path_setting(const util::YamlFile& file, const YAML::Node& value,
                         const std::string& key) {
  std::string expanded;
  std::string problem;
  if (!util::expand_env(value.as<std::string>(), expanded, problem)) {
    file.fail(value, key + ": " + problem);
  }
  return expanded;
}

int positive(const util::YamlFile& file, const YAML::Node& value, const std::string& what) {
  int number = 0;
  try {
    number = value.as<int>();
  } catch (const YAML::Exception&) {
    file.fail(value, what + " must be a number");
  }
  if (number < 1) {
    file.fail(value, what + " must be at least 1");
  }
  return number;
}

// Applies the settings present in `node` over `host`, noting each key in `given`.
void apply(const util::YamlFile& file, const YAML::Node& node, HostSpec& host,
           std::set<std::string>& given) {
  for (const auto& item : node) {
    const auto key = item.first.as<std::string>();
    const auto& value = item.second;
    given.insert(key);
    if (key == "port") {
      try {
        host.port = value.as<int>();
      } catch (const YAML::Exception&) {
        file.fail(value, "port must be a number");
      }
      if (host.port < 1 || host.port > 65535) {
        file.fail(value, "port must be 1..65535");
      }
    } else if (key == "user") {
      host.user = value.as<std::string>();
    } else if (key == "identity_file") {
      host.identity_file = path_setting(file, value, key);
    } else if (key == "known_hosts") {
      host.known_hosts = path_setting(file, value, key);
    } else if (key == "become") {
      host.become = value.as<std::string>();
      if (host.become == "false" || host.become == "none") {
        host.become.clear();
      } else if (host.become != "sudo") {
        file.fail(value, "become must be sudo (or none)");
      }
    } else if (key == "roles") {
      for (const auto& role : file.strings(node, "roles")) {
        host.roles.push_back(role);
      }
    } else if (key == "jump") {
      host.jump = value.IsNull() ? "" : value.as<std::string>();
    } else if (key == "transport") {
      host.transport = value.as<std::string>();
      if (host.transport != "ssh" && host.transport != "local" && host.transport != "pct" &&
          host.transport != "qga") {
        file.fail(value, "transport must be ssh, local, pct or qga");
      }
    } else if (key == "node") {
      host.node = value.as<std::string>();
    } else if (key == "via") {
      host.via = value.as<std::string>();
      if (host.via != "node" && host.via != "direct") {
        file.fail(value, "via must be node (through the guest's Proxmox node) or direct");
      }
    } else if (key == "vmid") {
      host.vmid = positive(file, value, "vmid");
    } else if (key == "pct_concurrency") {
      host.pct_concurrency = positive(file, value, "pct_concurrency");
    }
  }
}

// What the SSH configuration says for the host's address (as an alias), for what the inventory
// left unset.
void apply_ssh_config(const SshConfig& config, const std::set<std::string>& given, HostSpec& host) {
  if (config.empty() || host.transport != "ssh") {
    return;
  }
  const auto entry = config.lookup(host.address);
  if (!entry.hostname.empty()) {
    host.address = entry.hostname;
  }
  if (entry.port != 0 && given.count("port") == 0) {
    host.port = entry.port;
  }
  if (!entry.user.empty() && given.count("user") == 0) {
    host.user = entry.user;
  }
  if (!entry.identity_file.empty() && given.count("identity_file") == 0) {
    host.identity_file = entry.identity_file;
  }
  if (!entry.proxy_jump.empty() && entry.proxy_jump != "none" && given.count("jump") == 0) {
    host.jump = entry.proxy_jump;
  }
  if (given.count("known_hosts") == 0) {
    host.known_hosts = entry.known_hosts;
  }
}

// The inventory's rule for host names (README, "Inventory keys"): they name files and log lines.
bool is_host_name(const std::string& name) {
  if (name.empty() || name.size() > 253 || std::isalnum(static_cast<unsigned char>(name[0])) == 0) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
  });
}

// What a host the inventory does not list gets: the defaults, then its groups' settings.
struct Settings {
  const HostSpec& defaults;
  const std::set<std::string>& default_keys;
  const std::map<std::string, YAML::Node>& groups;
};

// `proxmox:` (entry nodes, each a host entry) read through `read_cluster`, its nodes and guests
// added as hosts; then `exclude:`.
void add_discovered(const util::YamlFile& file, const Settings& settings, Inventory& inventory,
                    const ClusterReader& read_cluster) {
  const auto& root = file.root();
  if (root["proxmox"]) {
    if (!root["proxmox"].IsSequence() || root["proxmox"].size() == 0) {
      file.fail(root["proxmox"], "proxmox must list entry nodes ({name, address, ...})");
    }
    if (!read_cluster) {
      file.fail(root["proxmox"], "proxmox discovery is done by scan and discover only");
    }
    std::vector<HostSpec> entries;
    for (const auto& node : root["proxmox"]) {
      file.check_keys(node, k_host_keys, "a proxmox entry node");
      auto entry = settings.defaults;
      auto given = settings.default_keys;
      entry.name = node["name"] ? file.string(node, "name") : "";
      if (!is_host_name(entry.name)) {
        file.fail(node, "a proxmox entry node needs a 'name' (letters, digits, '.', '-', '_')");
      }
      apply(file, node, entry, given);
      entry.address = node["address"] ? node["address"].as<std::string>() : entry.name;
      entries.push_back(std::move(entry));
    }
    const auto make_host = [&](const std::string& name, const std::vector<std::string>& groups) {
      auto host = settings.defaults;
      auto given = settings.default_keys;
      for (auto group = groups.rbegin(); group != groups.rend(); ++group) {
        if (const auto it = settings.groups.find(*group); it != settings.groups.end()) {
          apply(file, it->second, host, given);
        }
      }
      host.name = name;
      host.address = name;
      host.groups = groups;
      return host;
    };
    add_cluster(inventory, read_cluster(entries), entries, make_host);
  }
  if (root["exclude"]) {
    apply_exclude(inventory, file.strings(root, "exclude"));
  }
}

// `groups:`: a group name mapped to its settings.
std::map<std::string, YAML::Node> read_groups(const util::YamlFile& file) {
  std::map<std::string, YAML::Node> groups;
  const auto& root = file.root();
  if (root["groups"]) {
    if (!root["groups"].IsMap()) {
      file.fail(root["groups"], "groups must map a group name to its settings");
    }
    for (const auto& item : root["groups"]) {
      file.check_keys(item.second, k_setting_keys, "a group");
      groups[item.first.as<std::string>()] = item.second;
    }
  }
  return groups;
}

std::string current_user() {
  return util::account_name();
}

// `defaults:` over the built-in ones and --identity (`identity`), which counts as given: it
// wins over the SSH configuration's IdentityFile, and any identity_file of the inventory over it.
HostSpec read_defaults(const util::YamlFile& file, const std::string& identity,
                       std::set<std::string>& keys) {
  HostSpec defaults;
  defaults.user = current_user();
  if (!identity.empty()) {
    defaults.identity_file = identity;
    keys.insert("identity_file");
  }
  if (const auto& node = file.root()["defaults"]) {
    file.check_keys(node, k_setting_keys, "defaults");
    apply(file, node, defaults, keys);
  }
  return defaults;
}

} // namespace

Inventory load_inventory(const std::filesystem::path& path, const SshConfig* ssh_config,
                         const ClusterReader& read_cluster, const std::string& identity) try {
  const SshConfig no_config;
  const auto& config = ssh_config != nullptr ? *ssh_config : no_config;
  if (!std::filesystem::exists(path)) {
    throw ConfigError(path.string() + ": cannot read the inventory file");
  }
  const util::YamlFile file(path);
  const auto& root = file.root();
  if (!root.IsMap()) {
    throw ConfigError(file.name() + ":1: expected a mapping with 'hosts:'");
  }
  file.check_keys(root, {"defaults", "groups", "hosts", "proxmox", "exclude"}, "the inventory");
  if (root["hosts"] ? !root["hosts"].IsSequence() : !root["proxmox"]) {
    throw ConfigError(file.name() + ":1: expected a 'hosts:' list (or 'proxmox:' entry nodes)");
  }
  std::set<std::string> default_keys;
  const auto defaults = read_defaults(file, identity, default_keys);
  const auto groups = read_groups(file);
  Inventory inventory;
  inventory.source = file.name();
  std::set<std::string> names;
  std::map<std::string, int> lines;
  const auto hosts = root["hosts"] ? root["hosts"] : YAML::Node(YAML::NodeType::Sequence);
  for (const auto& node : hosts) {
    file.check_keys(node, k_host_keys, "a host");
    HostSpec host = defaults;
    auto given = default_keys;
    if (!node["name"]) {
      file.fail(node, "a host needs a 'name'");
    }
    host.name = file.string(node, "name");
    if (!is_host_name(host.name)) {
      file.fail(node["name"],
                "host name " +
                    json(host.name).dump(-1, ' ', false, json::error_handler_t::replace) +
                    ": expected letters, digits, '.', '-' and '_', starting with a "
                    "letter or digit, at most 253 characters");
    }
    if (!names.insert(host.name).second) {
      file.fail(node, "duplicate host name '" + host.name + "'");
    }
    if (node["groups"]) {
      host.groups = file.strings(node, "groups");
      // The first group listed wins: apply them last to first.
      for (auto group = host.groups.rbegin(); group != host.groups.rend(); ++group) {
        const auto it = groups.find(*group);
        if (it != groups.end()) {
          apply(file, it->second, host, given);
        } else if (root["groups"]) {
          // A typo in a group name must not silently drop its settings (become: sudo, say).
          file.fail(node["groups"], "host '" + host.name + "' names group '" + *group +
                                        "', which is not defined under groups:");
        }
      }
    }
    apply(file, node, host, given);
    host.address = node["address"] ? node["address"].as<std::string>() : host.name;
    apply_ssh_config(config, given, host);
    if (host.transport == "ssh" && host.address.empty()) {
      file.fail(node, "host '" + host.name + "' needs an address");
    }
    lines[host.name] = util::line_of(node);
    inventory.hosts.push_back(std::move(host));
  }
  add_discovered(file, {defaults, default_keys, groups}, inventory, read_cluster);
  for (auto& host : inventory.hosts) { // `via: node`: the node is the guest's jump host
    if (host.via == "node" && host.transport == "ssh" && !host.node.empty() && host.jump.empty()) {
      host.jump = host.node;
    }
  }
  resolve_jumps(inventory, defaults, file.name(), lines, config);
  resolve_pct_hosts(inventory, file.name(), lines);
  return inventory;
} catch (const YAML::Exception& e) {
  throw util::yaml_error(path, e);
}

Inventory local_inventory() {
  HostSpec host;
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  host.name = name[0] != '\0' ? name : "localhost";
  host.address = "local";
  host.transport = "local";
  host.user = current_user();
  return {"local", {host}};
}

} // namespace cisscan
