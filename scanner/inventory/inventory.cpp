#include "inventory/inventory.hpp"

#include "util/error.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <unistd.h>

namespace cisscan {

namespace {

const std::set<std::string> k_host_keys = {"name",  "address", "port",   "user",      "identity_file",
                                           "become", "roles",  "groups", "transport"};
const std::set<std::string> k_setting_keys = {"port",   "user",  "identity_file",
                                              "become", "roles", "transport"};

class Reader {
public:
  explicit Reader(std::string file) : m_file(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    throw ConfigError(m_file + ":" + std::to_string(node.Mark().line + 1) + ": " + what);
  }

  void check_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                  const char* where) const {
    if (!map.IsMap()) {
      fail(map, std::string("expected a mapping for ") + where);
    }
    for (const auto& item : map) {
      const auto key = item.first.as<std::string>();
      if (allowed.count(key) == 0) {
        std::string expected;
        for (const auto& k : allowed) {
          expected += expected.empty() ? k : ", " + k;
        }
        fail(item.first,
             "unknown key '" + key + "' in " + where + " (expected one of " + expected + ")");
      }
    }
  }

  std::vector<std::string> strings(const YAML::Node& node) const {
    std::vector<std::string> out;
    if (node.IsScalar()) {
      out.push_back(node.as<std::string>());
    } else if (node.IsSequence()) {
      for (const auto& item : node) {
        out.push_back(item.as<std::string>());
      }
    } else {
      fail(node, "expected a list of strings");
    }
    return out;
  }

  // Applies the settings present in `node` over `host`.
  void apply(const YAML::Node& node, HostSpec& host) const {
    for (const auto& item : node) {
      const auto key = item.first.as<std::string>();
      const auto& value = item.second;
      if (key == "port") {
        try {
          host.port = value.as<int>();
        } catch (const YAML::Exception&) {
          fail(value, "port must be a number");
        }
        if (host.port < 1 || host.port > 65535) {
          fail(value, "port must be 1..65535");
        }
      } else if (key == "user") {
        host.user = value.as<std::string>();
      } else if (key == "identity_file") {
        host.identity_file = value.as<std::string>();
      } else if (key == "become") {
        host.become = value.as<std::string>();
        if (host.become == "false" || host.become == "none") {
          host.become.clear();
        } else if (host.become != "sudo") {
          fail(value, "become must be sudo (or none)");
        }
      } else if (key == "roles") {
        for (const auto& role : strings(value)) {
          host.roles.push_back(role);
        }
      } else if (key == "transport") {
        host.transport = value.as<std::string>();
        if (host.transport != "ssh" && host.transport != "local") {
          fail(value, "transport must be ssh or local");
        }
      }
    }
  }

private:
  std::string m_file;
};

std::string current_user() {
  const char* user = std::getenv("USER");
  return user != nullptr ? user : "root";
}

} // namespace

Inventory load_inventory(const std::filesystem::path& path) {
  const auto file = path.string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw ConfigError(file + ": cannot read the inventory file");
  } catch (const YAML::Exception& e) {
    throw ConfigError(file + ":" + std::to_string(e.mark.line + 1) + ": malformed YAML: " + e.msg);
  }
  const Reader reader(file);
  if (!root.IsMap()) {
    throw ConfigError(file + ":1: expected a mapping with 'hosts:'");
  }
  reader.check_keys(root, {"defaults", "groups", "hosts"}, "the inventory");
  if (!root["hosts"] || !root["hosts"].IsSequence()) {
    throw ConfigError(file + ":1: expected a 'hosts:' list");
  }
  HostSpec defaults;
  defaults.user = current_user();
  if (root["defaults"]) {
    reader.check_keys(root["defaults"], k_setting_keys, "defaults");
    reader.apply(root["defaults"], defaults);
  }
  std::map<std::string, YAML::Node> groups;
  if (root["groups"]) {
    if (!root["groups"].IsMap()) {
      reader.fail(root["groups"], "groups must map a group name to its settings");
    }
    for (const auto& item : root["groups"]) {
      reader.check_keys(item.second, k_setting_keys, "a group");
      groups[item.first.as<std::string>()] = item.second;
    }
  }
  Inventory inventory;
  inventory.source = file;
  std::set<std::string> names;
  for (const auto& node : root["hosts"]) {
    reader.check_keys(node, k_host_keys, "a host");
    if (!node["name"]) {
      reader.fail(node, "a host needs a 'name'");
    }
    HostSpec host = defaults;
    host.name = node["name"].as<std::string>();
    if (!names.insert(host.name).second) {
      reader.fail(node, "duplicate host name '" + host.name + "'");
    }
    if (node["groups"]) {
      host.groups = reader.strings(node["groups"]);
      // The first group listed wins: apply them last to first.
      for (auto group = host.groups.rbegin(); group != host.groups.rend(); ++group) {
        const auto it = groups.find(*group);
        if (it != groups.end()) {
          reader.apply(it->second, host);
        } else if (root["groups"]) {
          // A typo in a group name must not silently drop its settings (become: sudo, say).
          reader.fail(node["groups"], "host '" + host.name + "' names group '" + *group +
                                          "', which is not defined under groups:");
        }
      }
    }
    reader.apply(node, host);
    host.address = node["address"] ? node["address"].as<std::string>() : host.name;
    if (host.transport == "ssh" && host.address.empty()) {
      reader.fail(node, "host '" + host.name + "' needs an address");
    }
    inventory.hosts.push_back(std::move(host));
  }
  return inventory;
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
