// history --import's streaming path: stream_record reads a record host by host with the same
// verdicts as load_record, and HistoryStore::import_file stores what save() stores.
#include "history/store.hpp"
#include "record/record.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

using namespace cisscan;
using cisscan::json;
using cisscan::test::TempDir;

namespace {

// A record a scan wrote (3 hosts of 37 results each, scored and assessed).
json scored_record() {
  static const json record = load_record(CISSCAN_TEST_DATA "/golden/records/fleet.json");
  return record;
}

// What load_record says of `text`, and what stream_record says (hosts collected).
struct Verdicts {
  std::string loaded;
  std::string streamed;
};

Verdicts verdicts(const TempDir& dir, const std::string& text) {
  const auto file = dir.write("run.json", text);
  Verdicts out;
  try {
    out.loaded = load_record(file).dump();
  } catch (const ConfigError& e) {
    out.loaded = e.what();
  }
  try {
    json hosts = json::array();
    auto head = stream_record(file, {}, [&](json host) { hosts.push_back(std::move(host)); });
    head["hosts"] = std::move(hosts);
    out.streamed = head.dump();
  } catch (const ConfigError& e) {
    out.streamed = e.what();
  }
  return out;
}

std::vector<SqlRow> table(HistoryStore& store, const std::string& sql) {
  return store.db().query(sql);
}

} // namespace

TEST_CASE("stream_record reads what load_record reads, and refuses what it refuses") {
  const TempDir dir;
  const auto record = scored_record();
  const auto check = [&](const std::function<void(json&)>& change) {
    auto changed = record;
    change(changed);
    const auto v = verdicts(dir, changed.dump());
    CHECK((v.streamed == v.loaded));
    return v.streamed;
  };
  CHECK((check([](json&) {}) == record.dump()));
  CHECK(check([](json& r) { r["hosts"][1]["results"][0].erase("status"); }) ==
        (dir.path() / "run.json").string() +
            ": not a valid cisscan record: hosts[1].results[0]: missing 'status'");
  CHECK(check([](json& r) {
          r["hosts"][2]["results"][36]["status"] = "passed";
        }).find("hosts[2].results[36].status: \"passed\" is not one of") != std::string::npos);
  CHECK(check([](json& r) { r["hosts"][0]["port"] = "22"; }).find("hosts[0].port") !=
        std::string::npos);
  CHECK(check([](json& r) { r["hosts"] = json::object(); }).find("hosts: expected a list") !=
        std::string::npos);
  CHECK(check([](json& r) { r["hosts"][1] = 7; }).find("hosts[1]: expected an object") !=
        std::string::npos);
  CHECK(check([](json& r) { r["run"].erase("id"); }).find("run: missing 'id'") !=
        std::string::npos);
  CHECK(check([](json& r) { r.erase("schema_version"); }).find("not a cisscan record") !=
        std::string::npos);
  // A top-level name twice: a streaming reader cannot keep only the last value, so both refuse.
  const auto doubled = verdicts(dir, "{\"hosts\": []," + record.dump().substr(1));
  CHECK(doubled.streamed == doubled.loaded);
  CHECK(doubled.streamed.find("the top-level member \"hosts\" appears twice") != std::string::npos);
  // Text that is not a record at all: the same verdict from both readers.
  for (const std::string& text : std::vector<std::string>{
           "[1]", "\"text\"", "{\"hosts\": []}", "{not json", "", "{\"schema_version\": 1e999}",
           std::string(100000, '[') + std::string(100000, ']')}) {
    CAPTURE(text.substr(0, 40));
    const auto v = verdicts(dir, text);
    CHECK(v.streamed.find("run.json") != std::string::npos);
    CHECK(v.loaded.find("run.json") != std::string::npos);
  }
  const auto deep =
      verdicts(dir, "{\"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}");
  CHECK(deep.streamed.find("nested deeper than 64 levels") != std::string::npos);
}

