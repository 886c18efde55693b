#include "util/yaml.hpp"

#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <ctime>

namespace cisscan::util {

int line_of(const YAML::Node& node) {
  // A node with no place in the text (an empty document) is on line 1.
  return std::max(node.Mark().line, 0) + 1;
}

std::string expected_of(const YAML::Exception& error) {
  if (dynamic_cast<const YAML::TypedBadConversion<std::string>*>(&error) != nullptr) {
    return "expected one value, not a list or mapping";
  }
  if (dynamic_cast<const YAML::TypedBadConversion<int>*>(&error) != nullptr ||
      dynamic_cast<const YAML::TypedBadConversion<long long>*>(&error) != nullptr) {
    return "expected a whole number";
  }
  if (dynamic_cast<const YAML::TypedBadConversion<double>*>(&error) != nullptr) {
    return "expected a number";
  }
  if (dynamic_cast<const YAML::TypedBadConversion<bool>*>(&error) != nullptr) {
    return "expected true or false";
  }
  return "expected something else here (" + error.msg + ")";
}

ConfigError yaml_error(const std::filesystem::path& path, const YAML::Exception& error) {
  const auto line =
      error.mark.is_null() ? std::string() : ":" + std::to_string(error.mark.line + 1);
  return ConfigError(path.string() + line + ": " + expected_of(error));
}

std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d", &tm);
  return buffer;
}

YamlFile::YamlFile(const std::filesystem::path& path) : m_name(path.string()) {
  m_text = read_file(path);
  try {
    m_root = YAML::Load(m_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(m_name + ":" + std::to_string(e.mark.line + 1) +
                      ": malformed YAML: " + e.msg);
  }
}

void YamlFile::fail(const YAML::Node& node, const std::string& what) const {
  throw ConfigError(m_name + ":" + std::to_string(line_of(node)) + ": " + what);
}

void YamlFile::check_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                          const std::string& where) const {
  if (!map.IsMap()) {
    fail(map, "expected a mapping for " + where);
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

std::string YamlFile::string(const YAML::Node& map, const char* key, bool required) const {
  const auto value = map[key];
  if (!value) {
    if (required) {
      fail(map, std::string("missing '") + key + "'");
    }
    return {};
  }
  if (!value.IsScalar()) {
    fail(value, std::string("'") + key + "' must be a string");
  }
  return value.as<std::string>();
}

std::vector<std::string> YamlFile::strings(const YAML::Node& map, const char* key) const {
  std::vector<std::string> out;
  const auto value = map[key];
  if (!value) {
    return out;
  }
  if (value.IsScalar()) {
    out.push_back(value.as<std::string>());
    return out;
  }
  if (!value.IsSequence()) {
    fail(value, std::string("'") + key + "' must be a list of strings");
  }
  for (const auto& item : value) {
    if (!item.IsScalar()) {
      fail(item, std::string("'") + key + "' must be a list of strings");
    }
    out.push_back(item.as<std::string>());
  }
  return out;
}

int YamlFile::integer(const YAML::Node& map, const char* key, int low, int high) const {
  const auto value = map[key];
  if (!value) {
    fail(map, std::string("missing '") + key + "'");
  }
  int number = 0;
  try {
    number = value.as<int>();
  } catch (const YAML::Exception&) {
    fail(value, std::string("'") + key + "' must be a whole number");
  }
  if (number < low || number > high) {
    fail(value,
         std::string("'") + key + "' must be " + std::to_string(low) + ".." + std::to_string(high));
  }
  return number;
}

std::string YamlFile::date(const YAML::Node& map, const char* key, bool required) const {
  const auto text = string(map, key, required);
  if (!text.empty() && !is_date(text)) {
    fail(map[key], std::string("'") + key + "' must be a date YYYY-MM-DD, not '" + text + "'");
  }
  return text;
}

} // namespace cisscan::util
