#include "score/safeguard_state.hpp"

#include <cmath>

namespace cisscan {

void SafeguardTally::add(ResultStatus status, double weight) {
  ++m_counts[static_cast<size_t>(status)];
  if (status == ResultStatus::pass) {
    m_pass_weight += weight;
    m_counted_weight += weight;
  } else if (is_gap(status)) {
    m_counted_weight += weight;
  }
}

std::optional<double> SafeguardTally::score() const {
  if (m_counted_weight <= 0) {
    return std::nullopt;
  }
  return std::round(m_pass_weight / m_counted_weight * 1000.0) / 10.0;
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
