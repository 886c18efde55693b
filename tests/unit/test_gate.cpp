#include "gate/gate.hpp"
#include "record/host_spool.hpp"

#include "sample_record.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace cisscan;
using cisscan::json;
using test::make_host;
using test::make_record;
using test::make_result;

namespace {

// Host a: 4.1 has three passes of weight 1 and a fail of weight 2 -> 3 / 5 = 60.0, the only IG1
// safeguard assessed, so IG1 = 60.0; 4.8 (IG2) fails -> 0.0; a waived and an error result.
json fleet() {
  return make_record(json::array({make_host(
      "a", "ok",
      json::array({make_result("c1", "pass"), make_result("c2", "pass"), make_result("c3", "pass"),
                   make_result("c4", "fail", {"4.1"}, 2), make_result("c6", "fail", {"4.8"}),
                   make_result("c7", "waived", {"4.8"}), make_result("c8", "manual", {"5.2"})}))}));
}

std::vector<std::string> lines(const GateVerdict& verdict) {
  return verdict.failures;
}

} // namespace

TEST_CASE("the default gate: no fail that is not waived") {
  SUBCASE("fails on each fail result, and names them") {
    const auto verdict = evaluate_gate(fleet(), GateRules{});
    CHECK_FALSE(verdict.passed);
    CHECK(lines(verdict) ==
          std::vector<std::string>{"default gate: 2 check results failed (not waived)",
                                   "  a  c4  fail", "  a  c6  fail"});
  }
  SUBCASE("one fail is one check result") {
    const auto record =
        make_record(json::array({make_host("a", "ok", json::array({make_result("c1", "fail")}))}));
    CHECK(lines(evaluate_gate(record, GateRules{})) ==
          std::vector<std::string>{"default gate: 1 check result failed (not waived)",
                                   "  a  c1  fail"});
  }
  SUBCASE("waived, error, manual and pass results do not fail it") {
    const auto record = make_record(
        json::array({make_host("a", "ok",
                               json::array({make_result("c1", "pass"), make_result("c2", "waived"),
                                            make_result("c3", "error"), make_result("c4", "manual"),
                                            make_result("c5", "not_applicable")}))}));
    const auto verdict = evaluate_gate(record, GateRules{});
    CHECK(verdict.passed);
    CHECK(verdict.failures.empty());
  }
  SUBCASE("an empty record passes") {
    const auto verdict = evaluate_gate(make_record(json::array()), GateRules{});
    CHECK(verdict.passed);
  }
  SUBCASE("any other rule replaces it") {
    GateRules rules;
    rules.fail_under = 50;
    CHECK_FALSE(rules.empty());
    CHECK(evaluate_gate(fleet(), rules).passed);
  }
}

TEST_CASE("--fail-under compares with the IG1 score") {
  const auto record = fleet();
  REQUIRE(record["scores"]["ig1"]["score"] == 60.0);
  GateRules rules;
  SUBCASE("a score equal to the floor passes") {
    rules.fail_under = 60;
    CHECK(evaluate_gate(record, rules).passed);
  }
  SUBCASE("a score under the floor fails, with coverage and every finding") {
    rules.fail_under = 60.1;
    const auto verdict = evaluate_gate(record, rules);
    CHECK_FALSE(verdict.passed);
    CHECK(lines(verdict) ==
          std::vector<std::string>{
              "--fail-under: IG1 score 60.0 is under 60.1 (1 of 56 IG1 safeguards assessed)",
              "  a  c4  fail", "  a  c6  fail"});
  }
  SUBCASE("no IG1 score at all fails: nothing shown is not compliant") {
    rules.fail_under = 0;
    const auto manual_only = make_record(
        json::array({make_host("a", "ok", json::array({make_result("c1", "manual", {"5.2"})}))}));
    const auto verdict = evaluate_gate(manual_only, rules);
    CHECK_FALSE(verdict.passed);
    CHECK(lines(verdict) == std::vector<std::string>{"--fail-under: the IG1 score is not "
                                                     "available (no IG1 safeguard assessed)"});
  }
  SUBCASE("the gate file's ig1 minimum is the same rule, named apart") {
    rules.ig1_minimum = 61;
    const auto verdict = evaluate_gate(record, rules);
    CHECK_FALSE(verdict.passed);
    REQUIRE_FALSE(verdict.failures.empty());
    CHECK(verdict.failures[0].rfind("gate file ig1: IG1 score 60.0 is under 61.0", 0) == 0);
  }
}

