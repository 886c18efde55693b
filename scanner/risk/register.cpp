#include "risk/register.hpp"

#include "model/record_status.hpp"
#include "model/risk_state.hpp"
#include "score/safeguard_state.hpp"

#include "util/error.hpp"
#include "util/sha256.hpp"
#include "util/yaml.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace cisscan {

namespace {

using cisscan::json;

const std::set<std::string> k_treatments = {"reduce", "accept", "transfer", "avoid"};
const std::set<std::string> k_asset_classes = {"pve-node",  "vm",         "lxc",
                                               "container", "bare-metal", "any"};

std::vector<ScaleLevel> read_scale(const util::YamlFile& file, const YAML::Node& node,
                                   bool impact) {
  if (!node || !node.IsSequence() || node.size() < 2) {
    file.fail(node ? node : file.root(), std::string("expected a list of at least two ") +
                                             (impact ? "impact" : "expectancy") + " levels");
  }
  std::vector<ScaleLevel> levels;
  for (const auto& item : node) {
    ScaleLevel level;
    if (impact) {
      file.check_keys(item, {"level", "name", "mission", "objectives", "obligations"},
                      "an impact level");
      level.mission = file.string(item, "mission");
      level.objectives = file.string(item, "objectives");
      level.obligations = file.string(item, "obligations");
    } else {
      file.check_keys(item, {"level", "name", "description"}, "an expectancy level");
      level.description = file.string(item, "description");
    }
    level.level = file.integer(item, "level", 1, 9);
    level.name = file.string(item, "name");
    if (level.level != static_cast<int>(levels.size()) + 1) {
      file.fail(item, "levels must be numbered 1, 2, 3, ... in order");
    }
    levels.push_back(std::move(level));
  }
  return levels;
}

} // namespace

int RiskEntry::impact() const {
  return std::max({impact_mission, impact_objectives, impact_obligations});
}

namespace {

RiskEntry read_entry(const util::YamlFile& file, const YAML::Node& node,
                     const ControlsCatalog& controls, int max_impact, int max_expectancy) {
  file.check_keys(node,
                  {"id", "title", "safeguards", "asset_classes", "threat", "vulnerability",
                   "impact", "expectancy", "owner", "treatment"},
                  "a risk entry");
  RiskEntry e;
  e.id = file.string(node, "id");
  e.title = file.string(node, "title");
  e.safeguards = file.strings(node, "safeguards");
  if (e.safeguards.empty()) {
    file.fail(node, e.id + ": expected at least one safeguard");
  }
  for (const auto& s : e.safeguards) {
    if (controls.find(s) == nullptr) {
      file.fail(node["safeguards"],
                e.id + ": safeguard '" + s + "' is not in the CIS Controls v8 catalog");
    }
  }
  e.asset_classes = file.strings(node, "asset_classes");
  if (e.asset_classes.empty()) {
    e.asset_classes.push_back("any");
  }
  for (const auto& c : e.asset_classes) {
    if (k_asset_classes.count(c) == 0) {
      file.fail(node["asset_classes"], e.id + ": unknown asset class '" + c + "'");
    }
  }
  e.threat = file.string(node, "threat");
  e.vulnerability = file.string(node, "vulnerability");
  const auto impact = node["impact"];
  if (!impact) {
    file.fail(node, e.id + ": missing 'impact'");
  }
  file.check_keys(impact, {"mission", "objectives", "obligations"}, "impact");
  e.impact_mission = file.integer(impact, "mission", 1, max_impact);
  e.impact_objectives = file.integer(impact, "objectives", 1, max_impact);
  e.impact_obligations = file.integer(impact, "obligations", 1, max_impact);
  const auto expectancy = node["expectancy"];
  if (!expectancy) {
    file.fail(node, e.id + ": missing 'expectancy'");
  }
  file.check_keys(expectancy, {"in_place", "missing"}, "expectancy");
  e.expectancy_in_place = file.integer(expectancy, "in_place", 1, max_expectancy);
  e.expectancy_missing = file.integer(expectancy, "missing", 1, max_expectancy);
  if (e.expectancy_in_place > e.expectancy_missing) {
    file.fail(expectancy, e.id + ": expectancy in_place is above missing");
  }
  e.owner = file.string(node, "owner");
  e.treatment = file.string(node, "treatment");
  if (k_treatments.count(e.treatment) == 0) {
    file.fail(node["treatment"], e.id + ": treatment must be reduce, accept, transfer or avoid");
  }
  return e;
}

} // namespace

