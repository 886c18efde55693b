// The typed fields a probe type reads from its output, once per output (see ProbeType::fields):
// operators read these instead of parsing the text again.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace cisscan {

// A stat probe's "mode=640 uid=0 gid=42 owner=root group=shadow type=regular file"; a field the
// output lacks is empty (nullopt).
struct StatFields {
  std::optional<unsigned> mode; // permission bits, octal in the text
  std::optional<unsigned long> uid;
  std::optional<unsigned long> gid;
  std::string owner;
  std::string group;
  std::string type; // "regular file", "directory", ...
};

// One alternative per probe type that reads fields; monostate for those that do not.
using ProbeFields = std::variant<std::monostate, StatFields>;

StatFields read_stat_fields(std::string_view output);

} // namespace cisscan