TEST_CASE("findings behind a failed rule are listed up to 20") {
  json results = json::array();
  for (int i = 0; i < 25; ++i) {
    results.push_back(make_result("c" + std::to_string(i), i % 2 ? "fail" : "error"));
  }
  GateRules rules;
  rules.fail_under = 100;
  const auto verdict =
      evaluate_gate(make_record(json::array({make_host("h", "ok", results)})), rules);
  REQUIRE(verdict.failures.size() == 22);
  CHECK(verdict.failures[0] ==
        "--fail-under: IG1 score 0.0 is under 100.0 (1 of 56 IG1 safeguards assessed)");
  CHECK(verdict.failures[1] == "  h  c0  error");
  CHECK(verdict.failures[20] == "  h  c19  fail");
  CHECK(verdict.failures[21] == "  ... and 5 more");
}

TEST_CASE("per-safeguard minimums") {
  GateRules rules;
  SUBCASE("under the minimum: the findings of that safeguard only") {
    rules.safeguard_minimums["4.1"] = 75;
    const auto verdict = evaluate_gate(fleet(), rules);
    CHECK_FALSE(verdict.passed);
    CHECK(lines(verdict) ==
          std::vector<std::string>{"gate file safeguard 4.1: score 60.0 is under 75.0",
                                   "  a  c4  fail"});
  }
  SUBCASE("at the minimum passes") {
    rules.safeguard_minimums["4.1"] = 60;
    rules.safeguard_minimums["4.8"] = 0;
    CHECK(evaluate_gate(fleet(), rules).passed);
  }
  SUBCASE("a safeguard with no automated result fails as not assessed") {
    rules.safeguard_minimums["1.1"] = 10;
    rules.safeguard_minimums["5.2"] = 10; // manual results only
    const auto verdict = evaluate_gate(fleet(), rules);
    CHECK_FALSE(verdict.passed);
    CHECK(lines(verdict) ==
          std::vector<std::string>{"gate file safeguard 1.1: not assessed (minimum 10.0)",
                                   "gate file safeguard 5.2: not assessed (minimum 10.0)"});
  }
}

TEST_CASE("--fail-on new-failures against a baseline") {
  const auto baseline = make_record(
      json::array({make_host("a", "ok",
                             json::array({make_result("c1", "pass"), make_result("c2", "fail"),
                                          make_result("c3", "manual")}))}),
      "run-0");
  GateRules rules;
  rules.fail_on_new_failures = true;
  rules.baseline = baseline;
  SUBCASE("a result that passed and now fails or errs is a regression") {
    const auto now = make_record(
        json::array({make_host("a", "ok",
                               json::array({make_result("c1", "fail"), make_result("c2", "fail"),
                                            make_result("c3", "error")}))}));
    const auto verdict = evaluate_gate(now, rules);
    CHECK_FALSE(verdict.passed);
    CHECK(lines(verdict) ==
          std::vector<std::string>{"--fail-on new-failures: 2 results newly failing since run-0",
                                   "  a  c1  pass -> fail", "  a  c3  manual -> error"});
  }
  SUBCASE("a fail that was failing already is not, whatever the score") {
    const auto now = make_record(
        json::array({make_host("a", "ok",
                               json::array({make_result("c1", "pass"), make_result("c2", "fail"),
                                            make_result("c3", "manual")}))}));
    CHECK(evaluate_gate(now, rules).passed);
  }
}