RiskRegister load_register(const std::filesystem::path& path, const ControlsCatalog& controls) try {
  const util::YamlFile file(path);
  const auto& root = file.root();
  if (!root.IsMap() || !root["criteria"] || !root["entries"]) {
    throw ConfigError(file.name() + ":1: expected a risk register with 'criteria' and 'entries'");
  }
  file.check_keys(root, {"register", "criteria", "entries"}, "a risk register");
  RiskRegister reg;
  reg.file = file.name();
  reg.sha256 = util::sha256_hex(file.text());
  if (root["register"]) {
    file.check_keys(root["register"], {"name", "version"}, "register");
    reg.name = file.string(root["register"], "name", false);
  }
  const auto criteria = root["criteria"];
  file.check_keys(criteria, {"impact", "expectancy", "acceptance"}, "criteria");
  reg.impact_scale = read_scale(file, criteria["impact"], true);
  reg.expectancy_scale = read_scale(file, criteria["expectancy"], false);
  const int max_impact = static_cast<int>(reg.impact_scale.size());
  const int max_expectancy = static_cast<int>(reg.expectancy_scale.size());
  if (!criteria["acceptance"]) {
    file.fail(criteria, "missing 'acceptance' (the highest acceptable risk score)");
  }
  file.check_keys(criteria["acceptance"], {"max_risk", "statement"}, "acceptance");
  reg.max_acceptable_risk =
      file.integer(criteria["acceptance"], "max_risk", 1, max_impact * max_expectancy);
  reg.acceptance_statement = file.string(criteria["acceptance"], "statement", false);
  if (!root["entries"].IsSequence()) {
    file.fail(root["entries"], "entries must be a list");
  }
  std::set<std::string> ids;
  for (const auto& node : root["entries"]) {
    auto e = read_entry(file, node, controls, max_impact, max_expectancy);
    e.line = util::line_of(node);
    if (!ids.insert(e.id).second) {
      file.fail(node, "duplicate risk id '" + e.id + "'");
    }
    reg.entries.push_back(std::move(e));
  }
  return reg;
} catch (const YAML::Exception& e) {
  throw util::yaml_error(path, e);
}

namespace {

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

std::set<std::string> attested_safeguards(const json& record) {
  std::set<std::string> out;
  for (const auto& entry :
       record.value("attestations", json::object()).value("entries", json::array())) {
    if (entry.value("state", "") == "current" && entry["safeguard"].is_string()) {
      out.insert(entry["safeguard"].get<std::string>());
    }
  }
  return out;
}

} // namespace

