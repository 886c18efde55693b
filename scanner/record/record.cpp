#include "record/record.hpp"

#include "record/contract.hpp"
#include "util/error.hpp"
#include "util/json_file.hpp"

#include <set>

namespace cisscan {

namespace {

using cisscan::json;

json checked_record(const std::filesystem::path& path, json record,
                    const util::KeepMember& keep = {}) {
  if (!record.contains("schema_version") || !record.contains("hosts")) {
    throw ConfigError(path.string() + ": not a cisscan record (no schema_version or hosts)");
  }
  validate_record(path, record, keep);
  return record;
}

} // namespace

json load_record(const std::filesystem::path& path) {
  return checked_record(path, util::load_json_object(path));
}

json load_record_summary(const std::filesystem::path& path) {
  static const std::set<std::string, std::less<>> k_dropped = {
      "probes",       "facts",           "catalog",       "checks",      "risk",     "waivers",
      "attestations", "exception_files", "history",       "expected",    "observed", "reason",
      "benchmark",    "probe_ids",       "rationale",     "remediation", "risks",    "waiver",
      "attestation",  "weight",          "requires_root", "roles",       "stats"};
  // Under "hosts", depth 5 is a result's own keys: there "safeguards" goes too. Under "run" and
  // "scores" every member stays (the latter's keys are host names and safeguard ids).
  const util::KeepMember keep = [](std::string_view top, int depth, std::string_view key) {
    if (depth > 1 && top != "hosts") {
      return true;
    }
    return k_dropped.count(key) == 0 && !(depth == 5 && key == "safeguards");
  };
  return checked_record(path, util::load_json_object(path, keep), keep);
}

} // namespace cisscan