TEST_CASE("--fail-on unacceptable-risk") {
  GateRules rules;
  rules.fail_on_unacceptable_risk = true;
  auto record = fleet();
  SUBCASE("a record without a risk assessment fails") {
    const auto verdict = evaluate_gate(record, rules);
    CHECK_FALSE(verdict.passed);
    CHECK(lines(verdict) == std::vector<std::string>{
                                "--fail-on unacceptable-risk: the record has no risk assessment"});
  }
  SUBCASE("entries above the criterion on evidence fail, acceptable ones do not") {
    record["risk"] = {{"entries", json::array({{{"id", "R1"},
                                                {"title", "Root over SSH"},
                                                {"risk", 12},
                                                {"acceptable", false},
                                                {"state", "unacceptable"}},
                                               {{"id", "R2"},
                                                {"title", "Fine"},
                                                {"risk", 2},
                                                {"acceptable", true},
                                                {"state", "acceptable"}}})}};
    const auto verdict = evaluate_gate(record, rules);
    CHECK_FALSE(verdict.passed);
    CHECK(lines(verdict) ==
          std::vector<std::string>{
              "--fail-on unacceptable-risk: 1 risks above the acceptance criterion on evidence",
              "  R1  risk 12  Root over SSH"});
  }
  SUBCASE("entries without evidence pass by default and fail when strict") {
    record["risk"] = {
        {"entries", json::array({{{"id", "R3"},
                                  {"title", "Nobody looked"},
                                  {"risk", 9},
                                  {"acceptable", false},
                                  {"state", "no_evidence"}},
                                 {{"id", "R2"}, {"risk", 2}, {"acceptable", true}}})}};
    CHECK(evaluate_gate(record, rules).passed);
    rules.risk_strict = true;
    const auto verdict = evaluate_gate(record, rules);
    CHECK_FALSE(verdict.passed);
    CHECK(lines(verdict) ==
          std::vector<std::string>{"--fail-on unacceptable-risk-strict: 1 risks above the "
                                   "acceptance criterion (1 of them without evidence)",
                                   "  R3  risk 9 (no evidence)  Nobody looked"});
  }
  SUBCASE("a record written before states: findings on hosts in scope are evidence") {
    const json finding = {{"host", "a"}, {"check_id", "c1"}, {"status", "fail"}};
    record["risk"] = {{"entries", json::array({{{"id", "R1"},
                                                {"risk", 9},
                                                {"acceptable", false},
                                                {"assessed", true},
                                                {"hosts_in_scope", 1},
                                                {"findings", json::array({finding})}},
                                               {{"id", "R4"},
                                                {"risk", 9},
                                                {"acceptable", false},
                                                {"assessed", false},
                                                {"hosts_in_scope", 0},
                                                {"findings", json::array()}}})}};
    const auto verdict = evaluate_gate(record, rules);
    CHECK(lines(verdict) ==
          std::vector<std::string>{
              "--fail-on unacceptable-risk: 1 risks above the acceptance criterion on evidence",
              "  R1  risk 9  "});
  }
  SUBCASE("every entry acceptable passes") {
    record["risk"] = {
        {"entries", json::array({{{"id", "R2"}, {"risk", 2}, {"acceptable", true}}})}};
    CHECK(evaluate_gate(record, rules).passed);
  }
}

TEST_CASE("every failed rule is reported, in order") {
  GateRules rules;
  rules.fail_under = 70;
  rules.safeguard_minimums["4.8"] = 1;
  rules.fail_on_unacceptable_risk = true;
  const auto verdict = evaluate_gate(fleet(), rules);
  CHECK_FALSE(verdict.passed);
  std::vector<std::string> rule_lines;
  for (const auto& line : verdict.failures) {
    if (line.rfind("  ", 0) != 0) {
      rule_lines.push_back(line.substr(0, line.find(':')));
    }
  }
  CHECK(rule_lines == std::vector<std::string>{"--fail-under", "gate file safeguard 4.8",
                                               "--fail-on unacceptable-risk"});
}

namespace {

bool any_safeguard(const std::string&) {
  return true;
}

} // namespace

