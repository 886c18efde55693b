#include "catalog/operators.hpp"

#include "catalog/operator_rows.hpp"
#include "catalog/probe_types.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <stdexcept>

namespace cisscan {

namespace ops {

namespace {

constexpr size_t k_observed_limit = 400;

} // namespace

std::string clip(std::string_view text) {
  if (text.size() <= k_observed_limit) {
    return std::string(text);
  }
  return std::string(text.substr(0, k_observed_limit)) + "…";
}

Verdict unreadable(std::string expected, const ProbeView& probe) {
  std::string observed;
  switch (probe.state) {
  case ProbeState::absent:
    observed = "does not exist";
    break;
  case ProbeState::denied:
    observed = "permission denied";
    break;
  case ProbeState::timeout:
    observed = "timed out";
    break;
  case ProbeState::not_run:
    observed = "not run";
    break;
  default:
    observed = "probe failed (exit " + std::to_string(probe.exit_code) + ")";
  }
  return {Outcome::unreadable, std::move(expected), std::move(observed)};
}

std::vector<std::string> string_list(const yaml::Node& node, const util::YamlFile& file) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.as<std::string>());
  } else if (node.IsSequence() && node.size() > 0) {
    for (const auto& item : node) {
      if (!item.IsScalar()) {
        file.report(item, "expected a string");
        continue;
      }
      out.push_back(item.as<std::string>());
    }
  } else {
    file.report(node, "expected a string or a list of strings");
  }
  return out;
}

std::shared_ptr<const util::Regex> compile(const yaml::Node& node, const util::YamlFile& file) {
  if (!node.IsScalar()) {
    file.report(node, "expected a regular expression");
    return nullptr;
  }
  try {
    return std::make_shared<const util::Regex>(node.as<std::string>());
  } catch (const std::invalid_argument& e) {
    file.report(node, "regular expression does not compile: " + std::string(e.what()));
    return nullptr;
  }
}

void parse_strings(const yaml::Node& argument, Expectation& out, const util::YamlFile& file) {
  out.values = string_list(argument, file);
}

} // namespace ops

namespace {

using namespace ops;

// To add an operator: its parse and judge (or combine) functions in an operators_*.cpp file,
// declared in operator_rows.hpp, and one row here.
const std::vector<OperatorSpec> k_operators = {
    {"line",
     "some line matches the regular expression",
     parse_regex,
     judge_line,
     nullptr,
     {},
     true,
     false,
     false},
    {"no_line",
     "no line matches the regular expression",
     parse_regex,
     judge_no_line,
     nullptr,
     {},
     true,
     false,
     false},
    {"equals",
     "the whole output, trimmed, equals one of the values",
     parse_strings,
     judge_equals,
     nullptr,
     {},
     true,
     false,
     true},
    {"contains",
     "the output contains every value",
     parse_strings,
     judge_contains,
     nullptr,
     {},
     true,
     false,
     false},
    {"compare",
     "the first capture of the first matching line compares with a number",
     parse_compare,
     judge_compare,
     nullptr,
     {},
     true,
     false,
     false},
    {"mode_at_most",
     "the mode grants no permission beyond the given octal mode",
     parse_mode,
     judge_mode_at_most,
     nullptr,
     {"stat"},
     true,
     false,
     false},
    {"owner",
     "the owning user is one of the names",
     parse_strings,
     judge_owner,
     nullptr,
     {"stat"},
     true,
     false,
     false},
    {"group",
     "the owning group is one of the names",
     parse_strings,
     judge_group,
     nullptr,
     {"stat"},
     true,
     false,
     false},
    {"exit_code",
     "the command's exit code is one of the values",
     parse_exit_code,
     judge_exit_code,
     nullptr,
     {"command"},
     false,
     true,
     false},
    {"exists",
     "the file, key, package or unit exists (true) or does not (false)",
     parse_bool,
     judge_exists,
     nullptr,
     {"file", "stat", "sysctl", "package", "service", "mount"},
     false,
     false,
     false},
    {"all",
     "every listed expectation holds",
     parse_children,
     nullptr,
     combine_all,
     {},
     false,
     false,
     false},
    {"any",
     "at least one listed expectation holds",
     parse_children,
     nullptr,
     combine_any,
     {},
     false,
     false,
     false},
    {"none",
     "no listed expectation holds",
     parse_children,
     nullptr,
     combine_none,
     {},
     false,
     false,
     false},
};

// Lines in a text, as judge_equals sees a trimmed output: one more than its newlines.
size_t lines_in(std::string_view text) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string operator_names() {
  std::vector<std::string> names;
  for (const auto& spec : k_operators) {
    names.emplace_back(spec.name);
  }
  return util::join(names, ", ");
}

} // namespace

const std::vector<OperatorSpec>& operator_table() {
  return k_operators;
}

const OperatorSpec* find_operator(std::string_view name) {
  for (const auto& spec : k_operators) {
    if (spec.name == name) {
      return &spec;
    }
  }
  return nullptr;
}

Expectation parse_expectation(const yaml::Node& node, std::string_view probe_type,
                              const util::YamlFile& file) {
  Expectation out;
  out.line = util::line_of(node);
  if (!node.IsMap() || node.size() != 1) {
    file.report(node, "expected one operator, e.g. {line: REGEX}");
    return out;
  }
  const auto item = *node.begin();
  const auto name = item.first.as<std::string>();
  out.line = util::line_of(item.first);
  const auto* spec = find_operator(name);
  if (spec == nullptr) {
    file.report(item.first,
                "unknown operator '" + name + "' (expected one of " + operator_names() + ")");
    return out;
  }
  if (!probe_type.empty() && !spec->probe_types.empty() &&
      std::find(spec->probe_types.begin(), spec->probe_types.end(), probe_type) ==
          spec->probe_types.end()) {
    file.report(item.first, "operator '" + name + "' does not apply to a " +
                                std::string(probe_type) + " probe");
  }
  out.op = spec;
  spec->parse(item.second, out, file);
  if (const auto* type = find_probe_type(probe_type);
      spec->whole_output && type != nullptr && type->lines_at_least > 1) {
    for (const auto& value : out.values) {
      if (const auto trimmed = util::trim(value); lines_in(trimmed) < type->lines_at_least) {
        file.report(item.first, "operator '" + name + "' compares the whole output, which for a " +
                                    std::string(probe_type) + " probe has at least " +
                                    std::to_string(type->lines_at_least) + " lines: '" +
                                    std::string(trimmed) +
                                    "' never equals it (compare one line with line: REGEX)");
        break;
      }
    }
  }
  if (spec->combine != nullptr && item.second.IsSequence()) {
    for (const auto& child : item.second) {
      out.children.push_back(parse_expectation(child, probe_type, file));
    }
  }
  return out;
}

} // namespace cisscan
