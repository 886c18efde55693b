#include "pipeline/run.hpp"
#include "record/host_spool.hpp"
#include "record/record.hpp"

#include "sample_record.hpp"
#include "sample_run.hpp"
#include "shipped_controls.hpp"
#include "ssh_login.hpp"

#include "reports/formats.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"
#include "util/json_text.hpp"
#include "util/sha256.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>

using namespace cisscan;
using cisscan::json;
using cisscan::test::sample_run;
using cisscan::test::TempDir;

namespace {

const ControlsCatalog& controls() {
  return test::shipped_controls();
}

} // namespace

TEST_CASE("host_to_json keeps non-UTF-8 output losslessly") {
  const auto host = host_to_json(sample_run());
  REQUIRE(host.at("probes").size() == 2);
  const auto& text = host.at("probes")[0];
  CHECK(text.at("output") == "caf\xC3\xA9\n");
  CHECK(text.at("output_encoding") == "utf-8");
  const auto& binary = host.at("probes")[1];
  CHECK(binary.at("output_encoding") == "base64");
  CHECK(binary.at("output") == "/wD+");
  CHECK(binary.at("output_bytes") == 3);
  CHECK(binary.at("output_sha256") == util::sha256_hex(std::string("\xFF\x00\xFE", 3)));
  CHECK(host.at("results")[0].at("observed") == "bad \xEF\xBF\xBD byte");
  CHECK(host.at("results")[0].at("weight") == 2.0);
  CHECK(host.at("become") == "sudo");
  CHECK(host.at("status") == "ok");
  // The whole document can be written as JSON without an error handler.
  CHECK_NOTHROW((void)host.dump());
}

TEST_CASE("a result names every benchmark recommendation of its check, the first as benchmark") {
  auto run = sample_run();
  auto check = std::make_shared<Check>(*run.results[0].check);
  check->benchmarks = {{"cis-debian12", "1.1.0", "5.1.20", "L1"},
                       {"cis-debian13", "1.0.0", "5.1.21", "L1"}};
  run.results[0].check = check;
  const auto result = host_to_json(run).at("results")[0];
  REQUIRE(result.at("benchmarks").size() == 2);
  CHECK(result.at("benchmarks")[1] ==
        json{{"id", "cis-debian13"}, {"version", "1.0.0"}, {"ref", "5.1.21"}, {"level", "L1"}});
  CHECK(result.at("benchmark") == result.at("benchmarks")[0]);
  // A check that names no benchmark: an empty list, and a benchmark of empty strings.
  const auto bare = host_to_json(sample_run()).at("results")[0];
  CHECK(bare.at("benchmarks") == json::array());
  CHECK(bare.at("benchmark").at("ref") == "");
}

TEST_CASE("build_record carries the run, the catalog digest and the safeguard catalog") {
  Catalog catalog;
  catalog.digest = std::string(64, 'd');
  RunInfo info;
  info.id = "run-1";
  info.scanner_version = "0.1.0";
  const auto record = build_record(info, catalog, controls(), {sample_run()});
  CHECK(record.at("schema_version") == k_schema_version);
  CHECK(record.at("run").at("catalog_digest") == std::string(64, 'd'));
  CHECK(record.at("run").at("controls_version") == "v8");
  REQUIRE(record.at("hosts").size() == 1);
  CHECK(record.at("hosts")[0].at("name") == "web1");
  CHECK(record.at("catalog").at("safeguards").at("4.1").at("ig1") == true);
  CHECK(record.at("catalog").at("controls").size() == 18);
  CHECK_NOTHROW((void)record.dump());
  CHECK(json::parse(reports::render("json", record)) == record);
}

TEST_CASE("build_record: run.selection when the run selected checks, none otherwise") {
  Catalog catalog;
  auto check = std::make_shared<Check>();
  check->id = "c1";
  catalog.checks = {check};
  RunInfo info;
  CHECK_FALSE(build_record(info, catalog, controls(), {}).at("run").contains("selection"));
  info.selection = Selection{"level2-server", {"deb-*", "5.1.*"}, {"5.1.20"}};
  info.checks_in_catalog = 7;
  auto record = build_record(info, catalog, controls(), {sample_run()});
  CHECK(record.at("run").at("selection") == json{{"profile", "level2-server"},
                                                 {"only", {"deb-*", "5.1.*"}},
                                                 {"skip", {"5.1.20"}},
                                                 {"checks_selected", 1},
                                                 {"checks_in_catalog", 7}});
  assess_record(record, controls(), {});
  CHECK_NOTHROW(validate_record("run.json", record));
  record["run"]["selection"]["checks_selected"] = "1";
  CHECK_THROWS_WITH_AS(validate_record("run.json", record),
                       "run.json: not a valid cisscan record: run.selection.checks_selected: "
                       "expected a whole number",
                       ConfigError);
}

