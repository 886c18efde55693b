#include "cli/assessment_args.hpp"

#include "cli/paths.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/yaml.hpp"

namespace cisscan {

void add_assessment_options(CLI::App* command, AssessmentArgs& args) {
  command->add_option("--risk", args.risk,
                      "CIS RAM risk register YAML (default: the shipped IG1 register)");
  command->add_option("--waivers", args.waivers, "Waiver file (repeatable)");
  command->add_option("--attestations", args.attestations, "Attestation file (repeatable)");
  command->add_option("--as-of", args.as_of,
                      "Judge waiver and attestation expiry as of this date (YYYY-MM-DD; "
                      "default today)");
}

Assessment load_assessment(const AssessmentArgs& args, const ControlsCatalog& controls) {
  Assessment assessment;
  assessment.as_of = args.as_of.empty() ? util::today() : args.as_of;
  if (!util::is_date(assessment.as_of)) {
    throw ConfigError("--as-of: expected a calendar date YYYY-MM-DD, not '" + args.as_of + "'");
  }
  const auto record_file = [&](const std::string& path, const char* kind) {
    assessment.exceptions.files.push_back(
        {{"path", path}, {"kind", kind}, {"sha256", util::sha256_hex(util::read_file(path))}});
  };
  for (const auto& path : args.waivers) {
    auto loaded = load_waivers(path);
    assessment.exceptions.waivers.insert(assessment.exceptions.waivers.end(), loaded.begin(),
                                         loaded.end());
    record_file(path, "waivers");
  }
  const auto known = [&](const std::string& id) { return controls.find(id) != nullptr; };
  for (const auto& path : args.attestations) {
    auto loaded = load_attestations(path, known);
    assessment.exceptions.attestations.insert(assessment.exceptions.attestations.end(),
                                              loaded.begin(), loaded.end());
    record_file(path, "attestations");
  }
  const auto risk_file = args.risk.empty() ? default_checks_dir() / "risk" / "register.yaml"
                                           : std::filesystem::path(args.risk);
  if (!args.risk.empty() || std::filesystem::exists(risk_file)) {
    assessment.risk = load_register(risk_file, controls);
  }
  return assessment;
}

} // namespace cisscan
