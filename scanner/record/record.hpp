// The record: one JSON document per run, the single source of every report.
#pragma once

#include "catalog/check.hpp"
#include "catalog/controls.hpp"
#include "catalog/selection.hpp"
#include "exceptions/exceptions.hpp"
#include "inventory/inventory.hpp"
#include "pipeline/scan.hpp"
#include "risk/register.hpp"
#include "util/json.hpp"
#include "util/json_file.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

inline constexpr const char* k_schema_version = "1.0";

struct RunInfo {
  std::string id;
  std::string started_at;
  std::string finished_at;
  std::string scanner_version;
  std::string operator_name;
  std::string inventory_source;
  std::vector<std::string> checks_paths;
  std::string shard; // "I/N" when this run scanned one shard of the inventory (--shard)
  // The checks the run selected from its catalog (--profile, --only, --skip) and how many the
  // catalog held; without one the record has no run.selection (the catalog ran whole).
  std::optional<Selection> selection;
  size_t checks_in_catalog = 0;
};

// A run's id: its start time to the second and 4 random bytes ("2026-12-01T22:35:44Z-1a2b3c4d").
std::string new_run_id(const std::string& started_at);
cisscan::json host_to_json(const HostRun& run);
// The record of a scan, without its assessment (see assess_record).
cisscan::json build_record(const RunInfo& info, const Catalog& catalog,
                           const ControlsCatalog& controls, const std::vector<HostRun>& hosts);

struct Assessment {
  ExceptionFiles exceptions;
  std::optional<RiskRegister> risk;
  std::string as_of; // YYYY-MM-DD: the day waivers and attestations are judged against
};

// Applies waivers and attestations, scores, and assesses the risk register: the same on a fresh
// record and on a saved one (which keeps each result's original status).
void assess_record(cisscan::json& record, const ControlsCatalog& controls,
                   const Assessment& assessment);
// Throws ConfigError naming the file when it is not a cisscan record, or when a member of the
// record's contract (record/contract.hpp) is missing or of the wrong type: every reader may rely
// on those.
cisscan::json load_record(const std::filesystem::path& path);
// Throws ConfigError "PATH: not a valid cisscan record: hosts[0].results[2]: missing 'status'"
// at the record's first problem against its contract; members `keep` drops are not looked for.
void validate_record(const std::filesystem::path& path, const cisscan::json& record,
                     const util::KeepMember& keep = {});
// The same for one host of a record, hosts[index] (for a reader that takes hosts one by one).
void validate_record_host(const std::filesystem::path& path, size_t index,
                          const cisscan::json& host, const util::KeepMember& keep);
// Reads a record file in one pass over its bytes, holding neither its text nor all its hosts:
// each host, filtered by `keep`, is checked against the contract and handed to `on_host` as soon
// as it is read (hosts are skipped when `on_host` is empty). Returns the other members `keep`
// keeps, checked against the contract, with "hosts" an empty list. Errors as load_record's.
using HostSink = std::function<void(cisscan::json host)>;
cisscan::json stream_record(const std::filesystem::path& path, const util::KeepMember& keep,
                            const HostSink& on_host);
// Only what `cisscan diff` reads (run id and times, hosts with their identity, status and each
// result's check id, status and title, and the scores): the parser drops the rest as it goes.
cisscan::json load_record_summary(const std::filesystem::path& path);

} // namespace cisscan
