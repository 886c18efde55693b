#include "score/score.hpp"

#include "model/record_status.hpp"
#include "score/safeguard_state.hpp"

#include <cmath>
#include <map>
#include <optional>
#include <set>

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

cisscan::json score_hosts(const cisscan::json& hosts, const ControlsCatalog& controls,
                          const cisscan::json& attestations) {
  std::map<std::string, Tally> fleet_safeguards;
  std::map<std::string, Tally> fleet_controls;
  cisscan::json per_host = cisscan::json::object();
  int scanned = 0;
  int in_scope = 0;
  for (const auto& host : hosts) {
    const auto host_state = host_status(host);
    const bool counted = host_state == HostStatus::ok;
    in_scope += host_state == HostStatus::skipped ? 0 : 1;
    scanned += counted ? 1 : 0;
    std::map<std::string, Tally> host_safeguards;
    for (const auto& result : host.at("results")) {
      const auto status = result_status(result);
      const double weight = result.value("weight", 1.0);
      const bool answered = result.contains("attestation");
      std::set<std::string> seen_controls;
      for (const auto& safeguard : result.at("safeguards")) {
        const auto id = safeguard.get<std::string>();
        host_safeguards[id].add(status, weight);
        if (answered) {
          host_safeguards[id].attest();
          fleet_safeguards[id].attest();
        }
        if (counted) {
          fleet_safeguards[id].add(status, weight);
          const auto* known = controls.find(id);
          const auto control = known != nullptr ? known->control : id.substr(0, id.find('.'));
          if (seen_controls.insert(control).second) {
            fleet_controls[control].add(status, weight);
          }
        }
      }
    }
    cisscan::json entry;
    entry["status"] = host.at("status");
    // A host that never answered has placeholder results only: no score of its own.
    if (host.value("probes", cisscan::json::array()).empty()) {
      host_safeguards.clear();
    }
    entry["ig1"] = ig1_summary(host_safeguards, controls);
    entry["safeguards"] = tallies_json(host_safeguards);
    per_host[host.at("name").get<std::string>()] = entry;
  }
  if (attestations.is_object()) {
    for (const auto& entry : attestations.value("entries", cisscan::json::array())) {
      if (entry.value("state", "") == "current" && entry["safeguard"].is_string()) {
        const auto id = entry["safeguard"].get<std::string>();
        fleet_safeguards[id].attest();
        if (const auto* known = controls.find(id)) {
          fleet_controls[known->control].attest();
        }
      }
    }
  }
  cisscan::json scores;
  scores["safeguards"] = tallies_json(fleet_safeguards);
  scores["controls"] = tallies_json(fleet_controls);
  scores["ig1"] = ig1_summary(fleet_safeguards, controls);
  scores["hosts"] = per_host;
  scores["hosts_in_scope"] = in_scope;
  scores["hosts_scanned"] = scanned;
  return scores;
}

} // namespace cisscan
