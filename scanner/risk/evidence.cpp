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
  for (const auto& role : util::array_member(host, "roles")) {
    if (role.is_string() && std::find(classes.begin(), classes.end(),
                                      role.get_ref<const std::string&>()) != classes.end()) {
      return true;
    }
  }
  return false;
}

} // namespace

// Which entries a result may be linked to, by index into the register, ascending: per check id
// the entries its definition names, and per safeguard the entries that list it.
struct EvidenceLinks {
  std::map<std::string, std::vector<size_t>, std::less<>> named;
  std::map<std::string, std::vector<size_t>, std::less<>> by_safeguard;

  EvidenceLinks(const json& record, const RiskRegister& reg) {
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

namespace {

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

// Adds result `i` of an `ok` host to the evidence of the entries it is linked to (those in
// `scope`), and returns the ids of those its finding feeds (null: none).
json add_result(std::vector<Evidence>& out, const RiskRegister& reg, const EvidenceLinks& links,
                const std::vector<char>& scope, const json& host_name, size_t index,
                const ResultsView& results, size_t i, std::vector<std::string_view>& safeguards) {
  const auto check_id = results.check_id(i);
  results.safeguards(i, safeguards);
  // The candidates: the entries its check names, or else those of its safeguards.
  const auto it = links.named.find(check_id);
  const bool named = it != links.named.end();
  std::vector<size_t> of_safeguards;
  const auto& candidates = named ? it->second : (of_safeguards = links.of_safeguards(safeguards));
  const auto status = results.status(i);
  const double weight = results.weight(i);
  json risks; // null until a finding feeds an entry: most results feed none
  for (const auto k : candidates) {
    if (scope[k] == 0) {
      continue;
    }
    const auto& e = reg.entries[k];
    const auto linked = linked_safeguards(safeguards, e, named);
    if (linked.empty()) {
      continue;
    }
    auto& ev = out[k];
    for (const auto& s : linked) {
      ev.tally[s].add(status, weight);
    }
    // A finding: a result that shows the safeguard missing (fail, error) or accepted as
    // missing (waived); one per result, however many of the entry's safeguards it counts for.
    ev.gap = ev.gap || is_gap(status);
    if (is_finding(status)) {
      ev.findings.add(index,
                      {{"host", host_name}, {"check_id", check_id}, {"status", to_string(status)}});
      risks.push_back(e.id);
    }
  }
  return risks;
}

} // namespace

EvidencePass::EvidencePass(const json& record, const RiskRegister& reg)
    : m_reg(reg), m_links(std::make_unique<EvidenceLinks>(record, reg)),
      m_entries(reg.entries.size()) {}

EvidencePass::~EvidencePass() = default;

void EvidencePass::add(json& host, size_t index) {
  EntryResults results(host);
  add(host, results, index);
}

void EvidencePass::add(const json& host, AssessedResults& results, size_t index) {
  if (host_status(host) != HostStatus::ok) {
    for (size_t i = 0; i < results.size(); ++i) {
      results.set_risks(i, nullptr);
    }
    return;
  }
  std::vector<char> scope(m_reg.entries.size());
  for (size_t k = 0; k < m_reg.entries.size(); ++k) {
    scope[k] = in_scope(host, m_reg.entries[k].asset_classes) ? 1 : 0;
    m_entries[k].hosts_in_scope += scope[k];
  }
  const auto& host_name = util::member_or_null(host, "name");
  std::vector<std::string_view> safeguards;
  for (size_t i = 0; i < results.size(); ++i) {
    // Only findings feed risks: no empty list per passing result.
    results.set_risks(
        i, add_result(m_entries, m_reg, *m_links, scope, host_name, index, results, i, safeguards));
  }
}

} // namespace cisscan
