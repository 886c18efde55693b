#include "evaluate/operators.hpp"

#include <algorithm>

namespace cisscan {

Verdict evaluate_expectation(const Expectation& expectation, const ProbeView& probe) {
  const auto& op = *expectation.op;
  if (op.combine == nullptr) {
    return op.judge(expectation, probe);
  }
  std::vector<Verdict> parts;
  parts.reserve(expectation.children.size());
  for (const auto& child : expectation.children) {
    parts.push_back(evaluate_expectation(child, probe));
  }
  return op.combine(parts);
}

bool reads_output(const Expectation& expectation) {
  if (expectation.op->combine == nullptr) {
    return expectation.op->reads_output;
  }
  return std::any_of(expectation.children.begin(), expectation.children.end(),
                     [](const Expectation& child) { return reads_output(child); });
}

bool reads_exit_code(const Expectation& expectation) {
  return expectation.op->reads_exit_code ||
         std::any_of(expectation.children.begin(), expectation.children.end(),
                     [](const Expectation& child) { return reads_exit_code(child); });
}

} // namespace cisscan
