// A fast reader for the JSON objects cisscan writes (run records of tens of MB): one pass over the
// bytes, read in 1 MiB pieces, building the json value in place. It accepts only text nlohmann's
// parser accepts and builds the same value from it (the same types for numbers, the last value of
// a repeated name); whatever else it meets (any error, a byte order mark, a number it does not
// read exactly as nlohmann would, nesting deeper than k_max_json_depth, a top-level name
// repeated, a top level that is no object) it leaves to nlohmann's parser by returning nothing,
// so that every message and every edge case stays nlohmann's.
#pragma once

#include "util/json.hpp"

#include <cstdio>
#include <optional>
#include <string_view>

namespace cisscan::util {

// The file's top-level object, read from its current position to its end; nothing when the text
// must go to nlohmann's parser (the file is then read partly: open it again).
std::optional<json> read_json_object(FILE* file);
// The same from text in memory.
std::optional<json> read_json_object(std::string_view text);

} // namespace cisscan::util