TEST_CASE("the JSON report, written host by host, has the bytes of the whole record's dump") {
  auto record = test::sample_record();
  auto second = record["hosts"][0];
  second["name"] = "second\xff\x01host"; // invalid UTF-8 is replaced in both
  record["hosts"].push_back(second);
  const auto whole = record.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  CHECK(reports::render("json", record) == whole);
  record["hosts"] = json::array();
  CHECK(reports::render("json", record) ==
        record.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
  CHECK(reports::render("json", json::array({1, "two"})) == "[1,\"two\"]\n");
}

TEST_CASE("load_record") {
  const TempDir dir;
  SUBCASE("round trip") {
    auto record = build_record({}, Catalog{}, controls(), {sample_run()});
    assess_record(record, controls(), {});
    const auto file = dir.write("run.json", record.dump());
    CHECK(load_record(file) == record);
  }
  SUBCASE("a record not yet scored is not a whole record") {
    const auto record = build_record({}, Catalog{}, controls(), {sample_run()});
    const auto file = dir.write("run.json", record.dump());
    CHECK_THROWS_WITH_AS(
        load_record(file),
        doctest::Contains("run.json: not a valid cisscan record: missing 'scores'"), ConfigError);
  }
  SUBCASE("not JSON") {
    const auto file = dir.write("run.json", "{not json");
    CHECK_THROWS_WITH_AS(load_record(file), doctest::Contains(file.string().c_str()), ConfigError);
  }
  SUBCASE("JSON but not a record") {
    const auto file = dir.write("run.json", "{\"hosts\": []}");
    CHECK_THROWS_AS(load_record(file), ConfigError);
  }
  SUBCASE("missing") {
    CHECK_THROWS_AS(load_record(dir.path() / "none.json"), ConfigError);
  }
}

TEST_CASE("validate_record names the first member that breaks the record's contract") {
  auto record = build_record({}, Catalog{}, controls(), {sample_run()});
  assess_record(record, controls(), {});
  CHECK_NOTHROW(validate_record("run.json", record));
  const auto problem = [&](const std::function<void(json&)>& change) {
    auto broken = record;
    change(broken);
    try {
      validate_record("run.json", broken);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(no problem)");
  };
  const std::string prefix = "run.json: not a valid cisscan record: ";
  CHECK(problem([](json& r) { r["hosts"][0]["results"][0].erase("status"); }) ==
        prefix + "hosts[0].results[0]: missing 'status'");
  CHECK(problem([](json& r) { r["hosts"][0]["results"][0]["status"] = "passed"; }) ==
        prefix + "hosts[0].results[0].status: \"passed\" is not one of pass, fail, error, "
                 "not_applicable, manual, waived");
  CHECK(problem([](json& r) { r["hosts"][0]["port"] = "22"; }) ==
        prefix + "hosts[0].port: expected a whole number");
  CHECK(problem([](json& r) { r["hosts"][0]["become"] = "doas"; }) ==
        prefix + "hosts[0].become: \"doas\" is not one of sudo");
  CHECK(problem([](json& r) { r["hosts"][0]["identity"]["machine_id"] = 7; }) ==
        prefix + "hosts[0].identity.machine_id: expected a string or null");
  CHECK(problem([](json& r) { r["run"].erase("id"); }) == prefix + "run: missing 'id'");
  CHECK(problem([](json& r) { r["hosts"] = json::object(); }) == prefix + "hosts: expected a list");
  CHECK(problem([](json& r) { r["scores"]["hosts"]["h1\x1b[2J"] = 1; }) ==
        prefix + "scores.hosts[\"h1\\u001b[2J\"]: expected an object");
  CHECK(problem([](json& r) { r["scores"]["ig1"]["score"] = "high"; }) ==
        prefix + "scores.ig1.score: expected a number or null");
  CHECK(problem([](json& r) {
          r["waivers"] = {{"as_of", "2026-01-01"}};
        }) == prefix + "waivers: missing 'entries'");
  // A member the reader's filter drops is not looked for.
  const util::KeepMember no_probes = [](std::string_view, int depth, std::string_view key) {
    return !(depth == 3 && key == "probes");
  };
  auto without_probes = record;
  without_probes["hosts"][0].erase("probes");
  CHECK_NOTHROW(validate_record("run.json", without_probes, no_probes));
  CHECK_THROWS_AS(validate_record("run.json", without_probes), ConfigError);
}
