#include "inventory/host_entry.hpp"

#include "inventory/targets.hpp"
#include "util/text.hpp"

#include "util/yaml_node.hpp"

#include <algorithm>
#include <cctype>

namespace cisscan {

namespace {

// A path setting with its ${ENV} variables expanded (a CI file variable names the key file).
std::string path_setting(const util::YamlFile& file, const yaml::Node& value,
                         const std::string& key) {
  std::string expanded;
  std::string problem;
  if (!util::expand_env(value.as<std::string>(), expanded, problem)) {
    file.fail(value, key + ": " + problem);
  }
  return expanded;
}

int positive(const util::YamlFile& file, const yaml::Node& value, const std::string& what) {
  int number = 0;
  try {
    number = value.as<int>();
  } catch (const yaml::Exception&) {
    file.fail(value, what + " must be a number");
  }
  if (number < 1) {
    file.fail(value, what + " must be at least 1");
  }
  return number;
}

// "ssh, local, pct or qga": the transport table's names.
std::string transport_names() {
  const auto rules = target_rules();
  std::string names;
  for (size_t i = 0; i < rules.size(); ++i) {
    names += (i == 0 ? "" : i + 1 == rules.size() ? " or " : ", ") + std::string(rules[i]->name);
  }
  return names;
}

} // namespace

const std::set<std::string>& host_entry_keys() {
  static const auto k_keys = [] {
    std::set<std::string> keys(std::begin(k_common_host_keys), std::end(k_common_host_keys));
    for (const auto* rules : target_rules()) {
      keys.insert(rules->keys.begin(), rules->keys.end());
    }
    return keys;
  }();
  return k_keys;
}

const std::set<std::string>& setting_keys() {
  static const std::set<std::string> k_keys = {
      "port",      "user", "identity_file", "known_hosts",     "become", "roles",
      "transport", "jump", "node",          "pct_concurrency", "via"};
  return k_keys;
}

// Applies the settings present in `node` over `host`, noting each key in `given`.
void apply_settings(const util::YamlFile& file, const yaml::Node& node, HostEntry& host,
                    std::set<std::string>& given) {
  for (const auto& item : node) {
    const auto key = item.first.as<std::string>();
    const auto& value = item.second;
    given.insert(key);
    if (key == "port") {
      try {
        host.port = value.as<int>();
      } catch (const yaml::Exception&) {
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
      if (find_target(host.transport) == nullptr) {
        file.fail(value, "transport must be " + transport_names());
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

void check_transport_keys(const util::YamlFile& file, const yaml::Node& node,
                          const HostEntry& host) {
  const auto* rules = find_target(host.transport);
  for (const auto& item : node) {
    const auto key = item.first.as<std::string>();
    const auto common = std::find(std::begin(k_common_host_keys), std::end(k_common_host_keys),
                                  key) != std::end(k_common_host_keys);
    if (!common && std::find(rules->keys.begin(), rules->keys.end(), key) == rules->keys.end()) {
      file.fail(item.first,
                "host '" + host.name + "': transport " + host.transport + " does not take '" + key +
                    "'" + (rules->refusal.empty() ? "" : " (" + std::string(rules->refusal) + ")"));
    }
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

} // namespace cisscan
