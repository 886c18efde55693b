#include "score/safeguard_state.hpp"

#include <algorithm>
#include <cmath>

namespace cisscan {

namespace {

// A weight in whole millionths. A saved record's weight may be anything: what is not a positive
// number counts for nothing, and no weight counts for more than a million.
std::int64_t weight_units(double weight) {
  if (!(weight > 0)) {
    return 0;
  }
  return std::llround(std::min(weight, 1e6) * 1e6);
}

} // namespace

void SafeguardTally::add(ResultStatus status, double weight) {
  ++m_counts[static_cast<size_t>(status)];
  const auto units = weight_units(weight);
  if (status == ResultStatus::pass) {
    m_pass_weight += units;
    m_counted_weight += units;
  } else if (is_gap(status)) {
    m_counted_weight += units;
  }
}

std::optional<double> SafeguardTally::score() const {
  if (m_counted_weight <= 0) {
    return std::nullopt;
  }
  return std::round(static_cast<double>(m_pass_weight) / static_cast<double>(m_counted_weight) *
                    1000.0) /
         10.0;
}

SafeguardState SafeguardTally::state() const {
  const auto s = score();
  if (!s) {
    int results = 0;
    for (const int count : m_counts) {
      results += count;
    }
    const int not_applicable = m_counts[static_cast<size_t>(ResultStatus::not_applicable)];
    const bool only_na = results > 0 && results == not_applicable;
    return m_attested ? SafeguardState::attested
           : only_na  ? SafeguardState::not_applicable
                      : SafeguardState::not_assessed;
  }
  if (*s >= 100.0) {
    return SafeguardState::compliant;
  }
  if (*s <= 0.0) {
    return SafeguardState::non_compliant;
  }
  return SafeguardState::partial;
}

cisscan::json SafeguardTally::to_json() const {
  cisscan::json out;
  const auto s = score();
  out["score"] = s ? cisscan::json(*s) : cisscan::json(nullptr);
  out["state"] = to_string(state());
  cisscan::json counts = cisscan::json::object();
  for (size_t i = 0; i < m_counts.size(); ++i) {
    counts[std::string(k_result_statuses.names[i])] = m_counts[i];
  }
  out["counts"] = counts;
  out["attested"] = m_attested;
  return out;
}

} // namespace cisscan
