// Operators on how the probe ended rather than on its text: exit_code, exists.
#include "catalog/operator_rows.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace cisscan::ops {

void parse_exit_code(const yaml::Node& argument, Expectation& out, const util::YamlFile& file) {
  try {
    if (argument.IsSequence()) {
      for (const auto& item : argument) {
        out.integers.push_back(item.as<long long>());
      }
    } else {
      out.integers.push_back(argument.as<long long>());
    }
  } catch (const yaml::Exception&) {
    file.report(argument, "expected an exit code or a list of them");
    return;
  }
  if (out.integers.empty()) {
    file.report(argument, "expected an exit code or a list of them");
  }
}

void parse_bool(const yaml::Node& argument, Expectation& out, const util::YamlFile& file) {
  try {
    out.present = argument.as<bool>();
  } catch (const yaml::Exception&) {
    file.report(argument, "expected true or false");
  }
}

Verdict judge_exit_code(const Expectation& e, const ProbeView& probe) {
  std::vector<std::string> codes;
  for (const auto code : e.integers) {
    codes.push_back(std::to_string(code));
  }
  std::string expected = "exit code " + util::join(codes, " or ");
  if (probe.state != ProbeState::ok) {
    return unreadable(std::move(expected), probe);
  }
  const bool ok =
      std::find(e.integers.begin(), e.integers.end(), probe.exit_code) != e.integers.end();
  return {ok ? Outcome::pass : Outcome::fail, std::move(expected),
          "exit code " + std::to_string(probe.exit_code)};
}

Verdict judge_exists(const Expectation& e, const ProbeView& probe) {
  const bool want = e.present;
  std::string expected = want ? "present" : "absent";
  if (probe.state == ProbeState::absent) {
    return {want ? Outcome::fail : Outcome::pass, std::move(expected), "absent"};
  }
  if (probe.state == ProbeState::ok) {
    auto first = util::split_lines(probe.output);
    std::string observed = "present";
    if (!first.empty() && !util::trim(first.front()).empty()) {
      observed += ": " + clip(util::trim(first.front()));
    }
    return {want ? Outcome::pass : Outcome::fail, std::move(expected), std::move(observed)};
  }
  return unreadable(std::move(expected), probe);
}

} // namespace cisscan::ops
