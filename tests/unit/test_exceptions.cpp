#include "exceptions/exceptions.hpp"

#include "sample_record.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cisscan;
using cisscan::json;
using test::make_host;
using test::make_record;
using test::make_result;

namespace {

const std::string k_waivers = R"(waivers:
  - id: W-1
    checks: deb12-sshd-*
    hosts: {names: ["web*"], roles: [pve-node]}
    justification: SSH hardening waits for the upgrade.
    approved_by: Security officer
    ticket: SEC-1
    expires: 2026-12-31
  - id: W-2
    checks: deb12-pkg-telnet-absent
    justification: Legacy client.
    approved_by: CISO
    expires: 2026-06-30
)";

const std::string k_attestations = R"(attestations:
  - id: A-14.1
    safeguard: "14.1"
    statement: Awareness training ran.
    evidence: HR export
    attested_by: Security officer
    date: 2026-01-10
    expires: 2026-12-31
  - id: A-MANUAL
    check: deb12-manual-review
    hosts: {groups: [db]}
    statement: Reviewed by hand.
    evidence: Ticket 7
    attested_by: DBA lead
    date: 2026-01-10
    expires: 2026-03-31
)";

bool known_safeguard(const std::string& id) {
  return id == "14.1" || id == "4.1";
}

// web1 (group web) and db1 (group db, role pve-node), each with one result of every kind.
json fleet() {
  const auto results = [] {
    return json::array(
        {make_result("deb12-sshd-root-login", "fail"), make_result("deb12-sshd-ciphers", "error"),
         make_result("deb12-pkg-telnet-absent", "fail", {"4.8"}),
         make_result("deb12-manual-review", "manual", {"5.2"}), make_result("deb12-pass", "pass")});
  };
  auto web = make_host("web1", "ok", results());
  web["groups"] = {"web"};
  auto db = make_host("db1", "ok", results(), {"pve-node"});
  db["groups"] = {"db"};
  return make_record(json::array({web, db}));
}

const json& result_of(const json& record, const std::string& host, const std::string& check) {
  for (const auto& h : record["hosts"]) {
    for (const auto& r : h["results"]) {
      if (h["name"] == host && r["check_id"] == check) {
        return r;
      }
    }
  }
  throw std::runtime_error("no result " + host + " " + check);
}