TEST_CASE("stream_record drops what the filter drops and skips hosts without a sink") {
  const TempDir dir;
  const auto file = dir.write("run.json", scored_record().dump());
  const util::KeepMember keep = [](std::string_view top, int depth, std::string_view key) {
    return !(top == "hosts" && depth == 5 && key == "title");
  };
  std::vector<json> hosts;
  stream_record(file, keep, [&](json host) { hosts.push_back(std::move(host)); });
  REQUIRE(hosts.size() == 3);
  CHECK(hosts[0]["name"] == scored_record()["hosts"][0]["name"]);
  CHECK_FALSE(hosts[0]["results"][0].contains("title"));
  CHECK(hosts[0]["results"][0]["status"] == "pass");
  const auto head = stream_record(file, keep, {});
  CHECK(head["hosts"] == json::array());
  CHECK((head["run"] == scored_record()["run"]));
  CHECK((head["scores"] == scored_record()["scores"]));
}

TEST_CASE("part_length never cuts a UTF-8 character") {
  CHECK(run_rows::part_length("abcdef", 10) == 6);
  CHECK(run_rows::part_length("abcdef", 4) == 4);
  // "é" is two bytes (C3 A9) at 3..4: a cut at 4 would split it.
  CHECK(run_rows::part_length("abc\xC3\xA9"
                              "def",
                              4) == 3);
  CHECK(run_rows::part_length("abc\xC3\xA9"
                              "def",
                              5) == 5);
  // A four-byte character (U+1F600) at 2..5.
  CHECK(run_rows::part_length("ab\xF0\x9F\x98\x80"
                              "c",
                              5) == 2);
}

TEST_CASE("import_file stores what save stores, in parts, and once") {
  const TempDir dir;
  auto record = scored_record();
  // Text over two parts, with two-byte characters across every possible cut.
  std::string reason;
  while (reason.size() < run_rows::k_part_bytes + 1000) {
    reason += "\xC3\xA9x\xC3\xA9";
  }
  record["hosts"][1]["reason"] = reason;
  const auto text = record.dump();
  const auto file = dir.write("run.json", text);

  HistoryStore saved("sqlite:" + (dir.path() / "saved.db").string());
  saved.save(record, text);
  HistoryStore imported("sqlite:" + (dir.path() / "imported.db").string());
  const auto run_id = record["run"]["id"].get<std::string>();
  const auto first = imported.import_file(file);
  CHECK(first.run_id == run_id);
  CHECK(first.stored);

  for (const std::string& sql : std::vector<std::string>{
           "SELECT id, started_at, finished_at, scanner_version, catalog_digest, operator, "
           "inventory_source, ig1_score, ig1_assessed, hosts_in_scope, hosts_scanned, record FROM "
           "runs",
           "SELECT * FROM hosts ORDER BY name", "SELECT * FROM results ORDER BY host, check_id",
           "SELECT * FROM scores ORDER BY safeguard",
           "SELECT run_id, part, length(text) FROM record_parts ORDER BY part"}) {
    CAPTURE(sql);
    const auto want = table(saved, sql);
    CHECK(!want.empty());
    CHECK((want == table(imported, sql)));
  }
  CHECK(table(imported, "SELECT COUNT(*) FROM record_parts") == std::vector<SqlRow>{{"2"}});
  CHECK(table(imported, "SELECT COUNT(*) FROM results") == std::vector<SqlRow>{{"111"}});
  CHECK((imported.export_record(run_id) == text));
  CHECK((saved.export_record(run_id) == text));

  SUBCASE("a run already stored is not stored again") {
    const auto again = imported.import_file(file);
    CHECK(again.run_id == run_id);
    CHECK_FALSE(again.stored);
    CHECK(table(imported, "SELECT COUNT(*) FROM results") == std::vector<SqlRow>{{"111"}});
  }
  SUBCASE("a broken record stores nothing") {
    auto broken = scored_record();
    broken["run"]["id"] = "run-2";
    broken["hosts"][1]["results"][0]["status"] = "passed";
    CHECK_THROWS_WITH_AS(imported.import_file(dir.write("broken.json", broken.dump())),
                         doctest::Contains("hosts[1].results[0].status"), ConfigError);
    CHECK(table(imported, "SELECT COUNT(*) FROM runs") == std::vector<SqlRow>{{"1"}});
    CHECK(table(imported, "SELECT COUNT(*) FROM hosts") == std::vector<SqlRow>{{"3"}});
  }
}
