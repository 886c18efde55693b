// The operator table: every expectation operator, how it reads its YAML argument when the
// catalog loads, and how it judges a probe's output. all / any / none combine other operators.
#pragma once

#include "catalog/expectation.hpp"
#include "catalog/probe_view.hpp"
#include "util/yaml.hpp"

#include <string_view>
#include <vector>

namespace cisscan {

struct OperatorSpec {
  std::string_view name;
  std::string_view summary;
  // Reads the argument into `out`, reporting every problem to `file`.
  void (*parse)(const yaml::Node& argument, Expectation& out, const util::YamlFile& file);
  // Judges a probe (a leaf); null for a combinator.
  Verdict (*judge)(const Expectation& node, const ProbeView& probe);
  // Joins the verdicts of the children (all / any / none); null for a leaf.
  Verdict (*combine)(const std::vector<Verdict>& parts);
  std::vector<std::string_view> probe_types; // empty: any probe type
  bool reads_output;    // judges the output's text (exists and exit_code do not)
  bool reads_exit_code; // judges a command's exit code, so a non-zero exit is not an error
  // Compares the whole output with each value: a value of fewer lines than every output of the
  // probe type has (ProbeType::lines_at_least) could never hold, and is refused.
  bool whole_output;
};

const std::vector<OperatorSpec>& operator_table();
const OperatorSpec* find_operator(std::string_view name);

// Parses a one-key mapping {op: argument} into a tree of operator rows, reporting every problem
// to `file`; checks that each operator fits the probe type (an empty type: not checked). A tree
// read with problems is incomplete: only one read cleanly is for evaluation.
Expectation parse_expectation(const yaml::Node& node, std::string_view probe_type,
                              const util::YamlFile& file);

} // namespace cisscan
