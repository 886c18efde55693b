// A value's compact JSON text, byte for byte json::dump(-1, ' ', false, replace), faster: strings
// of valid UTF-8 (nearly all of a record: probe output is made valid before it is recorded) are
// copied in runs between the bytes JSON escapes rather than decoded byte by byte. Strings that
// are not valid UTF-8, and floating point numbers, are still written by nlohmann's serializer.
#pragma once

#include "util/json.hpp"

#include <string>

namespace cisscan::util {

void append_compact_json(std::string& out, const cisscan::json& value);
std::string compact_json(const cisscan::json& value);

} // namespace cisscan::util
