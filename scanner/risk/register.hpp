// The CIS RAM risk register: criteria (impact and expectancy scales, acceptance) and entries
// tied to safeguards. After a scan each entry's expectancy follows its safeguards' state on the
// assets in scope; risk = impact × expectancy, acceptable or not against the criterion.
#pragma once

#include "catalog/controls.hpp"
#include "util/json.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace cisscan {

struct ScaleLevel {
  int level = 0;
  std::string name;
  std::string mission;     // impact only
  std::string objectives;  // impact only
  std::string obligations; // impact only
  std::string description; // expectancy only
};

struct RiskEntry {
  std::string id;
  std::string title;
  std::vector<std::string> safeguards;
  std::vector<std::string> asset_classes; // host roles, or "any"
  std::string threat;
  std::string vulnerability;
  int impact_mission = 0;
  int impact_objectives = 0;
  int impact_obligations = 0;
  int expectancy_in_place = 0;
  int expectancy_missing = 0;
  std::string owner;
  std::string treatment; // reduce | accept | transfer | avoid
  int line = 0;

  int impact() const;
};

struct RiskRegister {
  std::string file;
  std::string sha256;
  std::string name;
  std::vector<ScaleLevel> impact_scale;
  std::vector<ScaleLevel> expectancy_scale;
  int max_acceptable_risk = 0;
  std::string acceptance_statement;
  std::vector<RiskEntry> entries;
};

// Throws ConfigError naming file and line: unknown keys, levels outside the scale, unknown
// safeguards, duplicate ids, in_place above missing.
RiskRegister load_register(const std::filesystem::path& path, const ControlsCatalog& controls);

// Sets record["risk"] (criteria, entries with their risk and state, the counts of unacceptable and
// no-evidence entries) and each finding's `risks`. A result is linked to the entries its check
// names (`risks:` of the check, in record["checks"]) that this register has; a check that names
// none of them links by safeguard, to every entry sharing one. Only linked results on scanned
// hosts in scope are an entry's evidence (model/risk_state.hpp).
void assess_risks(cisscan::json& record, const RiskRegister& reg);
// The same from evidence gathered host by host (risk/evidence.hpp), the findings' `risks` already
// set: record["risk"] only; the record's hosts are not read.
class EvidencePass;
void assess_risks(cisscan::json& record, const RiskRegister& reg, EvidencePass& evidence);

} // namespace cisscan
