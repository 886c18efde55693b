// Reading YAML input files with problems that name the file and line: either the first one
// throws (ConfigError), or every one is collected (what a linter wants).
#pragma once

#include "util/error.hpp"

#include "util/yaml_node.hpp"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace cisscan::util {

// One problem in an input file: "file:line: subject: message" (no subject: "file:line: message").
struct Diagnostic {
  std::string file;
  int line = 0;
  std::string subject; // what the problem is in, e.g. a check's id; may be empty
  std::string message;
  std::string to_string() const;
};

class YamlFile {
public:
  // throw_first: the first problem throws ConfigError; collect: every problem is kept in
  // diagnostics() and the helpers return what they could read.
  enum class Mode { throw_first, collect };

  // Reads and parses the file: "file: cannot read" or "file:line: malformed YAML: ..." is its
  // first problem (collecting, root() is then null and parsed() false).
  explicit YamlFile(const std::filesystem::path& path, Mode mode = Mode::throw_first);
  // The same for text already in memory; `name` is the file problems name.
  static YamlFile from_text(std::string name, std::string text, Mode mode);

  const yaml::Node& root() const { return m_root; }
  const std::string& name() const { return m_name; }
  const std::string& text() const { return m_text; }
  bool parsed() const { return m_parsed; }

  // A problem at `node` (or a 1-based line): thrown or collected, by the mode.
  void report(const yaml::Node& node, const std::string& what) const;
  void report(int line, const std::string& what) const;
  // A problem that ends the read in either mode: throws ConfigError "file:line: what".
  [[noreturn]] void fail(const yaml::Node& node, const std::string& what) const;
  // Runs `step`; a conversion error in it (a list where a number belongs, ...) is reported as
  // "expected ..." at its line. False when it was.
  template <typename Step> bool guard(Step&& step) const {
    try {
      step();
      return true;
    } catch (const yaml::Exception& e) {
      report_yaml_error(e);
      return false;
    }
  }
  // The subject of the problems reported from now on ("" for the file itself).
  void set_subject(std::string subject) const { m_subject = std::move(subject); }
  const std::vector<Diagnostic>& diagnostics() const { return m_diagnostics; }
  // How many problems were collected so far: a part read cleanly when this did not grow.
  size_t problems() const { return m_diagnostics.size(); }

  // Every key of `map` is one of `allowed`, else a problem for each other key naming it and
  // what was expected; false when there was one.
  bool check_keys(const yaml::Node& map, const std::set<std::string>& allowed,
                  const std::string& where) const;
  std::string string(const yaml::Node& map, const char* key, bool required = true) const;
  std::vector<std::string> strings(const yaml::Node& map, const char* key) const;
  int integer(const yaml::Node& map, const char* key, int low, int high) const;
  // A YYYY-MM-DD date, returned as written.
  std::string date(const yaml::Node& map, const char* key, bool required = true) const;

private:
  YamlFile(std::string name, Mode mode) : m_name(std::move(name)), m_mode(mode) {}
  void parse();
  void report_yaml_error(const yaml::Exception& error) const;

  std::string m_name;
  Mode m_mode;
  std::string m_text;
  yaml::Node m_root;
  bool m_parsed = false;
  // A reader's log: collecting a problem does not change what was read.
  mutable std::string m_subject;
  mutable std::vector<Diagnostic> m_diagnostics;
};

int line_of(const yaml::Node& node);
// A node's content in one canonical form, for its digest: the same for the same values whatever
// the layout, quoting style or comments of the text (a quoted scalar differs from a plain one).
std::string canonical_text(const yaml::Node& node);
// What a conversion error means to whoever wrote the file: "expected a whole number", "expected
// one value, not a list or mapping", ... (a list where a scalar belongs, text for a number).
std::string expected_of(const yaml::Exception& error);
// "FILE:LINE: expected ..." for a conversion error that escaped a loader: every loader ends with
// `catch (const yaml::Exception& e) { throw util::yaml_error(path, e); }`.
ConfigError yaml_error(const std::filesystem::path& path, const yaml::Exception& error);
// "2026-11-25" of now, UTC.
std::string today();

} // namespace cisscan::util
