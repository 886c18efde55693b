#include "evaluate/operators.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace cisscan {

namespace {

constexpr size_t k_observed_limit = 400;

int line_of(const YAML::Node& node) {
  return node.Mark().line + 1;
}

std::string clip(std::string_view text) {
  if (text.size() <= k_observed_limit) {
    return std::string(text);
  }
  return std::string(text.substr(0, k_observed_limit)) + "…";
}

std::vector<std::string> string_list(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.as<std::string>());
  } else if (node.IsSequence() && node.size() > 0) {
    for (const auto& item : node) {
      if (!item.IsScalar()) {
        throw ExpectationError(line_of(item), "expected a string");
      }
      out.push_back(item.as<std::string>());
    }
  } else {
    throw ExpectationError(line_of(node), "expected a string or a list of strings");
  }
  return out;
}

std::shared_ptr<const util::Regex> compile(const YAML::Node& node) {
  if (!node.IsScalar()) {
    throw ExpectationError(line_of(node), "expected a regular expression");
  }
  try {
    return std::make_shared<const util::Regex>(node.as<std::string>());
  } catch (const std::invalid_argument& e) {
    throw ExpectationError(line_of(node),
                           "regular expression does not compile: " + std::string(e.what()));
  }
}

// Key=value fields of a stat probe: "mode=640 uid=0 ... type=regular file".
std::string stat_field(std::string_view output, std::string_view key) {
  const auto text = util::trim(output);
  const std::string needle = std::string(key) + "=";
  size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string_view::npos) {
    if (pos == 0 || text[pos - 1] == ' ') {
      const auto start = pos + needle.size();
      if (key == "type") {
        return std::string(text.substr(start));
      }
      const auto end = text.find(' ', start);
      return std::string(text.substr(start, end == std::string_view::npos ? end : end - start));
    }
    pos += needle.size();
  }
  return {};
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

bool readable(const ProbeView& probe) {
  return probe.state == ProbeState::ok;
}

// --- parse functions ----------------------------------------------------------------------------

void parse_regex(const YAML::Node& argument, Expectation& out) {
  out.regex = compile(argument);
}

void parse_strings(const YAML::Node& argument, Expectation& out) {
  out.values = string_list(argument);
}

void parse_children(const YAML::Node& argument, Expectation& out) {
  if (!argument.IsSequence() || argument.size() == 0) {
    throw ExpectationError(line_of(argument), "expected a non-empty list of expectations");
  }
  // The probe type was checked by the parent; children are parsed by parse_expectation.
  (void)out;
}

void parse_compare(const YAML::Node& argument, Expectation& out) {
  if (!argument.IsMap()) {
    throw ExpectationError(line_of(argument), "expected {line: REGEX, op: OP, value: NUMBER}");
  }
  for (const auto& item : argument) {
    const auto key = item.first.as<std::string>();
    if (key != "line" && key != "op" && key != "value") {
      throw ExpectationError(line_of(item.first),
                             "unknown key '" + key + "' in compare (expected line, op, value)");
    }
  }
  if (!argument["line"] || !argument["op"] || !argument["value"]) {
    throw ExpectationError(line_of(argument), "compare needs line, op and value");
  }
  out.regex = compile(argument["line"]);
  out.compare_op = argument["op"].as<std::string>();
  static const std::vector<std::string> ops = {"<", "<=", "==", "!=", ">=", ">"};
  if (std::find(ops.begin(), ops.end(), out.compare_op) == ops.end()) {
    throw ExpectationError(line_of(argument["op"]),
                           "compare op '" + out.compare_op + "' is not one of < <= == != >= >");
  }
  try {
    out.number = argument["value"].as<double>();
  } catch (const YAML::Exception&) {
    throw ExpectationError(line_of(argument["value"]), "compare value must be a number");
  }
}

void parse_mode(const YAML::Node& argument, Expectation& out) {
  const auto text = argument.IsScalar() ? argument.as<std::string>() : std::string();
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 8);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value > 07777) {
    throw ExpectationError(line_of(argument), "expected an octal mode such as \"0640\"");
  }
  out.number = value;
}

