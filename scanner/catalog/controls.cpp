#include "catalog/controls.hpp"

#include "util/error.hpp"
#include "util/yaml.hpp"

namespace cisscan {

ControlsCatalog ControlsCatalog::load(const std::filesystem::path& path) try {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw ConfigError(path.string() + ": cannot read the CIS Controls catalog");
  }
  const util::YamlFile file(path);
  const auto& root = file.root();
  if (!root.IsMap() || !root["safeguards"] || !root["safeguards"].IsSequence()) {
    throw ConfigError(file.name() + ":1: expected a 'safeguards' list");
  }
  const auto required = [&](const yaml::Node& node, const char* key) {
    if (!node[key] || !node[key].IsScalar()) {
      file.fail(node, std::string("expected '") + key + "'");
    }
    return node[key].as<std::string>();
  };
  ControlsCatalog catalog;
  catalog.m_version = root["version"] ? root["version"].as<std::string>() : "8";
  for (const auto& node : root["controls"]) {
    catalog.m_controls.push_back({required(node, "id"), required(node, "title")});
  }
  for (const auto& node : root["safeguards"]) {
    Safeguard s;
    s.id = required(node, "id");
    s.control = required(node, "control");
    s.title = required(node, "title");
    s.asset_type = node["asset_type"] ? node["asset_type"].as<std::string>() : "";
    s.function = node["function"] ? node["function"].as<std::string>() : "";
    for (const auto& ig : node["ig"]) {
      const int group = ig.as<int>();
      s.ig1 = s.ig1 || group == 1;
      s.ig2 = s.ig2 || group == 2;
      s.ig3 = s.ig3 || group == 3;
    }
    if (catalog.m_index.count(s.id) != 0) {
      file.fail(node, "duplicate safeguard " + s.id);
    }
    catalog.m_index[s.id] = catalog.m_safeguards.size();
    catalog.m_safeguards.push_back(std::move(s));
  }
  return catalog;
} catch (const yaml::Exception& e) {
  throw util::yaml_error(path, e);
}

const Safeguard* ControlsCatalog::find(std::string_view id) const {
  const auto it = m_index.find(id);
  return it == m_index.end() ? nullptr : &m_safeguards[it->second];
}

size_t ControlsCatalog::ig1_count() const {
  size_t n = 0;
  for (const auto& s : m_safeguards) {
    n += s.ig1 ? 1 : 0;
  }
  return n;
}

} // namespace cisscan
