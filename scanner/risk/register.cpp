#include "risk/register.hpp"

#include "risk/evidence.hpp"

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

std::vector<ScaleLevel> read_scale(const util::YamlFile& file, const yaml::Node& node,
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

RiskEntry read_entry(const util::YamlFile& file, const yaml::Node& node,
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
} catch (const yaml::Exception& e) {
  throw util::yaml_error(path, e);
}

namespace {

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
          {"findings", ev.findings.take()}};
}

} // namespace

void assess_risks(json& record, const RiskRegister& reg) {
  EvidencePass evidence(record, reg);
  size_t index = 0;
  for (auto& host : record["hosts"]) {
    evidence.add(host, index++);
  }
  assess_risks(record, reg, evidence);
}

void assess_risks(json& record, const RiskRegister& reg, EvidencePass& evidence) {
  const auto attested = attested_safeguards(record);
  json entries = json::array();
  int unacceptable = 0;
  int no_evidence = 0;
  for (size_t k = 0; k < reg.entries.size(); ++k) {
    entries.push_back(entry_to_json(reg.entries[k], reg, evidence.entries()[k], attested));
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
}

} // namespace cisscan
