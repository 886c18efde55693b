// all / any / none: the verdicts of their children joined (evaluate/ walks the children).
#include "catalog/operator_rows.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace cisscan::ops {

namespace {

enum class Join { all, any, none };

Verdict join(Join how, const std::vector<Verdict>& parts) {
  const auto count = [&](Outcome o) {
    return std::count_if(parts.begin(), parts.end(),
                         [&](const Verdict& v) { return v.outcome == o; });
  };
  const auto passes = count(Outcome::pass);
  const auto fails = count(Outcome::fail);
  const auto unread = count(Outcome::unreadable);
  Outcome outcome = Outcome::fail;
  if (how == Join::all) {
    outcome = fails > 0 ? Outcome::fail : unread > 0 ? Outcome::unreadable : Outcome::pass;
  } else if (how == Join::any) {
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
        how != Join::all || part.outcome != Outcome::pass || outcome == Outcome::pass;
    if (deciding && std::find(observed.begin(), observed.end(), part.observed) == observed.end()) {
      observed.push_back(part.observed);
    }
  }
  const std::string joiner = how == Join::any ? " or " : how == Join::all ? " and " : " nor ";
  const std::string prefix = how == Join::none ? "none of: " : "";
  return {outcome, prefix + util::join(expected, joiner), util::join(observed, "; ")};
}

} // namespace

void parse_children(const yaml::Node& argument, Expectation& out, const util::YamlFile& file) {
  // The children themselves are parsed by parse_expectation, which knows the probe type.
  (void)out;
  if (!argument.IsSequence() || argument.size() == 0) {
    file.report(argument, "expected a non-empty list of expectations");
  }
}

Verdict combine_all(const std::vector<Verdict>& parts) {
  return join(Join::all, parts);
}

Verdict combine_any(const std::vector<Verdict>& parts) {
  return join(Join::any, parts);
}

Verdict combine_none(const std::vector<Verdict>& parts) {
  return join(Join::none, parts);
}

} // namespace cisscan::ops
