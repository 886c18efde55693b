// Operators on a stat probe's fields (read once per output, see probe_fields.hpp): mode_at_most,
// owner, group.
#include "catalog/operator_rows.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace cisscan::ops {

namespace {

std::string octal(unsigned mode) {
  char text[16];
  std::snprintf(text, sizeof(text), "%04o", mode);
  return text;
}

const StatFields* stat_fields(const ProbeView& probe) {
  return std::get_if<StatFields>(&probe.fields);
}

// owner or group: the field is one of the names.
Verdict judge_name(const Expectation& e, const ProbeView& probe, std::string_view field,
                   std::string StatFields::*member) {
  std::string expected = std::string(field) + " " + util::join(e.values, " or ");
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  const auto* fields = stat_fields(probe);
  if (fields == nullptr || (fields->*member).empty()) {
    return {Outcome::unreadable, std::move(expected),
            "no " + std::string(field) + " in the probe output"};
  }
  const auto& value = fields->*member;
  const bool ok = std::find(e.values.begin(), e.values.end(), value) != e.values.end();
  return {ok ? Outcome::pass : Outcome::fail, std::move(expected),
          std::string(field) + " " + value};
}

} // namespace

void parse_mode(const yaml::Node& argument, Expectation& out, const util::YamlFile& file) {
  const auto text = argument.IsScalar() ? argument.as<std::string>() : std::string();
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 8);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value > 07777) {
    file.report(argument, "expected an octal mode such as \"0640\"");
    return;
  }
  out.mode = value;
}

Verdict judge_mode_at_most(const Expectation& e, const ProbeView& probe) {
  std::string expected = "mode at most " + octal(e.mode);
  if (!readable(probe)) {
    return unreadable(std::move(expected), probe);
  }
  const auto* fields = stat_fields(probe);
  if (fields == nullptr || !fields->mode) {
    return {Outcome::unreadable, std::move(expected), "no mode in the probe output"};
  }
  const auto mode = *fields->mode;
  const bool ok = (mode & ~e.mode) == 0;
  return {ok ? Outcome::pass : Outcome::fail, std::move(expected), "mode " + octal(mode)};
}

Verdict judge_owner(const Expectation& e, const ProbeView& probe) {
  return judge_name(e, probe, "owner", &StatFields::owner);
}

Verdict judge_group(const Expectation& e, const ProbeView& probe) {
  return judge_name(e, probe, "group", &StatFields::group);
}

} // namespace cisscan::ops
