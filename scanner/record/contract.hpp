// The record's contract as one table: the members every reader (renderers, diff, gate, history)
// relies on, with their types and allowed values. These are the required members and the enums
// of reports/schema/record.schema.json; validate_record checks them when a record is read.
#pragma once

#include "model/status.hpp"

#include <string_view>
#include <utility>
#include <vector>

namespace cisscan::contract {

enum class Kind { string, integer, number, boolean, object, array, map };

struct Member;

struct Shape {
  Kind kind;
  bool nullable = false;
  std::vector<Member> members;          // object: its known members
  std::vector<Shape> items;             // array: each item's shape; map: each value's
  std::vector<std::string_view> one_of; // string: the allowed values (empty: any)
};

struct Member {
  std::string_view key;
  Shape shape;
  bool required = true;
};

inline Shape scalar(Kind kind, bool nullable = false) {
  return {kind, nullable, {}, {}, {}};
}
inline Shape object(std::vector<Member> members) {
  return {Kind::object, false, std::move(members), {}, {}};
}
inline Shape array_of(Shape item) {
  return {Kind::array, false, {}, {std::move(item)}, {}};
}
inline Shape map_of(Shape value) {
  return {Kind::map, false, {}, {std::move(value)}, {}};
}
inline Shape one_of(std::vector<std::string_view> values, bool nullable = false) {
  return {Kind::string, nullable, {}, {}, std::move(values)};
}
inline Member optional(std::string_view key, Shape shape) {
  return {key, std::move(shape), false};
}

inline const Shape k_string = scalar(Kind::string);
inline const Shape k_string_or_null = scalar(Kind::string, true);
inline const Shape k_integer = scalar(Kind::integer);
inline const Shape k_number = scalar(Kind::number);
inline const Shape k_score = scalar(Kind::number, true);
inline const Shape k_boolean = scalar(Kind::boolean);
inline const Shape k_any_object = scalar(Kind::object);
inline const Shape k_any_array = scalar(Kind::array);
inline const Shape k_strings = array_of(k_string);
inline const Shape k_host_status = one_of(k_host_statuses.all());
inline const Shape k_result_status = one_of(k_result_statuses.all());
inline const Shape k_safeguard_state = one_of(k_safeguard_states.all());
inline const Shape k_exception_state = one_of({"current", "expired"});
inline const Shape k_host_checks = array_of(object({{"host", k_string}, {"check_id", k_string}}));

inline const Shape k_probe = object({
    {"id", k_string},
    {"type", k_string},
    {"argument", k_string},
    {"command", k_string},
    {"state", one_of(k_probe_states.all())},
    {"exit_code", k_integer},
    {"output", k_string},
    {"output_encoding", one_of({"utf-8", "base64"})},
    {"output_bytes", k_integer},
    {"output_sha256", k_string},
    {"truncated", k_boolean},
    {"complete", k_boolean},
    {"started_at", k_string_or_null},
    {"duration_ms", k_integer},
    {"timeout_s", k_integer},
});

inline const Shape k_benchmark =
    object({{"id", k_string}, {"version", k_string}, {"ref", k_string}, {"level", k_string}});

inline const Shape k_result = object({
    {"check_id", k_string},
    {"check_sha256", k_string},
    {"title", k_string},
    {"status", k_result_status},
    {"benchmark", k_benchmark},
    optional("benchmarks", array_of(k_benchmark)), // written since checks name several
    {"safeguards", k_strings},
    {"weight", k_number},
    {"requires_root", k_boolean},
    {"probe_ids", k_strings},
    {"expected", k_string},
    {"observed", k_string},
    {"reason", k_string},
    optional("original_status", k_result_status),
    optional("risks", k_strings),
    optional("rationale", k_string),
    optional("remediation", k_string),
    optional("waiver", object({{"id", k_string},
                               {"approved_by", k_string},
                               {"expires", k_string},
                               {"justification", k_string}})),
    optional("attestation", object({{"id", k_string},
                                    {"statement", k_string},
                                    {"evidence", k_string},
                                    {"attested_by", k_string},
                                    {"date", k_string},
                                    {"expires", k_string}})),
});

inline const Shape k_host = object({
    {"name", k_string},
    {"address", k_string},
    {"port", k_integer},
    {"transport", one_of({"local", "ssh", "pct", "qga"})},
    {"user", k_string},
    {"become", one_of({"sudo"}, true)},
    {"groups", k_strings},
    {"status", k_host_status},
    {"reason", k_string},
    {"identity", object({{"host_key_sha256", k_string_or_null}, {"machine_id", k_string_or_null}})},
    {"facts", object({{"packages_installed", k_integer}, {"services_enabled", k_integer}})},
    {"roles", k_strings},
    {"stats", object({{"channels", k_integer},
                      {"bytes_in", k_integer},
                      {"bytes_out", k_integer},
                      {"duration_ms", k_integer}})},
    {"started_at", k_string},
    {"finished_at", k_string},
    {"probes", array_of(k_probe)},
    {"results", array_of(k_result)},
});

inline const Shape k_tallies = map_of(object({
    {"score", k_score},
    {"state", k_safeguard_state},
    {"counts", object({{"pass", k_integer},
                       {"fail", k_integer},
                       {"error", k_integer},
                       {"not_applicable", k_integer},
                       {"manual", k_integer},
                       {"waived", k_integer}})},
}));

inline const Shape k_ig1 = object({{"score", k_score},
                                   {"assessed", k_integer},
                                   {"automated", k_integer},
                                   {"attested", k_integer},
                                   {"total", k_integer}});

inline const Shape k_scores = object({
    {"safeguards", k_tallies},
    {"controls", k_tallies},
    {"ig1", k_ig1},
    {"hosts",
     map_of(object({{"status", k_host_status}, {"ig1", k_ig1}, {"safeguards", k_tallies}}))},
    {"hosts_in_scope", k_integer},
    {"hosts_scanned", k_integer},
});

inline const Shape k_waiver = object({
    {"id", k_string},
    {"checks", k_string},
    {"hosts", k_any_object},
    {"justification", k_string},
    {"approved_by", k_string},
    {"expires", k_string},
    {"state", k_exception_state},
    {"matched", k_integer},
    {"source", k_string},
    optional("ticket", k_string),
    optional("applied_to", k_host_checks),
    optional("would_apply_to", k_host_checks),
});

inline const Shape k_attestation = object({
    {"id", k_string},
    {"safeguard", k_string_or_null},
    {"check", k_string_or_null},
    {"statement", k_string},
    {"evidence", k_string},
    {"attested_by", k_string},
    {"date", k_string},
    {"expires", k_string},
    {"state", k_exception_state},
    {"source", k_string},
    optional("hosts", k_any_object),
    optional("matched", k_integer),
    optional("covers", k_host_checks),
});

inline const Shape k_risk_entry = object({
    {"id", k_string},
    {"title", k_string},
    {"safeguards", k_strings},
    {"asset_classes",
     array_of(one_of({"pve-node", "vm", "lxc", "container", "bare-metal", "any"}))},
    {"threat", k_string},
    {"vulnerability", k_string},
    {"impact", object({{"mission", k_integer},
                       {"objectives", k_integer},
                       {"obligations", k_integer},
                       {"score", k_integer}})},
    {"expectancy_in_place", k_integer},
    {"expectancy_missing", k_integer},
    {"owner", k_string},
    {"treatment", one_of({"reduce", "accept", "transfer", "avoid"})},
    {"safeguard_states", map_of(k_safeguard_state)},
    {"expectancy", k_integer},
    {"risk", k_integer},
    {"acceptable", k_boolean},
    optional("state", one_of({"acceptable", "unacceptable", "no_evidence"})),
    {"findings", k_host_checks},
});

inline const Shape k_record = object({
    {"schema_version", k_string},
    {"run", object({{"id", k_string},
                    {"started_at", k_string},
                    {"finished_at", k_string},
                    {"scanner_version", k_string},
                    {"catalog_digest", k_string},
                    {"catalog_files", k_strings},
                    {"checks_paths", k_strings},
                    {"controls_version", k_string},
                    {"inventory_source", k_string},
                    {"operator", k_string},
                    optional("selection", object({{"profile", k_string},
                                                  {"only", k_strings},
                                                  {"skip", k_strings},
                                                  {"checks_selected", k_integer},
                                                  {"checks_in_catalog", k_integer}}))})},
    {"hosts", array_of(k_host)},
    {"scores", k_scores},
    {"catalog", object({{"safeguards", map_of(object({{"title", k_string},
                                                      {"control", k_string},
                                                      {"ig1", k_boolean},
                                                      {"ig2", k_boolean},
                                                      {"ig3", k_boolean}}))},
                        {"controls", map_of(k_string)}})},
    optional("waivers", object({{"as_of", k_string}, {"entries", array_of(k_waiver)}})),
    optional("attestations", object({{"as_of", k_string}, {"entries", array_of(k_attestation)}})),
    optional("exception_files", array_of(object({{"path", k_string},
                                                 {"kind", one_of({"waivers", "attestations"})},
                                                 {"sha256", k_string}}))),
    optional("risk", object({{"register", object({{"file", k_string}, {"sha256", k_string}})},
                             {"criteria", object({{"impact", k_any_array},
                                                  {"expectancy", k_any_array},
                                                  {"max_acceptable_risk", k_integer}})},
                             {"entries", array_of(k_risk_entry)},
                             {"unacceptable", k_integer},
                             optional("no_evidence", k_integer)})),
    optional("history", object({{"store", k_string},
                                {"ig1_over_time", array_of(object({{"started_at", k_string},
                                                                   {"score", k_score}}))}})),
    optional("checks", map_of(object({{"title", k_string},
                                      {"rationale", k_string},
                                      {"remediation", k_string},
                                      optional("risks", k_strings)}))),
});

} // namespace cisscan::contract
