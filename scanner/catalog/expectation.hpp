// An expectation tree: what a check expects of its probe, parsed once when the catalog loads.
// Each node points at its row of the operator table (catalog/operators.hpp) and holds that
// operator's argument, typed.
#pragma once

#include "util/regex.hpp"

#include <memory>
#include <string>
#include <vector>

namespace cisscan {

struct OperatorSpec;

// compare's relation between the value read and the value written.
enum class CompareOp { less, less_equal, equal, not_equal, greater_equal, greater };

struct Expectation {
  const OperatorSpec* op = nullptr; // never null in a loaded check
  int line = 0;
  std::vector<Expectation> children;        // all / any / none
  std::vector<std::string> values;          // equals, contains, owner, group
  std::shared_ptr<const util::Regex> regex; // line, no_line, compare
  CompareOp compare = CompareOp::equal;     // compare
  double number = 0;                        // compare's value
  unsigned mode = 0;                        // mode_at_most's mask
  bool present = true;                      // exists
  std::vector<long long> integers;          // exit_code
};

} // namespace cisscan
