// The record of a scan from its hosts' runs: the JSON every report is made from (record/).
#include "pipeline/run.hpp"

#include "pipeline/entry_members.hpp"
#include "util/clock.hpp"
#include "util/files.hpp"
#include "util/json_text.hpp"
#include "util/text.hpp"

namespace cisscan {

namespace {

using cisscan::json;

std::string safe(std::string_view text) {
  return util::to_valid_utf8(text);
}

} // namespace

json probe_members(const ProbeSpec& spec) {
  json out;
  out["type"] = spec.type;
  out["argument"] = safe(spec.argument);
  out["command"] = spec.command;
  out["timeout_s"] = spec.timeout_seconds;
  return out;
}

json check_members(const Check& check) {
  json out;
  out["check_id"] = check.id;
  out["check_sha256"] = check.sha256;
  out["title"] = check.title;
  // `benchmarks`: every recommendation the check implements; `benchmark`: the first of them
  // (empty strings when there is none), as records have always carried it.
  out["benchmarks"] = json::array();
  for (const auto& b : check.benchmarks) {
    out["benchmarks"].push_back(
        {{"id", b.id}, {"version", b.version}, {"ref", b.ref}, {"level", b.level}});
  }
  out["benchmark"] = check.benchmarks.empty()
                         ? json{{"id", ""}, {"version", ""}, {"ref", ""}, {"level", ""}}
                         : out["benchmarks"][0];
  out["requires_root"] = check.requires_root;
  out["safeguards"] = check.safeguards;
  out["weight"] = check.weight;
  return out;
}

namespace {

// The probe's entry.
json probe_to_json(const ProbeRecord& probe) {
  json out = probe_members(probe.spec);
  out["id"] = probe.spec.id;
  out["state"] = std::string(to_string(probe.state));
  out["exit_code"] = probe.output.exit_code;
  if (util::is_valid_utf8(probe.output.output)) {
    out["output"] = probe.output.output;
    out["output_encoding"] = "utf-8";
  } else {
    out["output"] = util::base64_encode(probe.output.output);
    out["output_encoding"] = "base64";
  }
  out["output_bytes"] = probe.output.output_bytes;
  out["output_sha256"] = probe.output.sha256.empty() ? std::string() : probe.output.sha256;
  out["truncated"] = probe.output.truncated;
  out["complete"] = probe.output.complete;
  out["started_at"] = probe.output.started_at == util::WallTime{}
                          ? json(nullptr)
                          : json(util::rfc3339(probe.output.started_at));
  out["duration_ms"] = probe.output.duration_ms;
  return out;
}

json result_to_json(const CheckResult& result) {
  const auto& check = *result.check;
  json out = check_members(check);
  out["status"] = std::string(to_string(result.status));
  out["probe_ids"] = result.probe_ids;
  out["expected"] = safe(result.expected);
  out["observed"] = safe(result.observed);
  out["reason"] = safe(result.reason);
  return out;
}

} // namespace

json host_members(const HostRun& run) {
  json out;
  out["name"] = run.spec.name;
  out["address"] = run.spec.address();
  out["port"] = run.spec.port();
  out["transport"] = run.spec.transport;
  out["user"] = run.spec.user();
  out["become"] = run.spec.become().empty() ? json(nullptr) : json(run.spec.become());
  out["groups"] = run.spec.groups;
  if (!run.spec.node.empty()) {
    out["node"] = run.spec.node;
  }
  if (run.spec.vmid > 0) {
    out["vmid"] = run.spec.vmid;
  }
  if (!run.spec.guest_type.empty()) {
    out["type"] = run.spec.guest_type;
  }
  if (!run.spec.tags.empty()) {
    out["tags"] = run.spec.tags;
  }
  if (!run.spec.pool.empty()) {
    out["pool"] = run.spec.pool;
  }
  out["status"] = std::string(to_string(run.status));
  out["reason"] = safe(run.reason);
  out["identity"] = {
      {"host_key_sha256", run.host_key_sha256.empty() ? json(nullptr) : json(run.host_key_sha256)},
      {"machine_id",
       run.facts.machine_id.empty() ? json(nullptr) : json(safe(run.facts.machine_id))}};
  json facts = json::object();
  for (const auto& [key, value] : run.facts.values) {
    facts[key] = safe(value);
  }
  facts["packages_installed"] = run.facts.packages_installed();
  facts["services_enabled"] = run.facts.services.size();
  out["facts"] = facts;
  out["roles"] = run.roles;
  out["stats"] = {{"channels", run.stats.channels},
                  {"bytes_in", run.stats.bytes_in},
                  {"bytes_out", run.stats.bytes_out},
                  {"duration_ms", run.duration_ms}};
  out["started_at"] = run.started_at;
  out["finished_at"] = run.finished_at;
  return out;
}

json host_to_json(const HostRun& run) {
  auto out = host_members(run);
  auto& results = out["results"] = json::array();
  for (const auto& result : run.results) {
    results.push_back(result_to_json(result));
  }
  auto& probes = out["probes"] = json::array();
  for (const auto& probe : run.probes) {
    probes.push_back(probe_to_json(probe));
  }
  return out;
}

std::string new_run_id(const std::string& started_at) {
  return started_at.substr(0, 19) + "Z-" + util::random_hex(4);
}

json build_record(const RunInfo& info, const Catalog& catalog, const ControlsCatalog& controls,
                  const std::vector<HostRun>& hosts) {
  std::vector<json> entries;
  entries.reserve(hosts.size());
  for (const auto& host : hosts) {
    entries.push_back(host_to_json(host));
  }
  return build_record_from_entries(info, catalog, controls, std::move(entries));
}

json build_record_from_entries(const RunInfo& info, const Catalog& catalog,
                               const ControlsCatalog& controls, std::vector<json> hosts) {
  json record;
  record["schema_version"] = k_schema_version;
  record["run"] = {{"id", info.id},
                   {"started_at", info.started_at},
                   {"finished_at", info.finished_at},
                   {"scanner_version", info.scanner_version},
                   {"catalog_digest", catalog.digest},
                   {"catalog_files", catalog.files},
                   {"checks_paths", info.checks_paths},
                   {"controls_version", "v" + controls.version()},
                   {"inventory_source", info.inventory_source},
                   {"operator", info.operator_name}};
  if (!info.shard.empty()) {
    record["run"]["shard"] = info.shard;
  }
  if (info.selection) {
    record["run"]["selection"] = {{"profile", info.selection->profile},
                                  {"only", info.selection->only},
                                  {"skip", info.selection->skip},
                                  {"checks_selected", catalog.checks.size()},
                                  {"checks_in_catalog", info.checks_in_catalog}};
  }
  record["hosts"] = json::array();
  for (auto& host : hosts) {
    record["hosts"].push_back(std::move(host));
  }
  json safeguards = json::object();
  for (const auto& s : controls.safeguards()) {
    safeguards[s.id] = {
        {"title", s.title}, {"control", s.control}, {"ig1", s.ig1}, {"ig2", s.ig2}, {"ig3", s.ig3}};
  }
  json control_titles = json::object();
  for (const auto& control : controls.controls()) {
    control_titles[control.id] = control.title;
  }
  record["catalog"] = {{"safeguards", safeguards}, {"controls", control_titles}};
  // What every result of a check shares, once per run rather than once per result.
  json checks = json::object();
  for (const auto& check : catalog.checks) {
    checks[check->id] = {{"title", check->title},
                         {"rationale", check->rationale},
                         {"remediation", check->remediation},
                         {"file", check->file + ":" + std::to_string(check->line)}};
    if (!check->risks.empty()) {
      checks[check->id]["risks"] = check->risks; // read by assess_risks, also on `report`
    }
  }
  record["checks"] = checks;
  return record;
}

} // namespace cisscan