void parse_exit_code(const YAML::Node& argument, Expectation& out) {
  try {
    if (argument.IsSequence()) {
      for (const auto& item : argument) {
        out.integers.push_back(item.as<long long>());
      }
    } else {
      out.integers.push_back(argument.as<long long>());
    }
  } catch (const YAML::Exception&) {
    throw ExpectationError(line_of(argument), "expected an exit code or a list of them");
  }
  if (out.integers.empty()) {
    throw ExpectationError(line_of(argument), "expected an exit code or a list of them");
  }
}

void parse_bool(const YAML::Node& argument, Expectation& out) {
  try {
    out.number = argument.as<bool>() ? 1 : 0;
  } catch (const YAML::Exception&) {
    throw ExpectationError(line_of(argument), "expected true or false");
  }
}

// The leading word of a pattern such as '^\s*PASS_MAX_DAYS\s+(\d+)' ("PASS_MAX_DAYS"), used to show
// the lines a failed `line` looked at; empty when the pattern does not start with a word.
std::string leading_word(const std::string& pattern) {
  size_t i = 0;
  if (i < pattern.size() && pattern[i] == '^') {
    ++i;
  }
  if (pattern.compare(i, 3, "\\s*") == 0) {
    i += 3;
  }
  std::string word;
  while (i < pattern.size() && (std::isalnum(static_cast<unsigned char>(pattern[i])) ||
                                pattern[i] == '_' || pattern[i] == '-')) {
    word += pattern[i++];
  }
  return word.size() >= 3 ? word : std::string();
}

// Lines that start with the pattern's leading word (case-insensitive), at most three.
std::string related_lines(const std::string& pattern, std::string_view output) {
  const auto word = util::to_lower(leading_word(pattern));
  if (word.empty()) {
    return {};
  }
  std::vector<std::string> found;
  for (const auto line : util::split_lines(output)) {
    const auto text = util::trim(line);
    if (util::to_lower(text.substr(0, word.size())) == word) {
      found.emplace_back(text);
      if (found.size() == 3) {
        break;
      }
    }
  }
  return clip(util::join(found, "\n"));
}

// --- evaluate functions -------------------------------------------------------------------------

Verdict eval_line(const Expectation& e, const ProbeView& probe) {
  std::string expected = "a line matching /" + e.regex->pattern() + "/";
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  for (const auto line : util::split_lines(probe.output)) {
    if (e.regex->search(line)) {
      return {Outcome::pass, std::move(expected), clip(line)};
    }
  }
  const auto related = related_lines(e.regex->pattern(), probe.output);
  return {Outcome::fail, std::move(expected), related.empty() ? "no line matched" : related};
}

Verdict eval_no_line(const Expectation& e, const ProbeView& probe) {
  std::string expected = "no line matching /" + e.regex->pattern() + "/";
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  std::vector<std::string> offending;
  for (const auto line : util::split_lines(probe.output)) {
    if (e.regex->search(line)) {
      offending.emplace_back(line);
      if (offending.size() == 5) {
        break;
      }
    }
  }
  if (offending.empty()) {
    return {Outcome::pass, std::move(expected), "no line matched"};
  }
  return {Outcome::fail, std::move(expected), clip(util::join(offending, "\n"))};
}

Verdict eval_equals(const Expectation& e, const ProbeView& probe) {
  std::string expected = "equal to " + util::join(e.values, " or ");
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  const auto value = util::trim(probe.output);
  const bool ok = std::find(e.values.begin(), e.values.end(), value) != e.values.end();
  return {ok ? Outcome::pass : Outcome::fail, std::move(expected), clip(value)};
}

Verdict eval_contains(const Expectation& e, const ProbeView& probe) {
  std::string expected = "containing " + util::join(e.values, " and ");
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  for (const auto& value : e.values) {
    if (probe.output.find(value) == std::string_view::npos) {
      return {Outcome::fail, std::move(expected), "'" + value + "' not found"};
    }
  }
  return {Outcome::pass, std::move(expected), "found"};
}

