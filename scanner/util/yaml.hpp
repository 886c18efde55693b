// Reading YAML input files with errors that name the file and line (ConfigError).
#pragma once

#include "util/error.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace cisscan::util {

class YamlFile {
public:
  // Throws ConfigError "file: cannot read" or "file:line: malformed YAML: ...".
  explicit YamlFile(const std::filesystem::path& path);

  const YAML::Node& root() const { return m_root; }
  const std::string& name() const { return m_name; }
  const std::string& text() const { return m_text; }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const;
  // Every key of `map` is one of `allowed`, else fail naming the key and what was expected.
  void check_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                  const std::string& where) const;
  std::string string(const YAML::Node& map, const char* key, bool required = true) const;
  std::vector<std::string> strings(const YAML::Node& map, const char* key) const;
  int integer(const YAML::Node& map, const char* key, int low, int high) const;
  // A YYYY-MM-DD date, returned as written.
  std::string date(const YAML::Node& map, const char* key, bool required = true) const;

private:
  std::string m_name;
  std::string m_text;
  YAML::Node m_root;
};

int line_of(const YAML::Node& node);
// What a yaml-cpp error means to whoever wrote the file: "expected a whole number", "expected
// one value, not a list or mapping", ... (a list where a scalar belongs, text for a number).
std::string expected_of(const YAML::Exception& error);
// "FILE:LINE: expected ..." for a yaml-cpp error that escaped a loader: every loader ends with
// `catch (const YAML::Exception& e) { throw util::yaml_error(path, e); }`.
ConfigError yaml_error(const std::filesystem::path& path, const YAML::Exception& error);
// "2026-11-25" of now, UTC.
std::string today();

} // namespace cisscan::util
