// Hand-built run records for the unit tests: sample_record() is one host with a pass, a fail, an
// error and a not_applicable result, and host text that tries to break out of XML and HTML;
// make_result, make_host and make_record build small records whose scores a test works out by hand.
#pragma once

#include "catalog/controls.hpp"
#include "score/score.hpp"
#include "shipped_controls.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

#include <string>
#include <vector>

namespace cisscan::test {

inline const std::string k_hostile = "<script>alert(1)</script> ]]> \x01 & \"q\" 'a'";
inline const std::string k_binary = std::string("\xFF\xFE<script>\x00\xC0", 12);

inline cisscan::json sample_record() {
  using cisscan::json;
  const auto& controls = shipped_controls();
  const auto probe = [](const std::string& id, const std::string& output, bool base64) {
    return json{{"id", id},
                {"type", "command"},
                {"argument", "cat /etc/<script>"},
                {"command", "cat /etc/<script>"},
                {"state", "ok"},
                {"exit_code", 0},
                {"output", base64 ? util::base64_encode(output) : output},
                {"output_encoding", base64 ? "base64" : "utf-8"},
                {"output_bytes", output.size()},
                {"output_sha256", std::string(64, 'a')},
                {"truncated", false},
                {"complete", true},
                {"started_at", "2026-01-01T00:00:00.000Z"},
                {"duration_ms", 250},
                {"timeout_s", 30}};
  };
  const auto result = [](const std::string& id, const std::string& status,
                         const std::string& probe_id) {
    return json{{"check_id", id},
                {"check_sha256", std::string(64, 'b')},
                {"title", "Title of " + id},
                {"status", status},
                {"benchmark",
                 {{"id", "cis-debian12"}, {"version", "1.1.0"}, {"ref", "1.1"}, {"level", "L1"}}},
                {"safeguards", json::array({"4.1"})},
                {"weight", 1.0},
                {"requires_root", false},
                {"probe_ids", probe_id.empty() ? json::array() : json::array({probe_id})},
                {"expected", "a line matching /^ok$/"},
                {"observed", status == "pass" ? "ok" : k_hostile},
                {"reason", status == "error" ? "probe failed: " + k_hostile : ""},
                {"rationale", "Because."},
                {"remediation", "Fix <it>."}};
  };
  json host = {
      {"name", "web1"},
      {"address", "10.0.0.21"},
      {"port", 22},
      {"transport", "ssh"},
      {"user", "audit"},
      {"become", "sudo"},
      {"groups", json::array()},
      {"status", "ok"},
      {"reason", ""},
      {"identity", {{"host_key_sha256", "SHA256:abc"}, {"machine_id", "0123"}}},
      {"facts", {{"os_pretty_name", "Debian <script>x</script>"}, {"user", "audit"}}},
      {"roles", json::array({"vm"})},
      {"stats", {{"channels", 2}, {"bytes_in", 10}, {"bytes_out", 10}, {"duration_ms", 1500}}},
      {"started_at", "2026-01-01T00:00:00.000Z"},
      {"finished_at", "2026-01-01T00:00:01.500Z"},
      {"probes", json::array({probe("p-text", "ok\n" + k_hostile + "\n", false),
                              probe("p-binary", k_binary, true)})},
      {"results",
       json::array({result("c-pass", "pass", "p-text"), result("c-fail", "fail", "p-text"),
                    result("c-error", "error", "p-binary"), result("c-na", "not_applicable", "")})},
  };
  json record;
  record["schema_version"] = "1.0";
  record["run"] = {{"id", "run-1"},
                   {"started_at", "2026-01-01T00:00:00.000Z"},
                   {"finished_at", "2026-01-01T00:00:02.000Z"},
                   {"scanner_version", "0.1.0"},
                   {"catalog_digest", std::string(64, 'c')},
                   {"catalog_files", json::array()},
                   {"checks_paths", json::array()},
                   {"controls_version", "v8"},
                   {"inventory_source", "inventory.yaml"},
                   {"operator", "auditor"}};
  record["hosts"] = json::array({host});
  record["scores"] = score_hosts(record["hosts"], controls);
  record["catalog"] = {
      {"safeguards", {{"4.1", {{"title", "Secure configuration process"}, {"ig1", true}}}}},
      {"controls", {{"4", "Secure configuration"}}}};
  return record;
}

} // namespace cisscan::test

namespace cisscan::test {

// A result with every member the record's schema requires, neutral text, `probe_ids` empty.
inline cisscan::json make_result(const std::string& check_id, const std::string& status,
                                 std::vector<std::string> safeguards = {"4.1"},
                                 double weight = 1.0) {
  return {{"check_id", check_id},
          {"check_sha256", std::string(64, 'b')},
          {"title", "Title of " + check_id},
          {"status", status},
          {"benchmark",
           {{"id", "cis-debian12"}, {"version", "1.1.0"}, {"ref", "1.1"}, {"level", "L1"}}},
          {"safeguards", std::move(safeguards)},
          {"weight", weight},
          {"requires_root", false},
          {"probe_ids", cisscan::json::array()},
          {"expected", ""},
          {"observed", ""},
          {"reason", ""}};
}

// A host of the record; one that answered (`ok`) has a probe, as the scorer expects.
inline cisscan::json make_host(const std::string& name, const std::string& status,
                               cisscan::json results,
                               cisscan::json roles = cisscan::json::array()) {
  cisscan::json probes = cisscan::json::array();
  if (status == "ok") {
    probes.push_back({{"id", "p-1"}, {"output_sha256", std::string(64, 'a')}});
  }
  return {{"name", name},
          {"address", "192.0.2.1"},
          {"status", status},
          {"reason", ""},
          {"groups", cisscan::json::array()},
          {"roles", std::move(roles)},
          {"identity", {{"host_key_sha256", "SHA256:" + name}, {"machine_id", nullptr}}},
          {"probes", std::move(probes)},
          {"results", std::move(results)}};
}

// A record of `hosts` with its run and its scores, as the scan writes them before exceptions
// and risk.
inline cisscan::json make_record(cisscan::json hosts, const std::string& run_id = "run-1") {
  cisscan::json record;
  record["schema_version"] = "1.0";
  record["run"] = {{"id", run_id},
                   {"started_at", "2026-01-01T00:00:00.000Z"},
                   {"finished_at", "2026-01-01T00:00:02.000Z"},
                   {"scanner_version", "0.1.0"},
                   {"catalog_digest", std::string(64, 'c')},
                   {"operator", "auditor"}};
  record["hosts"] = std::move(hosts);
  record["scores"] = score_hosts(record["hosts"], shipped_controls());
  return record;
}

} // namespace cisscan::test
