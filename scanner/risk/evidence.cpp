#include "risk/evidence.hpp"

#include "model/record_status.hpp"

#include <algorithm>
#include <set>
#include <string_view>

namespace cisscan {

namespace {

using cisscan::json;

bool in_scope(const json& host, const std::vector<std::string>& classes) {
  if (std::find(classes.begin(), classes.end(), "any") != classes.end()) {
    return true;
  }
  for (const auto& role : host.value("roles", json::array())) {
    if (std::find(classes.begin(), classes.end(), role.get<std::string>()) != classes.end()) {
      return true;
    }
  }
  return false;
}

// Which entries a result may be linked to, by index into the register, ascending: per check id
// the entries its definition names, and per safeguard the entries that list it.
struct Links {
  std::map<std::string, std::vector<size_t>, std::less<>> named;
  std::map<std::string, std::vector<size_t>, std::less<>> by_safeguard;

  Links(const json& record, const RiskRegister& reg) {
    std::map<std::string, size_t, std::less<>> index;
    for (size_t k = 0; k < reg.entries.size(); ++k) {
      index.emplace(reg.entries[k].id, k);
      for (const auto& s : reg.entries[k].safeguards) {
        by_safeguard[s].push_back(k);
      }
    }
    const auto checks = record.find("checks");
    if (checks == record.end() || !checks->is_object()) {
      return;
    }
    for (const auto& [check_id, check] : checks->items()) {
      const auto risks = check.find("risks");
      if (risks == check.end() || !risks->is_array()) {
        continue;
      }
      std::set<size_t> entries;
      for (const auto& id : *risks) {
        const auto it = id.is_string() ? index.find(id.get_ref<const std::string&>()) : index.end();
        if (it != index.end()) {
          entries.insert(it->second);
        }
      }
      if (!entries.empty()) {
        named[check_id].assign(entries.begin(), entries.end());
      }
    }
  }

  // The entries that list one of these safeguards (for a check that names none).
  std::vector<size_t> of_safeguards(const std::vector<std::string_view>& safeguards) const {
    std::vector<size_t> out;
    for (const auto s : safeguards) {
      if (const auto it = by_safeguard.find(s); it != by_safeguard.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
};

// The entry's safeguards a result counts for: those it shares with the entry, or, when its
// check names the entry and they share none, all of the entry's.
std::vector<std::string> linked_safeguards(const std::vector<std::string_view>& safeguards,
                                           const RiskEntry& e, bool named) {
  std::vector<std::string> shared;
  for (const auto s : safeguards) {
    if (std::find(e.safeguards.begin(), e.safeguards.end(), s) != e.safeguards.end()) {
      shared.emplace_back(s);
    }
  }
  return named && shared.empty() ? e.safeguards : shared;
}

void add_result(RegisterEvidence& out, const RiskRegister& reg, const Links& links,
                const std::vector<char>& scope, const json& host, size_t host_index,
                const json& result, size_t result_index) {
  const auto& check_id = result["check_id"].get_ref<const std::string&>();
  std::vector<std::string_view> safeguards;
  for (const auto& s : result["safeguards"]) {
    safeguards.emplace_back(s.get_ref<const std::string&>());
  }
  // The candidates: the entries its check names, or else those of its safeguards.
  const auto it = links.named.find(check_id);
  const bool named = it != links.named.end();
  const auto candidates = named ? it->second : links.of_safeguards(safeguards);
  const auto status = result_status(result);
  const double weight = result.value("weight", 1.0);
  for (const auto k : candidates) {
    if (scope[k] == 0) {
      continue;
    }
    const auto& e = reg.entries[k];
    const auto linked = linked_safeguards(safeguards, e, named);
    if (linked.empty()) {
      continue;
    }
    auto& ev = out.entries[k];
    for (const auto& s : linked) {
      ev.tally[s].add(status, weight);
    }
    // A finding: a result that shows the safeguard missing (fail, error) or accepted as
    // missing (waived); one per result, however many of the entry's safeguards it counts for.
    ev.gap = ev.gap || is_gap(status);
    if (is_finding(status)) {
      ev.findings.push_back(
          {{"host", host["name"]}, {"check_id", check_id}, {"status", to_string(status)}});
      out.risks_of[{host_index, result_index}].push_back(e.id);
    }
  }
}

} // namespace

RegisterEvidence gather_evidence(const json& record, const RiskRegister& reg) {
  const Links links(record, reg);
  RegisterEvidence out;
  out.entries.resize(reg.entries.size());
  const auto& hosts = record["hosts"];
  for (size_t i = 0; i < hosts.size(); ++i) {
    const auto& host = hosts[i];
    if (host_status(host) != HostStatus::ok) {
      continue;
    }
    std::vector<char> scope(reg.entries.size());
    for (size_t k = 0; k < reg.entries.size(); ++k) {
      scope[k] = in_scope(host, reg.entries[k].asset_classes) ? 1 : 0;
      out.entries[k].hosts_in_scope += scope[k];
    }
    const auto& results = host["results"];
    for (size_t j = 0; j < results.size(); ++j) {
      add_result(out, reg, links, scope, host, i, results[j], j);
    }
  }
  return out;
}

} // namespace cisscan
