// The statuses and states every stage and renderer shares (DESIGN, "Statuses and scores"), each
// with its one table of names. `to_string` gives the record's word; `parse_*` reads it back and
// gives nothing for a word the table lacks.
#pragma once

#include "model/vocabulary.hpp"

#include <optional>
#include <string_view>

namespace cisscan {

// How a host's scan ended.
enum class HostStatus { ok, unreachable, timeout, error, skipped };
inline constexpr Vocabulary<HostStatus, 5> k_host_statuses{
    {"ok", "unreachable", "timeout", "error", "skipped"}};

// What a probe gave on a host: ok, or why its output cannot be judged.
enum class ProbeState { ok, absent, denied, error, timeout, not_run };
inline constexpr Vocabulary<ProbeState, 6> k_probe_states{
    {"ok", "absent", "denied", "error", "timeout", "not_run"}};

// The verdict of one check on one host. `waived` is a fail that a current waiver accepted.
enum class ResultStatus { pass, fail, error, not_applicable, manual, waived };
inline constexpr Vocabulary<ResultStatus, 6> k_result_statuses{
    {"pass", "fail", "error", "not_applicable", "manual", "waived"}};

// A safeguard's state from its results (score/safeguard_state.hpp holds the rule).
enum class SafeguardState {
  compliant,
  partial,
  non_compliant,
  attested,
  not_applicable,
  not_assessed
};
inline constexpr Vocabulary<SafeguardState, 6> k_safeguard_states{
    {"compliant", "partial", "non_compliant", "attested", "not_applicable", "not_assessed"}};

// The state of a risk register entry after a scan (model/risk_state.hpp reads it from a record).
enum class RiskState { acceptable, unacceptable, no_evidence };
inline constexpr Vocabulary<RiskState, 3> k_risk_states{
    {"acceptable", "unacceptable", "no_evidence"}};

constexpr std::string_view to_string(HostStatus value) {
  return k_host_statuses.name(value);
}
constexpr std::string_view to_string(ResultStatus value) {
  return k_result_statuses.name(value);
}
constexpr std::string_view to_string(SafeguardState value) {
  return k_safeguard_states.name(value);
}
constexpr std::string_view to_string(RiskState value) {
  return k_risk_states.name(value);
}
constexpr std::string_view to_string(ProbeState value) {
  return k_probe_states.name(value);
}

constexpr std::optional<HostStatus> parse_host_status(std::string_view text) {
  return k_host_statuses.parse(text);
}
constexpr std::optional<ResultStatus> parse_result_status(std::string_view text) {
  return k_result_statuses.parse(text);
}
constexpr std::optional<SafeguardState> parse_safeguard_state(std::string_view text) {
  return k_safeguard_states.parse(text);
}

// A result that shows its safeguards missing: a failure, or an error (not shown to be in place).
constexpr bool is_gap(ResultStatus status) {
  return status == ResultStatus::fail || status == ResultStatus::error;
}
// A result that counts against its host: a failure, an error, or one of those waived.
constexpr bool is_finding(ResultStatus status) {
  return status == ResultStatus::fail || status == ResultStatus::error ||
         status == ResultStatus::waived;
}
// A state that shows the safeguard in place: compliant, or attested without automated results.
constexpr bool in_place(SafeguardState state) {
  return state == SafeguardState::compliant || state == SafeguardState::attested;
}

} // namespace cisscan
