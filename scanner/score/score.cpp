#include "score/score.hpp"

#include "model/record_status.hpp"
#include "score/safeguard_state.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace cisscan {

namespace {

using Tally = SafeguardTally;

cisscan::json ig1_summary(const std::map<std::string, Tally>& safeguards,
                          const ControlsCatalog& controls) {
  double sum = 0;
  int automated = 0;
  int attested = 0;
  for (const auto& [id, tally] : safeguards) {
    const auto* safeguard = controls.find(id);
    if (safeguard == nullptr || !safeguard->ig1) {
      continue;
    }
    if (const auto s = tally.score()) {
      sum += *s;
      ++automated;
    } else if (tally.attested()) {
      ++attested;
    }
  }
  cisscan::json out;
  out["score"] = automated > 0 ? cisscan::json(std::round(sum / automated * 10.0) / 10.0)
                               : cisscan::json(nullptr);
  out["assessed"] = automated + attested;
  out["automated"] = automated;
  out["attested"] = attested;
  out["total"] = controls.ig1_count();
  return out;
}

cisscan::json tallies_json(const std::map<std::string, Tally>& tallies) {
  cisscan::json out = cisscan::json::object();
  for (const auto& [id, tally] : tallies) {
    out[id] = tally.to_json();
  }
  return out;
}

} // namespace

ScoreTally::ScoreTally(const ControlsCatalog& controls)
    : m_controls(controls), m_per_host(cisscan::json::object()) {}

void ScoreTally::add(const cisscan::json& host) {
  const auto host_state = host_status(host);
  const bool counted = host_state == HostStatus::ok;
  m_in_scope += host_state == HostStatus::skipped ? 0 : 1;
  m_scanned += counted ? 1 : 0;
  std::map<std::string, Tally> host_safeguards;
  std::vector<std::string> seen_controls; // a result's controls, each counted once
  for (const auto& result : host.at("results")) {
    const auto status = result_status(result);
    const double weight = result.value("weight", 1.0);
    const bool answered = result.contains("attestation");
    seen_controls.clear();
    for (const auto& safeguard : result.at("safeguards")) {
      const auto& id = safeguard.get_ref<const std::string&>();
      auto& host_tally = host_safeguards[id];
      host_tally.add(status, weight);
      if (!answered && !counted) {
        continue;
      }
      auto& fleet_tally = m_safeguards[id];
      if (answered) {
        host_tally.attest();
        fleet_tally.attest();
      }
      if (counted) {
        fleet_tally.add(status, weight);
        const auto* known = m_controls.find(id);
        auto control = known != nullptr ? known->control : id.substr(0, id.find('.'));
        if (std::find(seen_controls.begin(), seen_controls.end(), control) == seen_controls.end()) {
          m_control_tallies[control].add(status, weight);
          seen_controls.push_back(std::move(control));
        }
      }
    }
  }
  cisscan::json entry;
  entry["status"] = host.at("status");
  // A host that never answered has placeholder results only: no score of its own.
  if (util::array_member(host, "probes").empty()) {
    host_safeguards.clear();
  }
  entry["ig1"] = ig1_summary(host_safeguards, m_controls);
  entry["safeguards"] = tallies_json(host_safeguards);
  m_per_host[host.at("name").get<std::string>()] = std::move(entry);
}

cisscan::json ScoreTally::finish(const cisscan::json& attestations) const {
  auto fleet_safeguards = m_safeguards;
  auto fleet_controls = m_control_tallies;
  if (attestations.is_object()) {
    for (const auto& entry : attestations.value("entries", cisscan::json::array())) {
      if (entry.value("state", "") == "current" && entry["safeguard"].is_string()) {
        const auto id = entry["safeguard"].get<std::string>();
        fleet_safeguards[id].attest();
        if (const auto* known = m_controls.find(id)) {
          fleet_controls[known->control].attest();
        }
      }
    }
  }
  cisscan::json scores;
  scores["safeguards"] = tallies_json(fleet_safeguards);
  scores["controls"] = tallies_json(fleet_controls);
  scores["ig1"] = ig1_summary(fleet_safeguards, m_controls);
  scores["hosts"] = m_per_host;
  scores["hosts_in_scope"] = m_in_scope;
  scores["hosts_scanned"] = m_scanned;
  return scores;
}

cisscan::json score_hosts(const cisscan::json& hosts, const ControlsCatalog& controls,
                          const cisscan::json& attestations) {
  ScoreTally tally(controls);
  for (const auto& host : hosts) {
    tally.add(host);
  }
  return tally.finish(attestations);
}

} // namespace cisscan
