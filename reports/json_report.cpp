// The record itself: the report every other format is rendered from.
#include "reports/formats.hpp"
#include "util/json_text.hpp"

namespace cisscan::reports {

namespace {

std::string compact(const json& value) {
  return util::compact_json(value);
}

} // namespace

void write_json(const json& record, const HostSource& hosts, const RenderOptions& /*options*/,
                std::ostream& out) {
  // Compact: a fleet's record is large, and tools (jq) pretty-print it on demand. Written member
  // by member and host by host, so that no more than one host's text is held at once; the bytes
  // are those of record.dump() with the hosts in its "hosts" array.
  if (!record.is_object()) {
    out << compact(record) << '\n';
    return;
  }
  out << '{';
  bool first = true;
  for (const auto& [key, value] : record.items()) {
    out << (first ? "" : ",") << compact(json(key)) << ':';
    first = false;
    if (key != "hosts" || !value.is_array()) {
      out << compact(value);
      continue;
    }
    out << '[';
    bool first_host = true;
    hosts.each_text([&](std::string_view text) {
      out << (first_host ? "" : ",") << text;
      first_host = false;
    });
    out << ']';
  }
  out << "}\n";
}

} // namespace cisscan::reports
