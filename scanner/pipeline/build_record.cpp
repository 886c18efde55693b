// The record of a scan from its hosts' runs: the JSON every report is made from (record/).
#include "pipeline/run.hpp"

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

// The catalog's probe as `lean` holds it, where the probe a host ran is that one (its type,
// argument and time limit) with the catalog's command, or with that command after a prefix of
// its own: a probe answered from the facts says so before the command (pipeline/derive.cpp).
// `prefix` is that prefix, empty when the command is the catalog's as it is. Else null.
const ResultMembers::Probe* catalog_probe(const ProbeSpec& spec, const ResultMembers* lean,
                                          std::string_view& prefix) {
  if (lean == nullptr) {
    return nullptr;
  }
  const auto found = lean->by_probe.find(spec.id);
  if (found == lean->by_probe.end() || found->second.type != spec.type ||
      found->second.argument != spec.argument ||
      found->second.timeout_seconds != spec.timeout_seconds ||
      !std::string_view(spec.command).ends_with(found->second.command)) {
    return nullptr;
  }
  prefix =
      std::string_view(spec.command).substr(0, spec.command.size() - found->second.command.size());
  // Escaped apart, the two halves make the whole's text; a prefix that is not UTF-8 (no command
  // the scanner builds has one) is written with the rest as one string, its bad bytes replaced
  // there, so nothing depends on how a replacement falls at the seam.
  return util::is_valid_utf8(prefix) ? &found->second : nullptr;
}

// A probe's members that the catalog decides (catalog_probe).
json probe_members(const ProbeSpec& spec) {
  json out;
  out["type"] = spec.type;
  out["argument"] = safe(spec.argument);
  out["command"] = spec.command;
  out["timeout_s"] = spec.timeout_seconds;
  return out;
}

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

// The text of the probe's entry, byte for byte what append_host_text writes for probe_to_json's
// tree (the catalog's probe members as `lean` holds their text, where the host ran the probe as
// the catalog wrote it or answered it from the facts), without making the tree: a host's ~130
// probe entries were a sixth of the scanner's work a host (benchmarks/README.md, 2026-12-05).
// The members in key order, as the tree's map holds them.
void append_probe_text(std::string& out, const ProbeRecord& probe, const ResultMembers* lean) {
  const auto& spec = probe.spec;
  const auto& output = probe.output;
  std::string_view prefix;
  const auto* known = catalog_probe(spec, lean, prefix);
  bool first = true;
  // A member's key: these names are plain ASCII, with nothing to escape.
  const auto key = [&](std::string_view name) {
    out += first ? "\"" : ",\"";
    out += name;
    out += "\":";
    first = false;
  };
  // A member the catalog's text holds as it is for this probe, else written from the spec.
  const auto spec_member = [&](std::string_view name, const auto& write) {
    if (known == nullptr) {
      key(name);
      write();
      return;
    }
    for (const auto& [member, text] : known->members) {
      if (member != name) {
        continue;
      }
      out += first ? "" : ",";
      first = false;
      if (name == "command" && !prefix.empty()) {
        // The prefix's text without its closing quote, then the catalog's after its opening one.
        constexpr std::string_view k_key = R"("command":)";
        out += k_key;
        util::append_json_string(out, prefix);
        out.pop_back();
        out += std::string_view(text).substr(k_key.size() + 1);
      } else {
        out += text;
      }
    }
  };
  const auto text_of = [&](std::string_view text) { util::append_json_string(out, text); };
  const auto number = [&](auto value) {
    util::append_json_number(out, static_cast<long long>(value));
  };
  out += '{';
  spec_member("argument", [&] { text_of(safe(spec.argument)); });
  spec_member("command", [&] { text_of(spec.command); });
  key("complete");
  out += output.complete ? "true" : "false";
  key("duration_ms");
  number(output.duration_ms);
  key("exit_code");
  number(output.exit_code);
  key("id");
  text_of(spec.id);
  const bool utf8 = util::is_valid_utf8(output.output);
  key("output");
  if (utf8) {
    text_of(output.output);
  } else {
    text_of(util::base64_encode(output.output));
  }
  key("output_bytes");
  util::append_json_number(out, static_cast<unsigned long long>(output.output_bytes));
  key("output_encoding");
  out += utf8 ? "\"utf-8\"" : "\"base64\"";
  key("output_sha256");
  text_of(output.sha256);
  key("started_at");
  if (output.started_at == util::WallTime{}) {
    out += "null";
  } else {
    text_of(util::rfc3339(output.started_at));
  }
  key("state");
  text_of(to_string(probe.state));
  spec_member("timeout_s", [&] { number(spec.timeout_seconds); });
  key("truncated");
  out += output.truncated ? "true" : "false";
  spec_member("type", [&] { text_of(spec.type); });
  out += '}';
}

