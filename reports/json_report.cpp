// The record itself: the report every other format is rendered from.
#include "reports/formats.hpp"
#include "util/json_text.hpp"

#include <functional>

namespace cisscan::reports {

namespace {

std::string compact(const json& value) {
  return util::compact_json(value);
}

// An object's compact text, member by member: `own` writes a member's value itself and says so,
// or leaves it to compact().
using OwnValue = std::function<bool(const std::string& key, const json& value)>;
void write_members(const json& object, std::ostream& out, const OwnValue& own) {
  out << '{';
  bool first = true;
  for (const auto& [key, value] : object.items()) {
    out << (first ? "" : ",") << compact(json(key)) << ':';
    first = false;
    if (!own(key, value)) {
      out << compact(value);
    }
  }
  out << '}';
}

// The record's scores, with the hosts' entries from `hosts` where it holds them.
void write_scores(const json& scores, const HostSource& hosts, std::ostream& out) {
  if (!scores.is_object() || !hosts.holds_scores()) {
    out << compact(scores);
    return;
  }
  write_members(scores, out, [&](const std::string& key, const json&) {
    if (key != "hosts") {
      return false;
    }
    out << '{';
    bool first = true;
    hosts.each_score_text([&](const std::string& name, std::string_view text) {
      out << (first ? "" : ",") << compact(json(name)) << ':' << text;
      first = false;
    });
    out << '}';
    return true;
  });
}

} // namespace

void write_json(const json& record, const HostSource& hosts, const RenderOptions& /*options*/,
                std::ostream& out) {
  // Compact: a fleet's record is large, and tools (jq) pretty-print it on demand. Written member
  // by member and host by host, so that no more than one host's text is held at once; the bytes
  // are those of record.dump() with the hosts in its "hosts" array and their scores in
  // scores.hosts.
  if (!record.is_object()) {
    out << compact(record) << '\n';
    return;
  }
  write_members(record, out, [&](const std::string& key, const json& value) {
    if (key == "scores") {
      write_scores(value, hosts, out);
      return true;
    }
    if (key != "hosts" || !value.is_array()) {
      return false;
    }
    out << '[';
    bool first = true;
    hosts.each_text([&](std::string_view text) {
      out << (first ? "" : ",") << text;
      first = false;
    });
    out << ']';
    return true;
  });
  out << '\n';
}

} // namespace cisscan::reports