bool compare(double observed, const std::string& op, double wanted) {
  if (op == "<") {
    return observed < wanted;
  }
  if (op == "<=") {
    return observed <= wanted;
  }
  if (op == "==") {
    return observed == wanted;
  }
  if (op == "!=") {
    return observed != wanted;
  }
  if (op == ">=") {
    return observed >= wanted;
  }
  return observed > wanted;
}

std::string format_number(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  return std::to_string(value);
}

Verdict eval_compare(const Expectation& e, const ProbeView& probe) {
  std::string expected = "first line matching /" + e.regex->pattern() + "/ with its value " +
                         e.compare_op + " " + format_number(e.number);
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  for (const auto line : util::split_lines(probe.output)) {
    const auto match = e.regex->search(line);
    if (!match) {
      continue;
    }
    if (match->size() < 2) {
      return {Outcome::fail, std::move(expected), "the regular expression has no capture group"};
    }
    const auto& text = (*match)[1];
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      return {Outcome::fail, std::move(expected), clip(line) + " (not a number)"};
    }
    return {compare(value, e.compare_op, e.number) ? Outcome::pass : Outcome::fail,
            std::move(expected), clip(line)};
  }
  const auto related = related_lines(e.regex->pattern(), probe.output);
  return {Outcome::fail, std::move(expected), related.empty() ? "no line matched" : related};
}

Verdict eval_mode_at_most(const Expectation& e, const ProbeView& probe) {
  char wanted[16];
  std::snprintf(wanted, sizeof(wanted), "%04o", static_cast<unsigned>(e.number));
  std::string expected = std::string("mode at most ") + wanted;
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  const auto mode_text = stat_field(probe.output, "mode");
  unsigned mode = 0;
  const auto [ptr, ec] =
      std::from_chars(mode_text.data(), mode_text.data() + mode_text.size(), mode, 8);
  if (mode_text.empty() || ec != std::errc()) {
    return {Outcome::unreadable, std::move(expected), "no mode in the probe output"};
  }
  char seen[16];
  std::snprintf(seen, sizeof(seen), "%04o", mode);
  const bool ok = (mode & ~static_cast<unsigned>(e.number)) == 0;
  return {ok ? Outcome::pass : Outcome::fail, std::move(expected), std::string("mode ") + seen};
}

Verdict eval_field(const Expectation& e, const ProbeView& probe, std::string_view field) {
  std::string expected = std::string(field) + " " + util::join(e.values, " or ");
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  const auto value = stat_field(probe.output, field);
  if (value.empty()) {
    return {Outcome::unreadable, std::move(expected),
            "no " + std::string(field) + " in the probe output"};
  }
  const bool ok = std::find(e.values.begin(), e.values.end(), value) != e.values.end();
  return {ok ? Outcome::pass : Outcome::fail, std::move(expected),
          std::string(field) + " " + value};
}

Verdict eval_owner(const Expectation& e, const ProbeView& probe) {
  return eval_field(e, probe, "owner");
}

Verdict eval_group(const Expectation& e, const ProbeView& probe) {
  return eval_field(e, probe, "group");
}

