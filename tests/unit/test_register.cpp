#include "model/risk_state.hpp"
#include "risk/register.hpp"

#include "sample_record.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cisscan;
using cisscan::json;
using test::make_host;
using test::make_record;
using test::make_result;

namespace {

const std::string k_criteria = R"(criteria:
  impact:
    - {level: 1, name: Low, mission: m1, objectives: o1, obligations: b1}
    - {level: 2, name: Mid, mission: m2, objectives: o2, obligations: b2}
    - {level: 3, name: High, mission: m3, objectives: o3, obligations: b3}
  expectancy:
    - {level: 1, name: Unlikely, description: d1}
    - {level: 2, name: Possible, description: d2}
    - {level: 3, name: Likely, description: d3}
  acceptance: {max_risk: 3, statement: Three or less.}
)";

// R-SSH: impact max(2, 3, 1) = 3, so 3 with its safeguards in place and 9 without.
// R-ANY: impact 2, so 2 or 4.
const std::string k_register = "register: {name: Test register, version: \"1\"}\n" + k_criteria +
                               R"(entries:
  - id: R-SSH
    title: Remote logins as root
    safeguards: ["4.1", "5.4"]
    asset_classes: [vm]
    threat: t
    vulnerability: v
    impact: {mission: 2, objectives: 3, obligations: 1}
    expectancy: {in_place: 1, missing: 3}
    owner: Platform team
    treatment: reduce
  - id: R-ANY
    title: Accounts nobody reviews
    safeguards: "5.2"
    threat: t
    vulnerability: v
    impact: {mission: 1, objectives: 1, obligations: 2}
    expectancy: {in_place: 1, missing: 2}
    owner: Security officer
    treatment: accept
)";

const json& entry_of(const json& record, const std::string& id) {
  for (const auto& e : record["risk"]["entries"]) {
    if (e["id"] == id) {
      return e;
    }
  }
  throw std::runtime_error("no risk entry " + id);
}

} // namespace

TEST_CASE("load_register") {
  test::TempDir dir;
  const auto path = dir.write("register.yaml", k_register);
  const auto reg = load_register(path, test::shipped_controls());
  CHECK(reg.name == "Test register");
  CHECK(reg.file == path.string());
  CHECK(reg.sha256 == util::sha256_hex(k_register));
  CHECK(reg.impact_scale.size() == 3);
  CHECK(reg.impact_scale[2].name == "High");
  CHECK(reg.impact_scale[2].obligations == "b3");
  CHECK(reg.expectancy_scale[1].description == "d2");
  CHECK(reg.max_acceptable_risk == 3);
  CHECK(reg.acceptance_statement == "Three or less.");
  REQUIRE(reg.entries.size() == 2);
  const auto& ssh = reg.entries[0];
  CHECK(ssh.safeguards == std::vector<std::string>{"4.1", "5.4"});
  CHECK(ssh.impact() == 3);
  CHECK(ssh.expectancy_in_place == 1);
  CHECK(ssh.expectancy_missing == 3);
  CHECK(ssh.line == 13);
  const auto& any = reg.entries[1];
  CHECK(any.safeguards == std::vector<std::string>{"5.2"});
  CHECK(any.asset_classes == std::vector<std::string>{"any"});
  CHECK(any.impact() == 2);
  CHECK(any.treatment == "accept");
}