namespace {

// Per check id: the entries of this register its definition names (`risks:`, kept in the
// record's `checks`). A check that names none of them is absent: its results go by safeguards.
using NamedRisks = std::map<std::string, std::set<std::string>, std::less<>>;
// (host, check id) -> the entries its finding feeds.
using RisksOf = std::map<std::pair<std::string, std::string>, std::vector<std::string>>;

NamedRisks named_risks(const json& record, const RiskRegister& reg) {
  std::set<std::string> ids;
  for (const auto& e : reg.entries) {
    ids.insert(e.id);
  }
  NamedRisks out;
  const auto checks = record.find("checks");
  if (checks == record.end() || !checks->is_object()) {
    return out;
  }
  for (const auto& [check_id, check] : checks->items()) {
    const auto risks = check.find("risks");
    if (risks == check.end() || !risks->is_array()) {
      continue;
    }
    for (const auto& id : *risks) {
      if (id.is_string() && ids.count(id.get<std::string>()) != 0) {
        out[check_id].insert(id.get<std::string>());
      }
    }
  }
  return out;
}

// What the scanned hosts in scope show about one entry: its safeguards' tallies over the
// results linked to it, its findings, and whether one of them is a gap (fail or error).
struct Evidence {
  std::map<std::string, SafeguardTally> tally;
  json findings = json::array();
  int hosts_in_scope = 0;
  bool gap = false;
};

// The entry's safeguards a result counts for, or none when the result is not linked to it: a
// check that names entries links to those (for the safeguards they share, or all of the entry's
// when they share none), any other by the safeguards it shares with the entry.
std::vector<std::string> linked_safeguards(const json& result, const RiskEntry& e,
                                           const NamedRisks& named) {
  std::vector<std::string> shared;
  for (const auto& s : result["safeguards"]) {
    const auto id = s.get<std::string>();
    if (std::find(e.safeguards.begin(), e.safeguards.end(), id) != e.safeguards.end()) {
      shared.push_back(id);
    }
  }
  const auto it = named.find(result["check_id"].get_ref<const std::string&>());
  if (it == named.end()) {
    return shared;
  }
  if (it->second.count(e.id) == 0) {
    return {};
  }
  return shared.empty() ? e.safeguards : shared;
}

Evidence gather_evidence(const json& record, const RiskEntry& e, const NamedRisks& named,
                         RisksOf& risks_of) {
  Evidence ev;
  for (const auto& host : record["hosts"]) {
    if (host_status(host) != HostStatus::ok || !in_scope(host, e.asset_classes)) {
      continue;
    }
    ++ev.hosts_in_scope;
    for (const auto& result : host["results"]) {
      const auto safeguards = linked_safeguards(result, e, named);
      if (safeguards.empty()) {
        continue;
      }
      const auto status = result_status(result);
      for (const auto& s : safeguards) {
        ev.tally[s].add(status, result.value("weight", 1.0));
      }
      // A finding: a result that shows the safeguard missing (fail, error) or accepted as
      // missing (waived); one per result, however many of the entry's safeguards it counts for.
      const bool gap = is_gap(status);
      ev.gap = ev.gap || gap;
      if (is_finding(status)) {
        ev.findings.push_back({{"host", host["name"]},
                               {"check_id", result["check_id"]},
                               {"status", to_string(status)}});
        risks_of[{host["name"].get<std::string>(), result["check_id"].get<std::string>()}]
            .push_back(e.id);
      }
    }
  }
  return ev;
}

json entry_to_json(const RiskEntry& e, const RiskRegister& reg, Evidence& ev,
                   const std::set<std::string>& attested) {
  json states = json::object();
  bool all_in_place = true;
  bool any_assessed = false;
  for (const auto& s : e.safeguards) {
    auto& t = ev.tally[s];
    if (attested.count(s) != 0) {
      t.attest();
    }
    const auto state = t.state();
    states[s] = to_string(state);
    any_assessed = any_assessed || t.score().has_value() || t.attested();
    all_in_place = all_in_place && in_place(state);
  }
  // What cannot be shown to be in place counts as missing.
  const int expectancy = all_in_place ? e.expectancy_in_place : e.expectancy_missing;
  const int risk = e.impact() * expectancy;
  const bool acceptable = risk <= reg.max_acceptable_risk;
  const auto state = acceptable               ? RiskState::acceptable
                     : ev.gap || all_in_place ? RiskState::unacceptable
                                              : RiskState::no_evidence;
  return {{"id", e.id},
          {"title", e.title},
          {"safeguards", e.safeguards},
          {"asset_classes", e.asset_classes},
          {"threat", e.threat},
          {"vulnerability", e.vulnerability},
          {"impact",
           {{"mission", e.impact_mission},
            {"objectives", e.impact_objectives},
            {"obligations", e.impact_obligations},
            {"score", e.impact()}}},
          {"expectancy_in_place", e.expectancy_in_place},
          {"expectancy_missing", e.expectancy_missing},
          {"owner", e.owner},
          {"treatment", e.treatment},
          {"source", reg.file + ":" + std::to_string(e.line)},
          {"safeguard_states", states},
          {"assessed", any_assessed},
          {"hosts_in_scope", ev.hosts_in_scope},
          {"expectancy", expectancy},
          {"risk", risk},
          {"acceptable", acceptable},
          {"state", std::string(to_string(state))},
          {"findings", std::move(ev.findings)}};
}

} // namespace

void assess_risks(json& record, const RiskRegister& reg) {
  const auto attested = attested_safeguards(record);
  const auto named = named_risks(record, reg);
  RisksOf risks_of;
  json entries = json::array();
  int unacceptable = 0;
  int no_evidence = 0;
  for (const auto& e : reg.entries) {
    auto evidence = gather_evidence(record, e, named, risks_of);
    entries.push_back(entry_to_json(e, reg, evidence, attested));
    const auto state = risk_state(entries.back());
    unacceptable += state == RiskState::unacceptable ? 1 : 0;
    no_evidence += state == RiskState::no_evidence ? 1 : 0;
  }
  json impact_scale = json::array();
  for (const auto& l : reg.impact_scale) {
    impact_scale.push_back({{"level", l.level},
                            {"name", l.name},
                            {"mission", l.mission},
                            {"objectives", l.objectives},
                            {"obligations", l.obligations}});
  }
  json expectancy_scale = json::array();
  for (const auto& l : reg.expectancy_scale) {
    expectancy_scale.push_back(
        {{"level", l.level}, {"name", l.name}, {"description", l.description}});
  }
  record["risk"] = {{"register", {{"file", reg.file}, {"sha256", reg.sha256}, {"name", reg.name}}},
                    {"criteria",
                     {{"impact", impact_scale},
                      {"expectancy", expectancy_scale},
                      {"max_acceptable_risk", reg.max_acceptable_risk},
                      {"statement", reg.acceptance_statement}}},
                    {"entries", entries},
                    {"unacceptable", unacceptable},
                    {"no_evidence", no_evidence}};
  for (auto& host : record["hosts"]) {
    for (auto& result : host["results"]) {
      const auto it =
          risks_of.find({host["name"].get<std::string>(), result["check_id"].get<std::string>()});
      if (it != risks_of.end()) {
        result["risks"] = it->second;
      } else {
        result.erase("risks"); // only findings feed risks: no empty list per passing result
      }
    }
  }
}

} // namespace cisscan
