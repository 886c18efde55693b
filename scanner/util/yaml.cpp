#include "util/yaml.hpp"

#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <ctime>

namespace cisscan::util {

int line_of(const yaml::Node& node) {
  // A node with no place in the text (an empty document) is on line 1.
  return std::max(node.mark().line, 0) + 1;
}

namespace {

void append_canonical(const yaml::Node& node, std::string& out) {
  switch (node.Type()) {
  case yaml::NodeType::Scalar:
    // Tagged (quoted or plain), then length-prefixed: no value can fake a boundary.
    out += node.quoted() ? 'q' : 's';
    out += std::to_string(node.Scalar().size());
    out += ':';
    out += node.Scalar();
    break;
  case yaml::NodeType::Sequence:
    out += '[';
    for (const auto& item : node) {
      append_canonical(item, out);
    }
    out += ']';
    break;
  case yaml::NodeType::Map:
    out += '{';
    for (const auto& item : node) {
      append_canonical(item.first, out);
      append_canonical(item.second, out);
    }
    out += '}';
    break;
  default:
    out += '~'; // null or undefined
  }
}

} // namespace

std::string canonical_text(const yaml::Node& node) {
  std::string out;
  append_canonical(node, out);
  return out;
}

std::string expected_of(const yaml::Exception& error) {
  using Kind = yaml::Exception::Kind;
  switch (error.kind) {
  case Kind::not_scalar:
    return "expected one value, not a list or mapping";
  case Kind::not_integer:
    return "expected a whole number";
  case Kind::not_number:
    return "expected a number";
  case Kind::not_bool:
    return "expected true or false";
  default:
    return "expected something else here (" + error.msg + ")";
  }
}

ConfigError yaml_error(const std::filesystem::path& path, const yaml::Exception& error) {
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

std::string Diagnostic::to_string() const {
  std::string out = file + ":" + std::to_string(line) + ": ";
  if (!subject.empty()) {
    out += subject + ": ";
  }
  return out + message;
}

YamlFile::YamlFile(const std::filesystem::path& path, Mode mode)
    : m_name(path.string()), m_mode(mode) {
  try {
    m_text = read_file(path);
  } catch (const ConfigError& e) {
    if (m_mode == Mode::throw_first) {
      throw;
    }
    m_diagnostics.push_back({m_name, 0, "", e.what()});
    return;
  }
  parse();
}

YamlFile YamlFile::from_text(std::string name, std::string text, Mode mode) {
  YamlFile file(std::move(name), mode);
  file.m_text = std::move(text);
  file.parse();
  return file;
}

void YamlFile::parse() {
  try {
    m_root = yaml::load(m_text);
    m_parsed = true;
  } catch (const yaml::Exception& e) {
    report(e.mark.line + 1, "malformed YAML: " + e.msg);
  }
}

void YamlFile::report(const yaml::Node& node, const std::string& what) const {
  report(line_of(node), what);
}

void YamlFile::report(int line, const std::string& what) const {
  Diagnostic diagnostic{m_name, line, m_subject, what};
  if (m_mode == Mode::throw_first) {
    throw ConfigError(diagnostic.to_string());
  }
  m_diagnostics.push_back(std::move(diagnostic));
}

void YamlFile::report_yaml_error(const yaml::Exception& error) const {
  report(error.mark.is_null() ? 0 : error.mark.line + 1, expected_of(error));
}

void YamlFile::fail(const yaml::Node& node, const std::string& what) const {
  throw ConfigError(Diagnostic{m_name, line_of(node), m_subject, what}.to_string());
}

bool YamlFile::check_keys(const yaml::Node& map, const std::set<std::string>& allowed,
                          const std::string& where) const {
  if (!map.IsMap()) {
    report(map, "expected a mapping for " + where);
    return false;
  }
  bool clean = true;
  for (const auto& item : map) {
    const auto key = item.first.as<std::string>();
    if (allowed.count(key) == 0) {
      std::string expected;
      for (const auto& k : allowed) {
        expected += expected.empty() ? k : ", " + k;
      }
      report(item.first,
             "unknown key '" + key + "' in " + where + " (expected one of " + expected + ")");
      clean = false;
    }
  }
  return clean;
}

std::string YamlFile::string(const yaml::Node& map, const char* key, bool required) const {
  const auto value = map[key];
  if (!value) {
    if (required) {
      report(map, std::string("missing '") + key + "'");
    }
    return {};
  }
  if (!value.IsScalar()) {
    report(value, std::string("'") + key + "' must be a string");
    return {};
  }
  return value.as<std::string>();
}

std::vector<std::string> YamlFile::strings(const yaml::Node& map, const char* key) const {
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
    report(value, std::string("'") + key + "' must be a list of strings");
    return out;
  }
  for (const auto& item : value) {
    if (!item.IsScalar()) {
      report(item, std::string("'") + key + "' must be a list of strings");
      return out;
    }
    out.push_back(item.as<std::string>());
  }
  return out;
}

int YamlFile::integer(const yaml::Node& map, const char* key, int low, int high) const {
  const auto value = map[key];
  if (!value) {
    report(map, std::string("missing '") + key + "'");
    return low;
  }
  int number = 0;
  try {
    number = value.as<int>();
  } catch (const yaml::Exception&) {
    report(value, std::string("'") + key + "' must be a whole number");
    return low;
  }
  if (number < low || number > high) {
    report(value, std::string("'") + key + "' must be " + std::to_string(low) + ".." +
                      std::to_string(high));
  }
  return number;
}

std::string YamlFile::date(const yaml::Node& map, const char* key, bool required) const {
  const auto text = string(map, key, required);
  if (!text.empty() && !is_date(text)) {
    report(map[key], std::string("'") + key + "' must be a date YYYY-MM-DD, not '" + text + "'");
  }
  return text;
}

} // namespace cisscan::util
