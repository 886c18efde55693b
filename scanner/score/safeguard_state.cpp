#include "score/safeguard_state.hpp"

#include <cmath>

namespace cisscan {

void SafeguardTally::add(const std::string& status, double weight) {
  ++m_counts[status];
  if (status == "pass") {
    m_pass_weight += weight;
    m_counted_weight += weight;
  } else if (status == "fail" || status == "error") {
    m_counted_weight += weight;
  }
}

std::optional<double> SafeguardTally::score() const {
  if (m_counted_weight <= 0) {
    return std::nullopt;
  }
  return std::round(m_pass_weight / m_counted_weight * 1000.0) / 10.0;
}

std::string SafeguardTally::state() const {
  const auto s = score();
  if (!s) {
    const bool only_na =
        !m_counts.empty() && m_counts.size() == 1 && m_counts.count("not_applicable") != 0;
    return m_attested ? "attested" : only_na ? "not_applicable" : "not_assessed";
  }
  if (*s >= 100.0) {
    return "compliant";
  }
  if (*s <= 0.0) {
    return "non_compliant";
  }
  return "partial";
}

cisscan::json SafeguardTally::to_json() const {
  cisscan::json out;
  const auto s = score();
  out["score"] = s ? cisscan::json(*s) : cisscan::json(nullptr);
  out["state"] = state();
  cisscan::json counts = cisscan::json::object();
  for (const char* status : {"pass", "fail", "error", "not_applicable", "manual", "waived"}) {
    counts[status] = m_counts.count(status) != 0 ? m_counts.at(status) : 0;
  }
  out["counts"] = counts;
  out["attested"] = m_attested;
  return out;
}

bool in_place(const std::string& state) {
  return state == "compliant" || state == "attested";
}

} // namespace cisscan