// A result's members that depend on its check alone (result_members).
json check_members(const Check& check) {
  json out;
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
  return out;
}

// The result, without its check_members when `lean` holds them. Its check_id, status,
// safeguards and weight are there either way: the assessment reads them.
json result_to_json(const CheckResult& result, const ResultMembers* lean) {
  const auto& check = *result.check;
  json out =
      lean != nullptr && lean->by_check.contains(check.id) ? json::object() : check_members(check);
  out["check_id"] = check.id;
  out["status"] = std::string(to_string(result.status));
  out["safeguards"] = check.safeguards;
  out["weight"] = check.weight;
  out["probe_ids"] = result.probe_ids;
  out["expected"] = safe(result.expected);
  out["observed"] = safe(result.observed);
  out["reason"] = safe(result.reason);
  return out;
}

} // namespace

ResultMembers result_members(const Catalog& catalog) {
  ResultMembers members;
  for (const auto& check : catalog.checks) {
    auto& texts = members.by_check[check->id];
    const auto shared = check_members(*check);
    for (const auto& [key, value] : shared.items()) {
      texts.push_back(util::member_text(key, value));
    }
    if (!check->probe || members.by_probe.contains(check->probe->id)) {
      continue;
    }
    const auto& spec = *check->probe;
    auto& probe = members.by_probe[spec.id];
    probe = {spec.type, spec.argument, spec.command, spec.timeout_seconds, {}};
    const auto values = probe_members(spec);
    for (const auto& [key, value] : values.items()) {
      probe.members.push_back(util::member_text(key, value));
    }
  }
  return members;
}

namespace {

// The host's entry but its probes, with its results (lean where `lean` holds their members).
json host_without_probes(const HostRun& run, const ResultMembers* lean) {
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
  out["results"] = json::array();
  for (const auto& result : run.results) {
    out["results"].push_back(result_to_json(result, lean));
  }
  return out;
}

} // namespace

json host_to_json(const HostRun& run, const ResultMembers* lean) {
  auto out = host_without_probes(run, lean);
  auto& probes = out["probes"] = json::array();
  for (const auto& probe : run.probes) {
    probes.push_back(probe_to_json(probe));
  }
  return out;
}

HostRecordEntry record_entry(const HostRun& run, const ResultMembers* lean) {
  if (lean == nullptr) {
    return {host_to_json(run), {}};
  }
  HostRecordEntry entry{host_without_probes(run, lean), "["};
  entry.host["probes"] = json::array();
  entry.host["probes"].get_ref<json::array_t&>().resize(run.probes.size());
  size_t room = 2;
  for (const auto& probe : run.probes) {
    room += probe.output.output.size() + 512; // its members, escapes, base64's third more
  }
  entry.probes.reserve(room);
  for (size_t i = 0; i < run.probes.size(); ++i) {
    entry.probes += i == 0 ? "" : ",";
    append_probe_text(entry.probes, run.probes[i], lean);
  }
  entry.probes += ']';
  return entry;
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
