// Operators on the output as text: line, no_line, equals, contains, compare.
#include "catalog/operator_rows.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace cisscan::ops {

namespace {

struct CompareName {
  std::string_view text;
  CompareOp op;
};

constexpr CompareName k_compare_ops[] = {
    {"<", CompareOp::less},       {"<=", CompareOp::less_equal},    {"==", CompareOp::equal},
    {"!=", CompareOp::not_equal}, {">=", CompareOp::greater_equal}, {">", CompareOp::greater},
};

std::string_view compare_text(CompareOp op) {
  for (const auto& name : k_compare_ops) {
    if (name.op == op) {
      return name.text;
    }
  }
  return "?";
}

bool compare(double observed, CompareOp op, double wanted) {
  switch (op) {
  case CompareOp::less:
    return observed < wanted;
  case CompareOp::less_equal:
    return observed <= wanted;
  case CompareOp::equal:
    return observed == wanted;
  case CompareOp::not_equal:
    return observed != wanted;
  case CompareOp::greater_equal:
    return observed >= wanted;
  case CompareOp::greater:
    return observed > wanted;
  }
  return false;
}

std::string format_number(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  return std::to_string(value);
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
  for (const auto line : util::Lines(output)) {
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

} // namespace

void parse_regex(const yaml::Node& argument, Expectation& out, const util::YamlFile& file) {
  out.regex = compile(argument, file);
}

void parse_compare(const yaml::Node& argument, Expectation& out, const util::YamlFile& file) {
  if (!argument.IsMap()) {
    file.report(argument, "expected {line: REGEX, op: OP, value: NUMBER}");
    return;
  }
  for (const auto& item : argument) {
    const auto key = item.first.as<std::string>();
    if (key != "line" && key != "op" && key != "value") {
      file.report(item.first, "unknown key '" + key + "' in compare (expected line, op, value)");
    }
  }
  if (!argument["line"] || !argument["op"] || !argument["value"]) {
    file.report(argument, "compare needs line, op and value");
    return;
  }
  out.regex = compile(argument["line"], file);
  const auto op = argument["op"].as<std::string>();
  const auto* name = std::find_if(std::begin(k_compare_ops), std::end(k_compare_ops),
                                  [&](const CompareName& n) { return n.text == op; });
  if (name == std::end(k_compare_ops)) {
    file.report(argument["op"], "compare op '" + op + "' is not one of < <= == != >= >");
  } else {
    out.compare = name->op;
  }
  try {
    out.number = argument["value"].as<double>();
  } catch (const yaml::Exception&) {
    file.report(argument["value"], "compare value must be a number");
  }
}

Verdict judge_line(const Expectation& e, const ProbeView& probe) {
  std::string expected = "a line matching /" + e.regex->pattern() + "/";
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  for (const auto line : util::Lines(probe.output)) {
    if (e.regex->matches(line)) {
      return {Outcome::pass, std::move(expected), clip(line)};
    }
  }
  const auto related = related_lines(e.regex->pattern(), probe.output);
  return {Outcome::fail, std::move(expected), related.empty() ? "no line matched" : related};
}

Verdict judge_no_line(const Expectation& e, const ProbeView& probe) {
  std::string expected = "no line matching /" + e.regex->pattern() + "/";
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  std::vector<std::string> offending;
  for (const auto line : util::Lines(probe.output)) {
    if (e.regex->matches(line)) {
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

Verdict judge_equals(const Expectation& e, const ProbeView& probe) {
  std::string expected = "equal to " + util::join(e.values, " or ");
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  const auto value = util::trim(probe.output);
  const bool ok = std::find(e.values.begin(), e.values.end(), value) != e.values.end();
  return {ok ? Outcome::pass : Outcome::fail, std::move(expected), clip(value)};
}

Verdict judge_contains(const Expectation& e, const ProbeView& probe) {
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

Verdict judge_compare(const Expectation& e, const ProbeView& probe) {
  std::string expected = "first line matching /" + e.regex->pattern() + "/ with its value " +
                         std::string(compare_text(e.compare)) + " " + format_number(e.number);
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  for (const auto line : util::Lines(probe.output)) {
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
    return {compare(value, e.compare, e.number) ? Outcome::pass : Outcome::fail,
            std::move(expected), clip(line)};
  }
  const auto related = related_lines(e.regex->pattern(), probe.output);
  return {Outcome::fail, std::move(expected), related.empty() ? "no line matched" : related};
}

} // namespace cisscan::ops
