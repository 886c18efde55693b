// A value's compact JSON text, byte for byte json::dump(-1, ' ', false, replace), faster: strings
// of valid UTF-8 (nearly all of a record: probe output is made valid before it is recorded) are
// copied in runs between the bytes JSON escapes rather than decoded byte by byte. Strings that
// are not valid UTF-8, and floating point numbers, are still written by nlohmann's serializer.
#pragma once

#include "util/json.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cisscan::util {

void append_compact_json(std::string& out, const cisscan::json& value);
std::string compact_json(const cisscan::json& value);

// A string's and an integer's compact JSON text, as append_compact_json writes them: for writing
// a value's text without making its tree first.
void append_json_string(std::string& out, std::string_view text);
void append_json_number(std::string& out, long long number);
void append_json_number(std::string& out, unsigned long long number);

// `"key":` of an object's member, after a comma unless `first` (which it clears).
void append_member_key(std::string& out, bool& first, const std::string& key);

// A member's key, and its compact JSON text as a member (`"key":value`).
using MemberText = std::pair<std::string, std::string>;
MemberText member_text(const std::string& key, const cisscan::json& value);

} // namespace cisscan::util
