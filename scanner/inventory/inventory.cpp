#include "inventory/inventory.hpp"

#include "inventory/host_entry.hpp"
#include "inventory/jumps.hpp"
#include "inventory/proxmox.hpp"
#include "inventory/sources.hpp"
#include "inventory/ssh_config.hpp"
#include "inventory/targets.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/json.hpp"
#include "util/text.hpp"
#include "util/yaml.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unistd.h>

namespace cisscan {

namespace {

// What the SSH configuration says for the host's address (as an alias), for what the inventory
// left unset.
void apply_ssh_config(const SshConfig& config, const std::set<std::string>& given,
                      HostEntry& host) {
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

// The sources' hosts (inventory/sources.hpp), then `exclude:`.
void add_sources(const util::YamlFile& file, const Settings& settings,
                 std::vector<HostEntry>& hosts, const ClusterReader& read_cluster) {
  const auto& root = file.root();
  for (const auto& source : inventory_sources()) {
    if (const auto node = root[std::string(source.key)]) {
      source.add({file, node, settings, read_cluster}, hosts);
    }
  }
  if (root["exclude"]) {
    apply_exclude(hosts, file.strings(root, "exclude"));
  }
}

// Each entry through its transport row's resolver (inventory/targets.hpp), after jump hosts,
// into the host the scan gets.
std::vector<HostSpec> resolve_targets(std::vector<HostEntry>& entries, const std::string& file,
                                      const std::map<std::string, int>& lines) {
  std::map<std::string, size_t> by_name;
  for (size_t i = 0; i < entries.size(); ++i) {
    by_name[entries[i].name] = i;
  }
  std::vector<Target> targets;
  std::set<std::string> serving;
  const auto find = [&](const std::string& name) -> const HostEntry* {
    const auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : &entries[it->second];
  };
  const auto serve_guests = [&](const std::string& name) { serving.insert(name); };
  for (auto& entry : entries) {
    const auto fail = [&](const std::string& what) {
      const auto line = lines.count(entry.name) != 0 ? lines.at(entry.name) : 1;
      throw ConfigError(file + ":" + std::to_string(line) + ": host '" + entry.name + "': " + what);
    };
    const TargetContext context{find, serve_guests, fail};
    targets.push_back(find_target(entry.transport)->resolve(entry, context));
  }
  std::vector<HostSpec> hosts;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (auto* ssh = std::get_if<SshTarget>(&targets[i])) {
      ssh->guest_node = serving.count(entries[i].name) != 0;
    }
    hosts.push_back(resolved(std::move(entries[i]), std::move(targets[i])));
  }
  return hosts;
}

// `groups:`: a group name mapped to its settings.
std::map<std::string, yaml::Node> read_groups(const util::YamlFile& file) {
  std::map<std::string, yaml::Node> groups;
  const auto& root = file.root();
  if (root["groups"]) {
    if (!root["groups"].IsMap()) {
      file.fail(root["groups"], "groups must map a group name to its settings");
    }
    for (const auto& item : root["groups"]) {
      file.check_keys(item.second, setting_keys(), "a group");
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
HostEntry read_defaults(const util::YamlFile& file, const std::string& identity,
                        std::set<std::string>& keys) {
  HostEntry defaults;
  defaults.user = current_user();
  if (!identity.empty()) {
    defaults.identity_file = identity;
    keys.insert("identity_file");
  }
  if (const auto& node = file.root()["defaults"]) {
    file.check_keys(node, setting_keys(), "defaults");
    apply_settings(file, node, defaults, keys);
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
  std::set<std::string> top_keys = {"defaults", "groups", "hosts", "exclude"};
  bool has_source = false;
  for (const auto& source : inventory_sources()) {
    top_keys.emplace(source.key);
    has_source = has_source || root[std::string(source.key)];
  }
  file.check_keys(root, top_keys, "the inventory");
  if (root["hosts"] ? !root["hosts"].IsSequence() : !has_source) {
    throw ConfigError(file.name() + ":1: expected a 'hosts:' list (or 'proxmox:' entry nodes)");
  }
  std::set<std::string> default_keys;
  const auto defaults = read_defaults(file, identity, default_keys);
  const auto groups = read_groups(file);
  std::vector<HostEntry> entries;
  std::set<std::string> names;
  std::map<std::string, int> lines;
  const auto hosts = root["hosts"] ? root["hosts"] : yaml::Node::sequence();
  for (const auto& node : hosts) {
    file.check_keys(node, host_entry_keys(), "a host");
    HostEntry host = defaults;
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
          apply_settings(file, it->second, host, given);
        } else if (root["groups"]) {
          // A typo in a group name must not silently drop its settings (become: sudo, say).
          file.fail(node["groups"], "host '" + host.name + "' names group '" + *group +
                                        "', which is not defined under groups:");
        }
      }
    }
    apply_settings(file, node, host, given);
    check_transport_keys(file, node, host);
    host.address = node["address"] ? node["address"].as<std::string>() : host.name;
    apply_ssh_config(config, given, host);
    lines[host.name] = util::line_of(node);
    entries.push_back(std::move(host));
  }
  add_sources(file, {defaults, default_keys, groups}, entries, read_cluster);
  resolve_jumps(entries, defaults, file.name(), lines, config);
  return {file.name(), resolve_targets(entries, file.name(), lines)};
} catch (const yaml::Exception& e) {
  throw util::yaml_error(path, e);
}

Inventory local_inventory() {
  HostSpec host;
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  host.name = name[0] != '\0' ? name : "localhost";
  host.transport = "local";
  host.target = LocalTarget{"local", current_user(), ""};
  return {"local", {host}};
}

} // namespace cisscan