TEST_CASE("load_gate_file") {
  test::TempDir dir;
  GateRules rules;
  SUBCASE("reads the IG1 minimum and per-safeguard minimums") {
    load_gate_file(
        dir.write("gate.yaml", "ig1: 70\nsafeguards: {\"5.2\": 80, \"4.1\": 12.5}\n").string(),
        rules, any_safeguard);
    REQUIRE(rules.ig1_minimum);
    CHECK(*rules.ig1_minimum == 70);
    CHECK(rules.safeguard_minimums.size() == 2);
    CHECK(rules.safeguard_minimums.at("5.2") == 80);
    CHECK(rules.safeguard_minimums.at("4.1") == 12.5);
    CHECK_FALSE(rules.empty());
  }
  SUBCASE("an empty mapping sets nothing") {
    load_gate_file(dir.write("gate.yaml", "{}\n").string(), rules, any_safeguard);
    CHECK(rules.empty());
  }
  SUBCASE("bad input names the file and line") {
    const auto bad = [&](const std::string& text, const std::string& words) {
      const auto path = dir.write("bad.yaml", text).string();
      CAPTURE(text);
      GateRules r;
      try {
        load_gate_file(path, r, any_safeguard);
        FAIL("no ConfigError");
      } catch (const ConfigError& e) {
        const std::string message = e.what();
        CHECK(message.find(path + ":") == 0);
        CHECK(message.find(words) != std::string::npos);
      }
    };
    bad("ig1: 70\nfloor: 3\n", ":2: unknown key 'floor'");
    bad("ig1: 101\n", ":1: 'ig1' must be 0..100");
    bad("ig1: lots\n", ":1: 'ig1' must be a whole number");
    bad("safeguards: [1, 2]\n", ":1: safeguards must map a safeguard id to a minimum score");
    bad("safeguards:\n  \"5.2\": high\n", ":2: a minimum score must be a number 0..100");
    bad("safeguards:\n  \"5.2\": -1\n", ":2: a minimum score must be a number 0..100");
    bad("safeguards:\n  \"5.2\": 100.5\n", ":2: a minimum score must be a number 0..100");
    bad("ig1: [\n", "malformed YAML");
  }
}

// `.nan` passed the 0..100 range check (every comparison with NaN is false), and a NaN minimum
// could never fail the gate.
TEST_CASE("load_gate_file refuses a minimum that is not a number") {
  test::TempDir dir;
  GateRules rules;
  CHECK_THROWS_AS(load_gate_file(dir.write("gate.yaml", "safeguards: {\"4.1\": .nan}\n").string(),
                                 rules, any_safeguard),
                  ConfigError);
  CHECK(rules.safeguard_minimums.empty());
}

TEST_CASE("the gate reads a spool's hosts as it reads a whole record's") {
  const auto now = make_record(json::array(
      {make_host("a", "ok",
                 json::array({make_result("c1", "fail"), make_result("c2", "error", {"4.1"}),
                              make_result("c3", "pass")})),
       make_host("b", "ok", json::array({make_result("c1", "fail", {"4.8"})}))}));
  auto head = now;
  head["hosts"] = json::array();
  HostSpool spool(2);
  spool.put(1, now["hosts"][1]);
  spool.put(0, now["hosts"][0]);
  const auto baseline = make_record(
      json::array({make_host("a", "ok", json::array({make_result("c1", "pass")}))}), "run-0");
  std::vector<GateRules> all(4);
  all[1].fail_under = 100;
  all[2].safeguard_minimums["4.8"] = 50;
  all[3].fail_on_new_failures = true;
  all[3].baseline = baseline;
  for (size_t i = 0; i < all.size(); ++i) {
    CAPTURE(i);
    const auto whole = evaluate_gate(now, all[i]);
    const auto spooled = evaluate_gate(head, spool, all[i]);
    CHECK_FALSE(whole.passed);
    CHECK(spooled.passed == whole.passed);
    CHECK(spooled.failures == whole.failures);
  }
}
