#include "score/score.hpp"

#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace cisscan {

namespace {

struct Tally {
  double pass_weight = 0;
  double counted_weight = 0;
  std::map<std::string, int> counts; // status -> results
  bool attested = false;

  void add(const std::string& status, double weight) {
    ++counts[status];
    if (status == "pass") {
      pass_weight += weight;
      counted_weight += weight;
    } else if (status == "fail" || status == "error") {
      counted_weight += weight;
    }
  }

  std::optional<double> score() const {
    if (counted_weight <= 0) {
      return std::nullopt;
    }
    return std::round(pass_weight / counted_weight * 1000.0) / 10.0;
  }

  std::string state() const {
    const auto s = score();
    if (!s) {
      const bool only_na = !counts.empty() && counts.size() == 1 && counts.count("not_applicable");
      return attested ? "attested" : only_na ? "not_applicable" : "not_assessed";
    }
    if (*s >= 100.0) {
      return "compliant";
    }
    if (*s <= 0.0) {
      return "non_compliant";
    }
    return "partial";
  }

  cisscan::json to_json() const {
    cisscan::json out;
    const auto s = score();
    out["score"] = s ? cisscan::json(*s) : cisscan::json(nullptr);
    out["state"] = state();
    cisscan::json counts_json = cisscan::json::object();
    for (const char* status : {"pass", "fail", "error", "not_applicable", "manual", "waived"}) {
      counts_json[status] = counts.count(status) ? counts.at(status) : 0;
    }
    out["counts"] = counts_json;
    out["attested"] = attested;
    return out;
  }
};

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
    } else if (tally.attested) {
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
    const bool counted = host.at("status") == "ok";
    in_scope += host.at("status") == "skipped" ? 0 : 1;
    scanned += counted ? 1 : 0;
    std::map<std::string, Tally> host_safeguards;
    for (const auto& result : host.at("results")) {
      const auto status = result.at("status").get<std::string>();
      const double weight = result.value("weight", 1.0);
      const bool answered = result.contains("attestation");
      std::set<std::string> seen_controls;
      for (const auto& safeguard : result.at("safeguards")) {
        const auto id = safeguard.get<std::string>();
        host_safeguards[id].add(status, weight);
        host_safeguards[id].attested = host_safeguards[id].attested || answered;
        if (answered) {
          fleet_safeguards[id].attested = true;
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
        fleet_safeguards[id].attested = true;
        if (const auto* known = controls.find(id)) {
          fleet_controls[known->control].attested = true;
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
