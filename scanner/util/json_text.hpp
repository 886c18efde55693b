// A value's compact JSON text, byte for byte json::dump(-1, ' ', false, replace), faster: the
// record's text is mostly strings of printable ASCII (probe output, commands, titles), which are
// copied in runs rather than decoded byte by byte. Strings holding other bytes than ASCII, and
// floating point numbers, are still written by nlohmann's serializer.
#pragma once

#include "util/json.hpp"

#include <string>

namespace cisscan::util {

void append_compact_json(std::string& out, const cisscan::json& value);
std::string compact_json(const cisscan::json& value);

} // namespace cisscan::util