Verdict eval_exit_code(const Expectation& e, const ProbeView& probe) {
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

Verdict eval_exists(const Expectation& e, const ProbeView& probe) {
  const bool want = e.number != 0;
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

Verdict combine(const Expectation& e, const ProbeView& probe) {
  std::vector<Verdict> parts;
  for (const auto& child : e.children) {
    parts.push_back(evaluate_expectation(child, probe));
  }
  const auto count = [&](Outcome o) {
    return std::count_if(parts.begin(), parts.end(),
                         [&](const Verdict& v) { return v.outcome == o; });
  };
  const auto passes = count(Outcome::pass);
  const auto fails = count(Outcome::fail);
  const auto unread = count(Outcome::unreadable);
  Outcome outcome = Outcome::fail;
  if (e.op == "all") {
    outcome = fails > 0 ? Outcome::fail : unread > 0 ? Outcome::unreadable : Outcome::pass;
  } else if (e.op == "any") {
    outcome = passes > 0 ? Outcome::pass : unread > 0 ? Outcome::unreadable : Outcome::fail;
  } else {
    outcome = passes > 0 ? Outcome::fail : unread > 0 ? Outcome::unreadable : Outcome::pass;
  }
  std::vector<std::string> expected;
  std::vector<std::string> observed;
  for (const auto& part : parts) {
    expected.push_back(part.expected);
    // Show what decided: the failing parts of `all`, everything otherwise.
    const bool deciding =
        e.op != "all" || part.outcome != Outcome::pass || outcome == Outcome::pass;
    if (deciding && std::find(observed.begin(), observed.end(), part.observed) == observed.end()) {
      observed.push_back(part.observed);
    }
  }
  const std::string joiner = e.op == "any" ? " or " : e.op == "all" ? " and " : " nor ";
  std::string prefix = e.op == "none" ? "none of: " : "";
  return {outcome, prefix + util::join(expected, joiner), util::join(observed, "; ")};
}

const std::vector<OperatorSpec> k_operators = {
    {"line", "some line matches the regular expression", parse_regex, eval_line, {}},
    {"no_line", "no line matches the regular expression", parse_regex, eval_no_line, {}},
    {"equals",
     "the whole output, trimmed, equals one of the values",
     parse_strings,
     eval_equals,
     {}},
    {"contains", "the output contains every value", parse_strings, eval_contains, {}},
    {"compare",
     "the first capture of the first matching line compares with a number",
     parse_compare,
     eval_compare,
     {}},
    {"mode_at_most",
     "the mode grants no permission beyond the given octal mode",
     parse_mode,
     eval_mode_at_most,
     {"stat"}},
    {"owner", "the owning user is one of the names", parse_strings, eval_owner, {"stat"}},
    {"group", "the owning group is one of the names", parse_strings, eval_group, {"stat"}},
    {"exit_code",
     "the command's exit code is one of the values",
     parse_exit_code,
     eval_exit_code,
     {"command"}},
    {"exists",
     "the file, key, package or unit exists (true) or does not (false)",
     parse_bool,
     eval_exists,
     {"file", "stat", "sysctl", "package", "service", "mount"}},
    {"all", "every listed expectation holds", parse_children, combine, {}},
    {"any", "at least one listed expectation holds", parse_children, combine, {}},
    {"none", "no listed expectation holds", parse_children, combine, {}},
};

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

Expectation parse_expectation(const YAML::Node& node, std::string_view probe_type) {
  if (!node.IsMap() || node.size() != 1) {
    throw ExpectationError(line_of(node), "expected one operator, e.g. {line: REGEX}");
  }
  const auto item = *node.begin();
  const auto name = item.first.as<std::string>();
  const auto* spec = find_operator(name);
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const auto& s : k_operators) {
      names.emplace_back(s.name);
    }
    throw ExpectationError(line_of(item.first), "unknown operator '" + name +
                                                    "' (expected one of " +
                                                    util::join(names, ", ") + ")");
  }
  if (!spec->probe_types.empty() && std::find(spec->probe_types.begin(), spec->probe_types.end(),
                                              probe_type) == spec->probe_types.end()) {
    throw ExpectationError(line_of(item.first), "operator '" + name + "' does not apply to a " +
                                                    std::string(probe_type) + " probe");
  }
  Expectation out;
  out.op = name;
  out.line = line_of(item.first);
  spec->parse(item.second, out);
  if (spec->parse == parse_children) {
    for (const auto& child : item.second) {
      out.children.push_back(parse_expectation(child, probe_type));
    }
  }
  return out;
}

Verdict evaluate_expectation(const Expectation& expectation, const ProbeView& probe) {
  const auto* spec = find_operator(expectation.op);
  return spec->evaluate(expectation, probe);
}

bool uses_operator(const Expectation& expectation, std::string_view op) {
  if (expectation.op == op) {
    return true;
  }
  return std::any_of(expectation.children.begin(), expectation.children.end(),
                     [&](const Expectation& child) { return uses_operator(child, op); });
}

} // namespace cisscan
