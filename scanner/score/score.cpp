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
using Tallies = std::map<std::string, Tally, std::less<>>;

Tally& tally_of(Tallies& tallies, std::string_view id) {
  auto it = tallies.lower_bound(id);
  if (it == tallies.end() || it->first != id) {
    it = tallies.emplace_hint(it, std::string(id), Tally{});
  }
  return it->second;
}

cisscan::json ig1_summary(const Tallies& safeguards, const ControlsCatalog& controls) {
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

cisscan::json tallies_json(const Tallies& tallies) {
  cisscan::json out = cisscan::json::object();
  for (const auto& [id, tally] : tallies) {
    out[id] = tally.to_json();
  }
  return out;
}

} // namespace

ScoreTally::ScoreTally(const ControlsCatalog& controls) : m_controls(controls) {}

cisscan::json ScoreTally::add(const cisscan::json& host) {
  // A host that never answered has placeholder results only: no score of its own.
  return add(host, EntryView(host), !util::array_member(host, "probes").empty());
}

cisscan::json ScoreTally::add(const cisscan::json& host, const ResultsView& results,
                              bool answered) {
  const auto host_state = host_status(host);
  const bool counted = host_state == HostStatus::ok;
  m_in_scope += host_state == HostStatus::skipped ? 0 : 1;
  m_scanned += counted ? 1 : 0;
  Tallies host_safeguards;
  std::vector<std::string_view> safeguards;
  std::vector<std::string_view> seen_controls; // a result's controls, each counted once
  for (size_t i = 0; i < results.size(); ++i) {
    const auto status = results.status(i);
    const double weight = results.weight(i);
    const bool attested = results.attested(i);
    results.safeguards(i, safeguards);
    seen_controls.clear();
    for (const auto id : safeguards) {
      auto& host_tally = tally_of(host_safeguards, id);
      host_tally.add(status, weight);
      if (!attested && !counted) {
        continue;
      }
      auto& fleet_tally = tally_of(m_safeguards, id);
      if (attested) {
        host_tally.attest();
        fleet_tally.attest();
      }
      if (counted) {
        fleet_tally.add(status, weight);
        const auto* known = m_controls.find(id);
        const auto control =
            known != nullptr ? std::string_view(known->control) : id.substr(0, id.find('.'));
        if (std::find(seen_controls.begin(), seen_controls.end(), control) == seen_controls.end()) {
          tally_of(m_control_tallies, control).add(status, weight);
          seen_controls.push_back(control);
        }
      }
    }
  }
  cisscan::json entry;
  entry["status"] = host.at("status");
  if (!answered) {
    host_safeguards.clear();
  }
  entry["ig1"] = ig1_summary(host_safeguards, m_controls);
  entry["safeguards"] = tallies_json(host_safeguards);
  return entry;
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
  scores["hosts"] = cisscan::json::object();
  scores["hosts_in_scope"] = m_in_scope;
  scores["hosts_scanned"] = m_scanned;
  return scores;
}

cisscan::json score_hosts(const cisscan::json& hosts, const ControlsCatalog& controls,
                          const cisscan::json& attestations) {
  ScoreTally tally(controls);
  cisscan::json per_host = cisscan::json::object();
  for (const auto& host : hosts) {
    per_host[host.at("name").get<std::string>()] = tally.add(host);
  }
  auto scores = tally.finish(attestations);
  scores["hosts"] = std::move(per_host);
  return scores;
}

} // namespace cisscan
