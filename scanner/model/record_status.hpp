// A record's statuses read back as enums. The record contract (record/contract.hpp) admits only
// the tables' words, so the fallbacks are for a record nobody validated: an unknown result reads
// as `error` and an unknown host status as `error`, never as a pass. Header only.
#pragma once

#include "model/status.hpp"
#include "util/json.hpp"

#include <string>

namespace cisscan {

inline std::string_view status_word(const cisscan::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>())
                                               : std::string_view();
}

// The `status` of one result of a record's host.
inline ResultStatus result_status(const cisscan::json& result) {
  return k_result_statuses.parse_or(status_word(result, "status"), ResultStatus::error);
}

// The `status` of one host of a record.
inline HostStatus host_status(const cisscan::json& host) {
  return k_host_statuses.parse_or(status_word(host, "status"), HostStatus::error);
}

// The `state` of a safeguard tally of a record; `not_assessed` where there is none.
inline SafeguardState safeguard_state(const cisscan::json& tally) {
  return k_safeguard_states.parse_or(status_word(tally, "state"), SafeguardState::not_assessed);
}

} // namespace cisscan
