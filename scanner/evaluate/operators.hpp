// The operator table: every expectation operator, how it reads its YAML argument and how it judges
// a probe's output. all / any / none combine other operators.
#pragma once

#include "catalog/check.hpp"

#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

// What a probe gave, as an operator sees it.
enum class ProbeState { ok, absent, denied, error, timeout, not_run };

struct ProbeView {
  ProbeState state = ProbeState::not_run;
  int exit_code = -1;
  std::string_view output;
};

// Three-valued: `unreadable` means the operator could not see what it needs; never a pass.
enum class Outcome { pass, fail, unreadable };

struct Verdict {
  Outcome outcome = Outcome::fail;
  std::string expected;
  std::string observed;
};

// Raised while parsing an expectation; `line` is 1-based in the YAML file.
class ExpectationError : public std::runtime_error {
public:
  ExpectationError(int line, const std::string& message)
      : std::runtime_error(message), m_line(line) {}
  int line() const { return m_line; }

private:
  int m_line;
};

struct OperatorSpec {
  std::string_view name;
  std::string_view summary;
  void (*parse)(const YAML::Node& argument, Expectation& out);
  Verdict (*evaluate)(const Expectation& expectation, const ProbeView& probe);
  std::vector<std::string_view> probe_types; // empty: any probe type
};

const std::vector<OperatorSpec>& operator_table();
const OperatorSpec* find_operator(std::string_view name);

// Parses a one-key mapping {op: argument}; checks the operator fits the probe type.
Expectation parse_expectation(const YAML::Node& node, std::string_view probe_type);
Verdict evaluate_expectation(const Expectation& expectation, const ProbeView& probe);
// True when some node of the tree is `op`.
bool uses_operator(const Expectation& expectation, std::string_view op);

} // namespace cisscan
