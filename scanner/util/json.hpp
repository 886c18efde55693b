// The JSON value of cisscan: nlohmann's, with its small blocks (object nodes, string and container
// headers) from util::PoolAllocator. A 500-host record loads in ~20% less memory and faster than
// with the default allocator; keys stay sorted, so the record's text is the same.
#pragma once

#include "util/pool_allocator.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

using json = nlohmann::basic_json<std::map, std::vector, std::string, bool, std::int64_t,
                                  std::uint64_t, double, util::PoolAllocator>;

namespace util {

// The member `key` of `object`, read in place, or an empty array when there is none. (json::value
// returns a copy: of a host's results or probes, that is most of the host.)
inline const json& array_member(const json& object, std::string_view key) {
  static const json empty = json::array();
  if (!object.is_object()) {
    return empty;
  }
  const auto it = object.find(key);
  return it != object.end() ? *it : empty;
}

// The member `key` of `object`, read in place, or null when there is none.
inline const json& member_or_null(const json& object, std::string_view key) {
  static const json none;
  if (!object.is_object()) {
    return none;
  }
  const auto it = object.find(key);
  return it != object.end() ? *it : none;
}

} // namespace util

} // namespace cisscan