TEST_CASE("load_register refuses a bad register with file and line") {
  test::TempDir dir;
  const auto error_of = [&](const std::string& entry) {
    const auto path = dir.write("bad.yaml", k_criteria + "entries:\n" + entry);
    try {
      load_register(path, test::shipped_controls());
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const auto entry = [](const std::string& safeguards, const std::string& impact,
                        const std::string& expectancy, const std::string& extra = "") {
    return "  - id: R-1\n    title: x\n    safeguards: " + safeguards +
           "\n    threat: t\n    vulnerability: v\n    impact: " + impact +
           "\n    expectancy: " + expectancy + "\n    owner: o\n    treatment: reduce\n" + extra;
  };
  const std::string impact = "{mission: 1, objectives: 1, obligations: 1}";
  const std::string expectancy = "{in_place: 1, missing: 2}";
  CHECK(error_of(entry("[\"4.1\"]", impact, expectancy)).empty());
  // Line 12 is the first entry's line ("- id"); its fields follow.
  CHECK(error_of(entry("[\"99.9\"]", impact, expectancy))
            .find("bad.yaml:14: R-1: safeguard '99.9' is not in the CIS Controls v8 catalog") !=
        std::string::npos);
  CHECK(
      error_of(entry("[]", impact, expectancy)).find(":12: R-1: expected at least one safeguard") !=
      std::string::npos);
  CHECK(error_of(entry("[\"4.1\"]", "{mission: 4, objectives: 1, obligations: 1}", expectancy))
            .find(":17: 'mission' must be 1..3") != std::string::npos);
  CHECK(error_of(entry("[\"4.1\"]", impact, "{in_place: 3, missing: 2}"))
            .find(":18: R-1: expectancy in_place is above missing") != std::string::npos);
  CHECK(error_of(entry("[\"4.1\"]", impact, expectancy) + entry("[\"4.1\"]", impact, expectancy))
            .find(":21: duplicate risk id 'R-1'") != std::string::npos);
  CHECK(error_of(entry("[\"4.1\"]", impact, expectancy, "    asset_classes: [toaster]\n"))
            .find(":21: R-1: unknown asset class 'toaster'") != std::string::npos);
  CHECK(error_of(entry("[\"4.1\"]", impact, expectancy, "    likelihood: 2\n"))
            .find(":21: unknown key 'likelihood' in a risk entry") != std::string::npos);

  const auto criteria_error = [&](const std::string& text) {
    const auto path = dir.write("bad.yaml", text + "entries: []\n");
    try {
      load_register(path, test::shipped_controls());
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  auto max_risk_10 = k_criteria;
  max_risk_10.replace(max_risk_10.find("max_risk: 3"), 11, "max_risk: 10");
  CHECK(criteria_error(max_risk_10).find(":10: 'max_risk' must be 1..9") != std::string::npos);
  auto out_of_order = k_criteria;
  out_of_order.replace(out_of_order.find("level: 2, name: Possible"), 8, "level: 3");
  CHECK(criteria_error(out_of_order).find(":8: levels must be numbered 1, 2, 3, ... in order") !=
        std::string::npos);
  CHECK(criteria_error("criteria:\n  impact: []\n")
            .find(":2: expected a list of at least two impact levels") != std::string::npos);
  CHECK(criteria_error("register: {}\n")
            .find(":1: expected a risk register with 'criteria' and "
                  "'entries'") != std::string::npos);
}

TEST_CASE("assess_risks") {
  test::TempDir dir;
  const auto reg = load_register(dir.write("register.yaml", k_register), test::shipped_controls());
  const auto vm = json::array({"vm"});

  SUBCASE("safeguards shown in place: the lower expectancy") {
    auto record = make_record(json::array(
        {make_host("a", "ok",
                   json::array({make_result("c1", "pass"), make_result("c2", "pass", {"5.4"})}),
                   vm),
         make_host("b", "ok",
                   json::array({make_result("c1", "pass"), make_result("c2", "pass", {"5.4"})}),
                   vm)}));
    assess_risks(record, reg);
    const auto& e = entry_of(record, "R-SSH");
    CHECK(e["safeguard_states"] == json{{"4.1", "compliant"}, {"5.4", "compliant"}});
    CHECK(e["hosts_in_scope"] == 2);
    CHECK(e["assessed"] == true);
    CHECK(e["expectancy"] == 1);
    CHECK(e["impact"]["score"] == 3);
    CHECK(e["risk"] == 3);
    CHECK(e["acceptable"] == true); // 3 is at the criterion
    CHECK(e["findings"].empty());
    CHECK(e["source"] == (dir.path() / "register.yaml").string() + ":13");
  }
  SUBCASE("one failing host: partial, the higher expectancy, and the findings") {
    auto record = make_record(json::array(
        {make_host("a", "ok",
                   json::array({make_result("c1", "pass"), make_result("c2", "pass", {"5.4"})}),
                   vm),
         make_host("b", "ok",
                   json::array({make_result("c1", "fail"), make_result("c2", "error", {"5.4"})}),
                   vm)}));
    assess_risks(record, reg);
    const auto& e = entry_of(record, "R-SSH");
    CHECK(e["safeguard_states"] == json{{"4.1", "partial"}, {"5.4", "partial"}});
    CHECK(e["expectancy"] == 3);
    CHECK(e["risk"] == 9);
    CHECK(e["acceptable"] == false);
    CHECK(e["findings"] == json::array({{{"host", "b"}, {"check_id", "c1"}, {"status", "fail"}},
                                        {{"host", "b"}, {"check_id", "c2"}, {"status", "error"}}}));
    CHECK(e["state"] == "unacceptable");
    // R-ANY is not assessed: 2 x 2 = 4 > 3, for want of evidence.
    CHECK(record["risk"]["unacceptable"] == 1);
    CHECK(record["risk"]["no_evidence"] == 1);
    CHECK(record["hosts"][1]["results"][0]["risks"] == json::array({"R-SSH"}));
    CHECK_FALSE(record["hosts"][0]["results"][0].contains("risks"));
  }
  SUBCASE("hosts out of scope or not scanned do not count") {
    auto record = make_record(json::array(
        {make_host("a", "ok",
                   json::array({make_result("c1", "pass"), make_result("c2", "pass", {"5.4"})}),
                   vm),
         make_host("ct", "ok", json::array({make_result("c1", "fail")}), json::array({"lxc"})),
         make_host("down", "unreachable", json::array({make_result("c1", "error")}), vm)}));
    assess_risks(record, reg);
    const auto& e = entry_of(record, "R-SSH");
    CHECK(e["hosts_in_scope"] == 1);
    CHECK(e["safeguard_states"]["4.1"] == "compliant");
    CHECK(e["risk"] == 3);
    CHECK(entry_of(record, "R-ANY")["hosts_in_scope"] == 2); // "any": both scanned hosts
  }
  SUBCASE("what cannot be shown counts as missing: manual checks only, or nothing at all") {
    auto record = make_record(json::array({make_host(
        "a", "ok", json::array({make_result("c1", "manual", {"5.2"}), make_result("c2", "pass")}),
        vm)}));
    assess_risks(record, reg);
    const auto& any = entry_of(record, "R-ANY");
    CHECK(any["safeguard_states"] == json{{"5.2", "not_assessed"}});
    CHECK(any["assessed"] == false);
    CHECK(any["expectancy"] == 2);
    CHECK(any["risk"] == 4);
    // 4.1 passes, 5.4 has no result: the entry's safeguards are not all in place.
    const auto& ssh = entry_of(record, "R-SSH");
    CHECK(ssh["safeguard_states"] == json{{"4.1", "compliant"}, {"5.4", "not_assessed"}});
    CHECK(ssh["assessed"] == true);
    CHECK(ssh["risk"] == 9);
  }
  SUBCASE("a current attestation puts a safeguard without results in place, an expired one not") {
    auto record = make_record(json::array({make_host("a", "ok", json::array(), vm)}));
    record["attestations"] = {
        {"entries",
         json::array({{{"state", "current"}, {"safeguard", "5.2"}},
                      {{"state", "expired"}, {"safeguard", "5.4"}},
                      {{"state", "current"}, {"safeguard", nullptr}, {"check", "c9"}}})}};
    assess_risks(record, reg);
    CHECK(entry_of(record, "R-ANY")["safeguard_states"]["5.2"] == "attested");
    CHECK(entry_of(record, "R-ANY")["risk"] == 2);
    CHECK(entry_of(record, "R-SSH")["safeguard_states"]["5.4"] == "not_assessed");
  }
  SUBCASE("one result for two of an entry's safeguards counts for both, and is one finding") {
    auto record = make_record(json::array(
        {make_host("a", "ok", json::array({make_result("c1", "pass", {"4.1", "5.4"})}), vm)}));
    assess_risks(record, reg);
    const auto& e = entry_of(record, "R-SSH");
    CHECK(e["safeguard_states"] == json{{"4.1", "compliant"}, {"5.4", "compliant"}});
    CHECK(e["risk"] == 3);
    auto failing = make_record(json::array(
        {make_host("a", "ok", json::array({make_result("c1", "fail", {"4.1", "5.4"})}), vm)}));
    assess_risks(failing, reg);
    const auto& f = entry_of(failing, "R-SSH");
    CHECK(f["safeguard_states"] == json{{"4.1", "non_compliant"}, {"5.4", "non_compliant"}});
    CHECK(f["findings"].size() == 1);
    CHECK(failing["hosts"][0]["results"][0]["risks"] == json::array({"R-SSH"}));
  }
  SUBCASE("an empty record: nothing assessed, everything at its higher expectancy") {
    auto record = make_record(json::array());
    assess_risks(record, reg);
    CHECK(entry_of(record, "R-SSH")["risk"] == 9);
    CHECK(entry_of(record, "R-SSH")["hosts_in_scope"] == 0);
    CHECK(record["risk"]["unacceptable"] == 0);
    CHECK(record["risk"]["no_evidence"] == 2);
    CHECK(entry_of(record, "R-SSH")["state"] == "no_evidence");
    CHECK(record["risk"]["criteria"]["max_acceptable_risk"] == 3);
    CHECK(record["risk"]["register"]["name"] == "Test register");
  }
  SUBCASE("assessed again, a result that no longer fails loses its risks") {
    auto record = make_record(
        json::array({make_host("a", "ok", json::array({make_result("c1", "fail")}), vm)}));
    assess_risks(record, reg);
    REQUIRE(record["hosts"][0]["results"][0].contains("risks"));
    record["hosts"][0]["results"][0]["status"] = "pass";
    assess_risks(record, reg);
    CHECK_FALSE(record["hosts"][0]["results"][0].contains("risks"));
    CHECK(entry_of(record, "R-SSH")["findings"].empty());
  }
}

// Issue 8 item 2 (one safeguard_state()): the score leaves `waived` out of the denominator, the
// register counts it as a failure, so a waived finding makes a safeguard `compliant` in the
// scores and `partial` in the register. Enable when the two agree.
TEST_CASE("a waived result counts the same in the risk register as in the score" *
          doctest::skip()) {
  test::TempDir dir;
  const auto reg = load_register(dir.write("register.yaml", k_register), test::shipped_controls());
  auto record = make_record(json::array(
      {make_host("a", "ok", json::array({make_result("c1", "pass"), make_result("c2", "waived")}),
                 json::array({"vm"}))}));
  assess_risks(record, reg);
  CHECK(record["scores"]["safeguards"]["4.1"]["state"] ==
        entry_of(record, "R-SSH")["safeguard_states"]["4.1"]);
}

// Issue 12: an evidenced gap (a failing result on a host in scope) is told apart from an entry
// that is above the criterion only because nothing shows its safeguards in place.
TEST_CASE("assess_risks: acceptable, evidenced gap and no evidence") {
  test::TempDir dir;
  const auto reg = load_register(dir.write("register.yaml", k_register), test::shipped_controls());
  const auto vm = json::array({"vm"});
  const auto state_of = [](const json& record, const std::string& id) {
    return std::string(to_string(risk_state(entry_of(record, id))));
  };

  SUBCASE("no host in scope: no evidence, whatever fails elsewhere") {
    auto record = make_record(json::array({make_host(
        "ct", "ok", json::array({make_result("c1", "fail"), make_result("c2", "fail", {"5.4"})}),
        json::array({"lxc"}))}));
    assess_risks(record, reg);
    CHECK(entry_of(record, "R-SSH")["hosts_in_scope"] == 0);
    CHECK(entry_of(record, "R-SSH")["risk"] == 9);
    CHECK(entry_of(record, "R-SSH")["acceptable"] == false);
    CHECK(state_of(record, "R-SSH") == "no_evidence");
    CHECK(record["risk"]["unacceptable"] == 0);
  }
  SUBCASE("hosts in scope without a result for the entry's safeguards: no evidence") {
    auto record = make_record(
        json::array({make_host("a", "ok", json::array({make_result("c9", "fail", {"1.1"})}), vm),
                     make_host("b", "unreachable", json::array(), vm)}));
    assess_risks(record, reg);
    CHECK(state_of(record, "R-SSH") == "no_evidence");
    CHECK(state_of(record, "R-ANY") == "no_evidence");
    CHECK(record["risk"]["no_evidence"] == 2);
  }
  SUBCASE("one safeguard shown, the other without results and nothing failing: no evidence") {
    auto record = make_record(
        json::array({make_host("a", "ok", json::array({make_result("c1", "pass")}), vm)}));
    assess_risks(record, reg);
    CHECK(entry_of(record, "R-SSH")["risk"] == 9);
    CHECK(state_of(record, "R-SSH") == "no_evidence");
  }
  SUBCASE("a failing result on a host in scope: an evidenced gap") {
    auto record = make_record(json::array({make_host(
        "a", "ok", json::array({make_result("c1", "fail"), make_result("c2", "pass")}), vm)}));
    assess_risks(record, reg);
    CHECK(state_of(record, "R-SSH") == "unacceptable");
    CHECK(record["risk"]["unacceptable"] == 1);
    CHECK(record["risk"]["no_evidence"] == 1); // R-ANY: no 5.2 result
  }
  SUBCASE("safeguards in place: acceptable") {
    auto record = make_record(json::array(
        {make_host("a", "ok",
                   json::array({make_result("c1", "pass"), make_result("c2", "pass", {"5.4"}),
                                make_result("c3", "pass", {"5.2"})}),
                   vm)}));
    assess_risks(record, reg);
    CHECK(state_of(record, "R-SSH") == "acceptable");
    CHECK(state_of(record, "R-ANY") == "acceptable");
    CHECK(record["risk"]["unacceptable"] == 0);
    CHECK(record["risk"]["no_evidence"] == 0);
  }
  SUBCASE("a waived failure alone is no evidence of a gap") {
    auto record = make_record(json::array(
        {make_host("a", "ok", json::array({make_result("c3", "waived", {"5.2"})}), vm)}));
    assess_risks(record, reg);
    CHECK(state_of(record, "R-ANY") == "no_evidence");
    CHECK(entry_of(record, "R-ANY")["findings"].size() == 1);
  }
}

// A check that names its entries (`risks:`, kept in the record's `checks`) links to exactly those.
TEST_CASE("assess_risks: a check's risks link its results to exactly the entries it names") {
  test::TempDir dir;
  const auto reg = load_register(dir.write("register.yaml", k_register), test::shipped_controls());
  const auto vm = json::array({"vm"});
  auto record = make_record(json::array({make_host(
      "a", "ok",
      json::array({make_result("sysctl", "fail", {"4.1"}), make_result("pw", "fail", {"4.1"}),
                   make_result("gone", "fail", {"4.1"}), make_result("c2", "pass", {"5.4"})}),
      vm)}));
  record["checks"] = {{"sysctl", {{"title", "t"}, {"risks", json::array({"R-ANY"})}}},
                      {"pw", {{"title", "t"}, {"risks", json::array({"R-SSH", "R-ANY"})}}},
                      {"gone", {{"title", "t"}, {"risks", json::array({"R-NOT-HERE"})}}}};
  assess_risks(record, reg);
  const auto& results = record["hosts"][0]["results"];
  // Named: only those entries, for the safeguards they share or else all of the entry's.
  CHECK(results[0]["risks"] == json::array({"R-ANY"}));
  CHECK(results[1]["risks"] == json::array({"R-SSH", "R-ANY"}));
  // Naming only entries this register lacks: linked by safeguard, as if it named none.
  CHECK(results[2]["risks"] == json::array({"R-SSH"}));
  const auto& ssh = entry_of(record, "R-SSH");
  CHECK(ssh["findings"] ==
        json::array({{{"host", "a"}, {"check_id", "pw"}, {"status", "fail"}},
                     {{"host", "a"}, {"check_id", "gone"}, {"status", "fail"}}}));
  CHECK(ssh["safeguard_states"]["4.1"] == "non_compliant");
  const auto& any = entry_of(record, "R-ANY");
  CHECK(any["safeguard_states"]["5.2"] == "non_compliant"); // 5.2 is not the checks' safeguard
  CHECK(any["state"] == "unacceptable");
  CHECK(any["findings"].size() == 2);
}

TEST_CASE("assess_risks: a result linked by its safeguards lists its entries in register order") {
  test::TempDir dir;
  const auto entry = [](const std::string& id, const std::string& safeguards,
                        const std::string& classes) {
    return "  - id: " + id + "\n    title: t\n    safeguards: " + safeguards +
           "\n    asset_classes: " + classes +
           "\n    threat: t\n    vulnerability: v\n"
           "    impact: {mission: 1, objectives: 1, obligations: 1}\n"
           "    expectancy: {in_place: 1, missing: 2}\n    owner: o\n    treatment: reduce\n";
  };
  const auto text = "register: {name: Order, version: \"1\"}\n" + k_criteria + "entries:\n" +
                    entry("R-B", "[\"5.2\"]", "[any]") +
                    entry("R-A", "[\"4.1\", \"5.2\"]", "[any]") +
                    entry("R-VM", "[\"4.1\"]", "[vm]") + entry("R-OTHER", "[\"3.3\"]", "[any]");
  const auto reg = load_register(dir.write("register.yaml", text), test::shipped_controls());
  const auto failing = [] {
    return json::array(
        {make_result("c", "fail", {"5.2", "4.1"}), make_result("p", "pass", {"3.3"})});
  };
  auto record = make_record(json::array({make_host("x", "ok", failing(), json::array({"vm"})),
                                         make_host("y", "ok", failing(), json::array({"lxc"}))}));
  assess_risks(record, reg);
  CHECK(record["hosts"][0]["results"][0]["risks"] == json::array({"R-B", "R-A", "R-VM"}));
  CHECK(record["hosts"][1]["results"][0]["risks"] == json::array({"R-B", "R-A"}));
  CHECK_FALSE(record["hosts"][0]["results"][1].contains("risks")); // a pass feeds no entry
  const auto& a = entry_of(record, "R-A");
  CHECK(a["hosts_in_scope"] == 2);
  CHECK(a["findings"] == json::array({{{"host", "x"}, {"check_id", "c"}, {"status", "fail"}},
                                      {{"host", "y"}, {"check_id", "c"}, {"status", "fail"}}}));
  CHECK(a["safeguard_states"]["4.1"] == "non_compliant");
  const auto& vm = entry_of(record, "R-VM");
  CHECK(vm["hosts_in_scope"] == 1);
  CHECK(vm["findings"].size() == 1);
  CHECK(entry_of(record, "R-OTHER")["safeguard_states"]["3.3"] == "compliant");
}
