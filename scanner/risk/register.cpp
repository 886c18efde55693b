#include "risk/register.hpp"

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

void assess_risks(json& record, const RiskRegister& reg) {
  const auto attested = attested_safeguards(record);
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> risks_of; // host,check
  json entries = json::array();
  int unacceptable = 0;
  for (const auto& e : reg.entries) {
    // Per safeguard: its results on the scanned hosts in scope, by the rule scores use.
    std::map<std::string, SafeguardTally> tally;
    json findings = json::array();
    int hosts_in_scope = 0;
    for (const auto& host : record["hosts"]) {
      if (host["status"] != "ok" || !in_scope(host, e.asset_classes)) {
        continue;
      }
      ++hosts_in_scope;
      for (const auto& result : host["results"]) {
        const auto status = result["status"].get<std::string>();
        const double weight = result.value("weight", 1.0);
        // A finding: a result that shows the safeguard missing (fail, error) or accepted as
        // missing (waived); one per result, however many of the entry's safeguards it maps to.
        const bool gap = status == "fail" || status == "error" || status == "waived";
        bool finding = false;
        for (const auto& s : result["safeguards"]) {
          const auto id = s.get<std::string>();
          if (std::find(e.safeguards.begin(), e.safeguards.end(), id) == e.safeguards.end()) {
            continue;
          }
          tally[id].add(status, weight);
          finding = finding || gap;
        }
        if (finding) {
          findings.push_back(
              {{"host", host["name"]}, {"check_id", result["check_id"]}, {"status", status}});
          risks_of[{host["name"].get<std::string>(), result["check_id"].get<std::string>()}]
              .push_back(e.id);
        }
      }
    }
    json states = json::object();
    bool all_in_place = true;
    bool any_assessed = false;
    for (const auto& s : e.safeguards) {
      auto& t = tally[s];
      if (attested.count(s) != 0) {
        t.attest();
      }
      const auto state = t.state();
      states[s] = state;
      any_assessed = any_assessed || t.score().has_value() || t.attested();
      all_in_place = all_in_place && in_place(state);
    }
    // What cannot be shown to be in place counts as missing.
    const int expectancy = all_in_place ? e.expectancy_in_place : e.expectancy_missing;
    const int risk = e.impact() * expectancy;
    const bool acceptable = risk <= reg.max_acceptable_risk;
    unacceptable += acceptable ? 0 : 1;
    entries.push_back({{"id", e.id},
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
                       {"hosts_in_scope", hosts_in_scope},
                       {"expectancy", expectancy},
                       {"risk", risk},
                       {"acceptable", acceptable},
                       {"findings", findings}});
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
                    {"unacceptable", unacceptable}};
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
