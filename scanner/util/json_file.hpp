// Loading a JSON file (a run record: tens of MB for a fleet) into a json value. Two parsers, each
// where it measured best on a 500-host record (benchmarks/README.md): the whole document with
// util::read_json_object (json_reader.hpp) over 1 MiB pieces of the file, nlohmann's parser taking
// over for anything it leaves (no copy of the text beside the values: 373 MB peak against 570 MB
// with simdjson, in the same second); a filtered one with simdjson's On Demand
// parser, which skips dropped members at several GB/s instead of building and discarding them.
#pragma once

#include "util/json.hpp"

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace cisscan::util {

// Arrays and objects nested deeper than this are refused (a record nests 6 deep): no reader of a
// loaded value (renderers, dump, diff) can then run out of stack.
inline constexpr int k_max_json_depth = 64;

// Whether to keep the object member `key`. `top` is the member of the top-level object it sits
// under (the key itself at depth 1); `depth` counts the containers the key sits in (the
// top-level object's keys are at depth 1, the keys of objects in its arrays at depth 3).
using KeepMember = std::function<bool(std::string_view top, int depth, std::string_view key)>;

// The file's top-level JSON object. Throw ConfigError "PATH: cannot read" or
// "PATH: not valid JSON: WHY" (with the line), also for a number out of range, nesting deeper
// than k_max_json_depth, or (without a filter) a top-level member named twice.
json load_json_object(const std::filesystem::path& path);
json load_json_object(const std::filesystem::path& path, const KeepMember& keep);
// The same from the file's text already in memory (`path` names it in messages).
json parse_json_object(const std::filesystem::path& path, std::string_view text);
json parse_json_object(const std::filesystem::path& path, const std::string& text,
                       const KeepMember& keep);
// The file opened for reading through a 1 MiB buffer; throws ConfigError "PATH: cannot read".
std::unique_ptr<FILE, int (*)(FILE*)> open_json_file(const std::filesystem::path& path);
// "the top-level member "NAME" appears twice", the message for a repeated top-level name.
std::string repeated_member(std::string_view name);
// A parser's message (which quotes whatever bytes it last read) as one printable UTF-8 line.
std::string printable_message(std::string_view message);

} // namespace cisscan::util
