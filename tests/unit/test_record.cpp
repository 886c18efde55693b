#include "pipeline/run.hpp"
#include "record/host_spool.hpp"
#include "record/record.hpp"

#include "sample_record.hpp"
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
using cisscan::test::TempDir;

namespace {

const ControlsCatalog& controls() {
  return test::shipped_controls();
}

ProbeRecord probe_record(const std::string& id, const std::string& output) {
  ProbeRecord record;
  record.spec.id = id;
  record.spec.type = "command";
  record.spec.argument = "cat x";
  record.spec.command = "cat x";
  record.output.id = id;
  record.output.output = output;
  record.output.output_bytes = output.size();
  record.output.sha256 = util::sha256_hex(output);
  record.output.complete = true;
  record.output.exit_code = 0;
  record.state = ProbeState::ok;
  return record;
}

HostRun sample_run() {
  auto check = std::make_shared<Check>();
  check->id = "c-1";
  check->title = "A check";
  check->safeguards = {"4.1"};
  check->weight = 2;
  HostRun run;
  run.spec.name = "web1";
  run.spec.target = test::ssh_login("web01", "10.0.0.21", 22, "audit", "sudo");
  run.status = HostStatus::ok;
  run.facts.values["os_id"] = "debian";
  run.facts.machine_id = "abc";
  run.probes.push_back(probe_record("p-text", "caf\xC3\xA9\n"));
  run.probes.push_back(probe_record("p-binary", std::string("\xFF\x00\xFE", 3)));
  CheckResult result;
  result.check = check;
  result.status = ResultStatus::fail;
  result.probe_ids = {"p-binary"};
  result.observed = "bad \xFF byte";
  run.results.push_back(result);
  return run;
}

// A spool made with `members` reads back the `full` entry of the `lean` one it was given.
void check_spooled(const json& lean, const ResultMembers& members, const json& full) {
  HostSpool spool(1, &members);
  spool.put(0, lean);
  CHECK(spool.at(0) == full);
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

TEST_CASE("a lean host entry, its results' members put back as text, is the full entry's text") {
  auto run = sample_run();
  auto check = std::make_shared<Check>(*run.results[0].check);
  check->benchmarks = {{"cis-debian12", "1.1.0", "5.1.20", "L1"},
                       {"cis-debian13", "1.0.0", "5.1.21", "L1"}};
  check->sha256 = std::string(64, 'c');
  check->requires_root = true;
  run.results[0].check = check;
  // A second result of a check the members do not know: written whole either way.
  auto other = run.results[0];
  auto unknown = std::make_shared<Check>(*check);
  unknown->id = "c-unknown";
  other.check = unknown;
  run.results.push_back(other);
  Catalog catalog;
  catalog.checks = {check};
  const auto members = result_members(catalog);

  const auto full = host_to_json(run);
  const auto lean = host_to_json(run, &members);
  CHECK_FALSE(lean.at("results")[0].contains("title"));
  CHECK_FALSE(lean.at("results")[0].contains("benchmarks"));
  CHECK(lean.at("results")[0].at("safeguards") == full.at("results")[0].at("safeguards"));
  CHECK(lean.at("results")[1] == full.at("results")[1]);
  std::string text;
  append_host_text(text, lean, &members);
  CHECK(text == util::compact_json(full));
  // A full entry (read back from a spool) is written as it is, its members not doubled.
  std::string again;
  append_host_text(again, full, &members);
  CHECK(again == util::compact_json(full));
  // And what the assessment adds to a lean result is kept in key order.
  auto assessed = lean;
  assessed["results"][0]["original_status"] = "fail";
  auto assessed_full = full;
  assessed_full["results"][0]["original_status"] = "fail";
  std::string written;
  append_host_text(written, assessed, &members);
  CHECK(written == util::compact_json(assessed_full));
  // Through a spool made with the members, the full entry comes back.
  check_spooled(lean, members, full);
}

TEST_CASE("a lean entry's probe text takes a catalog probe's members only where the host ran it "
          "as the catalog wrote it") {
  auto run = sample_run();
  auto as_written = std::make_shared<Check>(*run.results[0].check);
  as_written->probe = run.probes[0].spec; // p-text, as the host ran it
  auto changed = std::make_shared<Check>(*as_written);
  changed->id = "c-2";
  changed->probe = run.probes[1].spec; // p-binary, whose command the host's plan changed
  changed->probe->command = "cat y";
  Catalog catalog;
  catalog.checks = {as_written, changed};
  const auto members = result_members(catalog);
  REQUIRE(members.by_probe.size() == 2);

  const auto full = host_to_json(run);
  const auto entry = record_entry(run, &members);
  const auto probes = json::parse(entry.probes);
  CHECK(probes == full.at("probes"));
  CHECK(probes[1].at("command") == "cat x"); // its own command, not the catalog's
  std::string text;
  append_host_text(text, entry.host, &members, entry.probes);
  CHECK(text == util::compact_json(full));
  // A full entry (read back from a spool) through a spool made with the members: as it was.
  check_spooled(full, members, full);
}

TEST_CASE("a lean entry's probes written as text are the full entry's probes, byte for byte") {
  auto run = sample_run(); // p-text (UTF-8), p-binary (base64)
  auto odd = probe_record("p-odd", "quote \" back \\ tab \t bell \x07 \xE2\x82\xAC\n\n");
  odd.spec.argument = "bad \xFF argument";
  odd.spec.command = "printf '%s' \"x\"";
  odd.spec.timeout_seconds = 7;
  odd.output.exit_code = -1;
  odd.output.truncated = true;
  odd.output.complete = false;
  odd.output.output_bytes = 99999;
  odd.output.started_at = util::WallTime{std::chrono::milliseconds(1764950000123)};
  odd.output.duration_ms = 1234;
  odd.state = ProbeState::error;
  run.probes.push_back(odd);
  auto own = odd; // the same, not the catalog's: its spec's members written from the spec
  own.spec.id = own.output.id = "p-odd-own";
  run.probes.push_back(own);
  auto unknown = probe_record("p-unknown", ""); // no catalog check runs it
  unknown.output.sha256.clear();
  run.probes.push_back(unknown);
  // Answered from the facts: the catalog's command after what says so (escapes in both halves).
  auto catalog_derived = odd.spec;
  catalog_derived.id = "p-derived";
  catalog_derived.argument = "plain";
  catalog_derived.command = "awk '{ print \"\\t\" $1 }' \xE2\x82\xAC\n/etc/passwd";
  auto derived = probe_record("p-derived", "root\n");
  derived.spec = catalog_derived;
  derived.spec.command = "(answered from the facts: f-a, \"f-b\"\n) " + catalog_derived.command;
  run.probes.push_back(derived);
  // The catalog's checks: p-text as the host ran it, p-odd as the host ran it, p-binary with a
  // command the host's plan changed, p-derived answered from the facts.
  const auto check_of = [&](const std::string& id, const ProbeSpec& spec) {
    auto check = std::make_shared<Check>(*run.results[0].check);
    check->id = id;
    check->probe = spec;
    return check;
  };
  auto changed = run.probes[1].spec;
  changed.command = "cat y";
  Catalog catalog;
  catalog.checks = {check_of("c-1", run.probes[0].spec), check_of("c-2", changed),
                    check_of("c-3", odd.spec), check_of("c-4", catalog_derived)};
  const auto members = result_members(catalog);
  const auto full = host_to_json(run);
  CHECK(full.at("probes")[5].at("command") == derived.spec.command);

  const auto entry = record_entry(run, &members);
  REQUIRE(entry.host.at("probes").size() == run.probes.size());
  for (const auto& placeholder : entry.host.at("probes")) {
    CHECK(placeholder.is_null());
  }
  CHECK(json::parse(entry.probes) == full.at("probes"));
  std::string text;
  append_host_text(text, entry.host, &members, entry.probes);
  CHECK(text == util::compact_json(full));
  // Through a spool made with the members, the full entry comes back.
  HostSpool spool(1, &members);
  spool.put(0, entry.host, entry.probes);
  CHECK(spool.at(0) == full);
  // Without members the entry is host_to_json's, whole.
  const auto whole = record_entry(run, nullptr);
  CHECK(whole.host == full);
  CHECK(whole.probes.empty());
  // A host that ran no probe: an empty list either way.
  run.probes.clear();
  const auto none = record_entry(run, &members);
  CHECK(none.probes == "[]");
  CHECK(none.host.at("probes") == json::array());
  std::string bare;
  append_host_text(bare, none.host, &members, none.probes);
  CHECK(bare == util::compact_json(host_to_json(run)));
}

TEST_CASE("a lean entry's command after a prefix that is not UTF-8 is written whole, replaced") {
  // The prefix ends inside a character the catalog's command does not finish.
  auto run = sample_run();
  auto catalog_spec = run.probes[0].spec;
  catalog_spec.command = "cat /etc/passwd";
  run.probes[0].spec.command = "\xFF\xFE (answered) \xE2\x82" + catalog_spec.command;
  auto check = std::make_shared<Check>(*run.results[0].check);
  check->probe = catalog_spec;
  Catalog catalog;
  catalog.checks = {check};
  const auto members = result_members(catalog);
  const auto entry = record_entry(run, &members);
  std::string text;
  append_host_text(text, entry.host, &members, entry.probes);
  CHECK(text == util::compact_json(host_to_json(run)));
  CHECK(entry.probes.find(" (answered) \xEF\xBF\xBD") != std::string::npos); // replaced
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