// The ConfigError message of `load(path)`, or "" when it loads.
template <typename Load> std::string error_of(Load load) {
  try {
    load();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("load_waivers") {
  test::TempDir dir;
  SUBCASE("reads each waiver with its source line") {
    const auto path = dir.write("w.yaml", k_waivers);
    const auto waivers = load_waivers(path);
    REQUIRE(waivers.size() == 2);
    CHECK(waivers[0].id == "W-1");
    CHECK(waivers[0].checks == "deb12-sshd-*");
    CHECK(waivers[0].hosts.names == std::vector<std::string>{"web*"});
    CHECK(waivers[0].hosts.roles == std::vector<std::string>{"pve-node"});
    CHECK(waivers[0].ticket == "SEC-1");
    CHECK(waivers[0].expires == "2026-12-31");
    CHECK(waivers[0].file == path.string());
    CHECK(waivers[0].line == 2);
    CHECK(waivers[1].hosts.empty());
    CHECK(waivers[1].ticket.empty());
    CHECK(waivers[1].line == 9);
  }
  SUBCASE("bad files are refused with file and line") {
    const auto bad = [&](const std::string& text) {
      const auto path = dir.write("bad.yaml", text);
      return error_of([&] { load_waivers(path); });
    };
    const std::string entry = "  - id: W-1\n    checks: c\n    justification: j\n"
                              "    approved_by: a\n    expires: 2026-12-31\n";
    CHECK(bad("waivers: {}\n").find("bad.yaml:1: expected a 'waivers:' list") != std::string::npos);
    CHECK(bad("- id: W\n").find(":1: expected a 'waivers:' list") != std::string::npos);
    CHECK(bad("waivers:\n" + entry + entry).find(":7: duplicate waiver id 'W-1'") !=
          std::string::npos);
    CHECK(
        bad("waivers:\n" + entry + "    owner: x\n").find(":7: unknown key 'owner' in a waiver") !=
        std::string::npos);
    CHECK(bad("waivers:\n  - id: W-1\n    checks: c\n    approved_by: a\n    expires: 2026-12-31\n")
              .find(":2: missing 'justification'") != std::string::npos);
    CHECK(bad("waivers:\n  - id: W-1\n    checks: c\n    justification: j\n    approved_by: a\n"
              "    expires: 31.12.2026\n")
              .find(":6: 'expires' must be a date YYYY-MM-DD") != std::string::npos);
    CHECK(bad("waivers:\n  - id: W-1\n    checks: c\n    justification: j\n    approved_by: a\n"
              "    expires: 2027-02-29\n")
              .find(":6: 'expires' must be a date YYYY-MM-DD, not '2027-02-29'") !=
          std::string::npos);
    CHECK(bad("waivers:\n" + entry + "    hosts: {hostnames: [a]}\n")
              .find(":7: unknown key 'hostnames' in a host selector") != std::string::npos);
    CHECK(bad("extra: 1\nwaivers: []\n").find(":1: unknown key 'extra' in a waiver file") !=
          std::string::npos);
  }
  SUBCASE("a waiver without an end date is refused, not kept for ever") {
    const auto path = dir.write("w.yaml", "waivers:\n  - id: W-1\n    checks: c\n"
                                          "    justification: j\n    approved_by: a\n"
                                          "    expires: \"\"\n");
    CHECK(error_of([&] { load_waivers(path); }).find(":6: 'expires' must be a date YYYY-MM-DD") !=
          std::string::npos);
  }
}

TEST_CASE("load_attestations") {
  test::TempDir dir;
  SUBCASE("reads safeguard and check attestations") {
    const auto attestations =
        load_attestations(dir.write("a.yaml", k_attestations), known_safeguard);
    REQUIRE(attestations.size() == 2);
    CHECK(attestations[0].safeguard == "14.1");
    CHECK(attestations[0].check.empty());
    CHECK(attestations[0].hosts.empty());
    CHECK(attestations[0].line == 2);
    CHECK(attestations[1].check == "deb12-manual-review");
    CHECK(attestations[1].hosts.groups == std::vector<std::string>{"db"});
    CHECK(attestations[1].date == "2026-01-10");
    CHECK(attestations[1].expires == "2026-03-31");
  }
  SUBCASE("bad files are refused with file and line") {
    const auto bad = [&](const std::string& fields) {
      const auto path =
          dir.write("bad.yaml", "attestations:\n  - id: A-1\n    statement: s\n    evidence: e\n"
                                "    attested_by: b\n    date: 2026-01-10\n" +
                                    fields);
      return error_of([&] { load_attestations(path, known_safeguard); });
    };
    CHECK(bad("    expires: 2026-12-31\n")
              .find(":2: an attestation names exactly one of 'safeguard' or 'check'") !=
          std::string::npos);
    CHECK(bad("    safeguard: \"4.1\"\n    check: c\n    expires: 2026-12-31\n")
              .find("exactly one of") != std::string::npos);
    CHECK(bad("    safeguard: \"99.1\"\n    expires: 2026-12-31\n")
              .find(":7: safeguard '99.1' is not in the CIS Controls v8 catalog") !=
          std::string::npos);
    CHECK(bad("    safeguard: \"4.1\"\n    hosts: {names: [a]}\n    expires: 2026-12-31\n")
              .find(":8: a safeguard attestation covers the organisation, not hosts") !=
          std::string::npos);
    CHECK(bad("    check: c\n    expires: 2026-01-09\n")
              .find(":8: expires (2026-01-09) is before date (2026-01-10)") != std::string::npos);
    CHECK(
        bad("    check: c\n    expires: 2026-12-31\n  - id: A-1\n    check: c\n    statement: s\n"
            "    evidence: e\n    attested_by: b\n    date: 2026-01-10\n    expires: 2026-12-31\n")
            .find(":9: duplicate attestation id 'A-1'") != std::string::npos);
    CHECK(bad("    check: c\n").find("missing 'expires'") != std::string::npos);
  }
}

TEST_CASE("apply_exceptions: waivers") {
  test::TempDir dir;
  ExceptionFiles files;
  files.waivers = load_waivers(dir.write("w.yaml", k_waivers));
  files.files =
      json::array({{{"path", "w.yaml"}, {"sha256", std::string(64, 'd')}, {"kind", "waivers"}}});
  auto record = fleet();

  SUBCASE("a current waiver turns the fails it covers into waived, keeping the original") {
    apply_exceptions(record, files, "2026-06-30");
    // W-1: sshd checks on web* or pve-node hosts -> both hosts; only the fail, not the error.
    for (const std::string host : {"web1", "db1"}) {
      CAPTURE(host);
      const auto& r = result_of(record, host, "deb12-sshd-root-login");
      CHECK(r["status"] == "waived");
      CHECK(r["original_status"] == "fail");
      CHECK(r["waiver"]["id"] == "W-1");
      CHECK(r["waiver"]["expires"] == "2026-12-31");
      CHECK(r["reason"] == "waived by W-1 (approved by Security officer, until 2026-12-31): SSH "
                           "hardening waits for the upgrade.");
      CHECK(result_of(record, host, "deb12-sshd-ciphers")["status"] == "error");
      CHECK(result_of(record, host, "deb12-pass")["status"] == "pass");
    }
    // W-2 holds on its last day.
    CHECK(result_of(record, "db1", "deb12-pkg-telnet-absent")["status"] == "waived");
    const auto& entries = record["waivers"]["entries"];
    REQUIRE(entries.size() == 2);
    CHECK(record["waivers"]["as_of"] == "2026-06-30");
    CHECK(entries[0]["state"] == "current");
    CHECK(entries[0]["matched"] == 2);
    CHECK(entries[0]["applied_to"] ==
          json::array({{{"host", "web1"}, {"check_id", "deb12-sshd-root-login"}},
                       {{"host", "db1"}, {"check_id", "deb12-sshd-root-login"}}}));
    CHECK(entries[0]["source"] == (dir.path() / "w.yaml").string() + ":2");
    CHECK(entries[0]["hosts"]["names"] == json::array({"web*"}));
    CHECK(record["exception_files"] == files.files);
  }
  SUBCASE("an expired waiver is reported with what it would cover, and not applied") {
    apply_exceptions(record, files, "2026-07-01");
    CHECK(result_of(record, "db1", "deb12-pkg-telnet-absent")["status"] == "fail");
    CHECK_FALSE(result_of(record, "db1", "deb12-pkg-telnet-absent").contains("original_status"));
    CHECK_FALSE(result_of(record, "db1", "deb12-pkg-telnet-absent").contains("waiver"));
    const auto& w2 = record["waivers"]["entries"][1];
    CHECK(w2["state"] == "expired");
    CHECK(w2["matched"] == 2);
    CHECK(w2.count("applied_to") == 0);
    CHECK(w2["would_apply_to"].size() == 2);
  }
  SUBCASE("a host selector by name glob only") {
    files.waivers[0].hosts = HostSelector{{"db?"}, {}, {}};
    apply_exceptions(record, files, "2026-01-01");
    CHECK(result_of(record, "web1", "deb12-sshd-root-login")["status"] == "fail");
    CHECK(result_of(record, "db1", "deb12-sshd-root-login")["status"] == "waived");
  }
  SUBCASE("a waiver that matches nothing says so") {
    files.waivers[0].checks = "no-such-*";
    apply_exceptions(record, files, "2026-01-01");
    CHECK(record["waivers"]["entries"][0]["matched"] == 0);
    CHECK(record["waivers"]["entries"][0]["applied_to"].empty());
  }
  SUBCASE("waived results leave the score's denominator") {
    apply_exceptions(record, files, "2026-01-01");
    const auto scores = score_hosts(record["hosts"], test::shipped_controls());
    // 4.1 per host: 1 pass, 1 waived, 1 error -> 1 of 2 on each host; fleet 2 of 4.
    CHECK(scores["safeguards"]["4.1"]["score"] == 50.0);
    CHECK(scores["safeguards"]["4.1"]["counts"]["waived"] == 2);
    CHECK(scores["safeguards"]["4.8"]["score"].is_null());
  }
}

TEST_CASE("apply_exceptions again: a saved record judged with newer files") {
  test::TempDir dir;
  ExceptionFiles files;
  files.waivers = load_waivers(dir.write("w.yaml", k_waivers));
  auto record = fleet();
  const auto scanned = result_of(record, "web1", "deb12-sshd-root-login");
  apply_exceptions(record, files, "2026-01-01");
  REQUIRE(result_of(record, "web1", "deb12-sshd-root-login")["status"] == "waived");

  SUBCASE("no files: every result is back to what the scan found") {
    apply_exceptions(record, ExceptionFiles{}, "2026-01-01");
    CHECK(result_of(record, "web1", "deb12-sshd-root-login") == scanned);
    CHECK(record["waivers"]["entries"].empty());
  }
  SUBCASE("the waiver has expired since: the fail is back, and no longer says it is waived") {
    apply_exceptions(record, files, "2027-01-15");
    const auto& r = result_of(record, "web1", "deb12-sshd-root-login");
    CHECK(r["status"] == "fail");
    CHECK_FALSE(r.contains("original_status"));
    CHECK_FALSE(r.contains("waiver"));
    CHECK(r["reason"] == scanned["reason"]);
  }
  SUBCASE("applied twice is applied once") {
    const auto once = record;
    apply_exceptions(record, files, "2026-01-01");
    CHECK(record == once);
  }
}

TEST_CASE("apply_exceptions: attestations") {
  test::TempDir dir;
  ExceptionFiles files;
  files.attestations = load_attestations(dir.write("a.yaml", k_attestations), known_safeguard);
  auto record = fleet();

  SUBCASE("a check attestation answers the manual results on the hosts it selects") {
    apply_exceptions(record, files, "2026-03-31");
    const auto& on_db = result_of(record, "db1", "deb12-manual-review");
    CHECK(on_db["status"] == "manual");
    CHECK(on_db["attestation"]["id"] == "A-MANUAL");
    CHECK(on_db["attestation"]["attested_by"] == "DBA lead");
    CHECK_FALSE(result_of(record, "web1", "deb12-manual-review").contains("attestation"));
    const auto& entry = record["attestations"]["entries"][1];
    CHECK(entry["state"] == "current");
    CHECK(entry["matched"] == 1);
    CHECK(entry["covers"] == json::array({{{"host", "db1"}, {"check_id", "deb12-manual-review"}}}));
    CHECK(entry["safeguard"].is_null());
  }
  SUBCASE("a safeguard attestation covers the organisation") {
    apply_exceptions(record, files, "2026-03-31");
    const auto& entry = record["attestations"]["entries"][0];
    CHECK(entry["safeguard"] == "14.1");
    CHECK(entry["check"].is_null());
    CHECK(entry["matched"] == 1);
    CHECK(entry["covers"].empty());
    CHECK(entry["state"] == "current");
  }
  SUBCASE("an expired attestation is listed, not attached") {
    apply_exceptions(record, files, "2026-04-01");
    const auto& entry = record["attestations"]["entries"][1];
    CHECK(entry["state"] == "expired");
    CHECK(entry["covers"].size() == 1);
    CHECK_FALSE(result_of(record, "db1", "deb12-manual-review").contains("attestation"));
    CHECK(record["attestations"]["entries"][0]["state"] == "current");
  }
  SUBCASE("an attestation never changes a status, and never covers an automated result") {
    files.attestations[1].check = "deb12-pkg-telnet-absent";
    apply_exceptions(record, files, "2026-01-10");
    CHECK(result_of(record, "db1", "deb12-pkg-telnet-absent")["status"] == "fail");
    CHECK_FALSE(result_of(record, "db1", "deb12-pkg-telnet-absent").contains("attestation"));
    CHECK(record["attestations"]["entries"][1]["matched"] == 0);
  }
}
