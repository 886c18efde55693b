// The functions behind the operator table's rows (operators.cpp), grouped by the file that holds
// them, and the helpers they share. Only operators*.cpp include this.
#pragma once

#include "catalog/operators.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan::ops {

// --- shared (operators.cpp) ---
// At most 400 bytes of a host's text, for a verdict.
std::string clip(std::string_view text);
// The verdict of an operator that cannot see the output: why, from the probe's state.
Verdict unreadable(std::string expected, const ProbeView& probe);
inline bool readable(const ProbeView& probe) {
  return probe.state == ProbeState::ok;
}
// A string or a non-empty list of strings; problems reported.
std::vector<std::string> string_list(const yaml::Node& node, const util::YamlFile& file);
// A compiled regular expression; null, with a problem reported, when it does not compile.
std::shared_ptr<const util::Regex> compile(const yaml::Node& node, const util::YamlFile& file);
void parse_strings(const yaml::Node& argument, Expectation& out, const util::YamlFile& file);

// --- operators_text.cpp: the output as lines ---
void parse_regex(const yaml::Node& argument, Expectation& out, const util::YamlFile& file);
void parse_compare(const yaml::Node& argument, Expectation& out, const util::YamlFile& file);
Verdict judge_line(const Expectation& e, const ProbeView& probe);
Verdict judge_no_line(const Expectation& e, const ProbeView& probe);
Verdict judge_equals(const Expectation& e, const ProbeView& probe);
Verdict judge_contains(const Expectation& e, const ProbeView& probe);
Verdict judge_compare(const Expectation& e, const ProbeView& probe);

// --- operators_stat.cpp: a stat probe's fields ---
void parse_mode(const yaml::Node& argument, Expectation& out, const util::YamlFile& file);
Verdict judge_mode_at_most(const Expectation& e, const ProbeView& probe);
Verdict judge_owner(const Expectation& e, const ProbeView& probe);
Verdict judge_group(const Expectation& e, const ProbeView& probe);

// --- operators_state.cpp: the exit code and the probe's state ---
void parse_exit_code(const yaml::Node& argument, Expectation& out, const util::YamlFile& file);
void parse_bool(const yaml::Node& argument, Expectation& out, const util::YamlFile& file);
Verdict judge_exit_code(const Expectation& e, const ProbeView& probe);
Verdict judge_exists(const Expectation& e, const ProbeView& probe);

// --- operators_logic.cpp: all / any / none ---
void parse_children(const yaml::Node& argument, Expectation& out, const util::YamlFile& file);
Verdict combine_all(const std::vector<Verdict>& parts);
Verdict combine_any(const std::vector<Verdict>& parts);
Verdict combine_none(const std::vector<Verdict>& parts);

} // namespace cisscan::ops
