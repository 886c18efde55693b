#include "history/store.hpp"

#include "history/diff.hpp"
#include "history/libpq.hpp"
#include "record/host_spool.hpp"
#include "sample_record.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"
#include "util/json_file.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cisscan;
using cisscan::json;
using test::make_host;
using test::make_record;
using test::make_result;

namespace {

// Run `id` at `started_at`: host a (key `key`) with 4.1 = 3 pass, 1 fail of weight 2 -> 60.0;
// host b with a waived and a manual result.
json run(const std::string& id, const std::string& started_at, const std::string& key = "K1",
         const std::string& c4 = "fail") {
  auto a = make_host("a", "ok",
                     json::array({make_result("c1", "pass"), make_result("c2", "pass"),
                                  make_result("c3", "pass"), make_result("c4", c4, {"4.1"}, 2)}));
  a["identity"]["host_key_sha256"] = key;
  a["identity"]["machine_id"] = "m-a";
  auto b = make_host(
      "b", "ok", json::array({make_result("c1", "waived"), make_result("c5", "manual", {"5.2"})}));
  b["results"][0]["original_status"] = "fail";
  b["results"][0]["title"] = "Quotes ' \" and a\nnewline, a tab\t and \\N";
  auto record = make_record(json::array({a, b}), id);
  record["run"]["started_at"] = started_at;
  record["run"]["finished_at"] = started_at;
  return record;
}

std::vector<SqlRow> rows(HistoryStore& store, const std::string& sql) {
  return store.db().query(sql);
}

SqlRow row(std::initializer_list<const char*> values) {
  SqlRow out;
  for (const char* v : values) {
    out.push_back(v == nullptr ? SqlValue() : SqlValue(v));
  }
  return out;
}

} // namespace

TEST_CASE("a new SQLite store") {
  test::TempDir dir;
  const auto url = "sqlite:" + (dir.path() / "history.db").string();
  SUBCASE("is created at the current schema version, and opens again") {
    {
      HistoryStore store(url);
      CHECK(store.schema_version() == k_store_schema_version);
      CHECK(store.runs().empty());
      CHECK(store.db().dialect() == "sqlite");
    }
    HistoryStore again(url);
    CHECK(again.schema_version() == k_store_schema_version);
    CHECK(rows(again, "SELECT COUNT(*) FROM cisscan_schema") == std::vector<SqlRow>{row({"1"})});
  }
  SUBCASE("a store from a newer cisscan is refused, and left as it was") {
    {
      HistoryStore store(url);
      store.db().exec("UPDATE cisscan_schema SET version = 99");
    }
    CHECK_THROWS_WITH_AS(HistoryStore{url},
                         doctest::Contains("the store has schema version 99, newer than this "
                                           "cisscan understands"),
                         ConfigError);
    auto db = open_db(url);
    CHECK(db->query("SELECT version FROM cisscan_schema") == std::vector<SqlRow>{row({"99"})});
  }
}

TEST_CASE("open_db and redact_url") {
  CHECK_THROWS_WITH_AS(open_db("mysql://u:secret@h/db"),
                       doctest::Contains("--store mysql://u:***@h/db: expected sqlite:PATH"),
                       ConfigError);
  CHECK(redact_url("postgresql://audit:s3cr:t@db.example:5432/cisscan") ==
        "postgresql://audit:***@db.example:5432/cisscan");
  CHECK(redact_url("postgresql:///cisscan?host=/run/pg&password=s3cret&sslmode=require") ==
        "postgresql:///cisscan?host=/run/pg&password=***&sslmode=require");
  CHECK(redact_url("sqlite:/var/lib/cisscan/history.db") == "sqlite:/var/lib/cisscan/history.db");
  test::TempDir dir;
  CHECK_THROWS_AS(open_db("sqlite:" + (dir.path() / "missing" / "h.db").string()), DbError);
}

TEST_CASE("the store's test hooks: an older schema, a call inside each write") {
  test::TempDir dir;
  const auto url = "sqlite:" + (dir.path() / "history.db").string();
  int writes = 0;
  {
    HistoryStore old(url, {1, [&] { ++writes; }});
    CHECK(old.schema_version() == 1);
    const auto first = run("run-1", "2026-01-01T00:00:00.000Z");
    old.save(first, first.dump());
    CHECK(writes == 1);
  }
  HistoryStore current(url); // no hooks: migrates to the latest, calls nothing
  CHECK(current.schema_version() == k_store_schema_version);
  const auto second = run("run-2", "2026-01-02T00:00:00.000Z");
  current.save(second, second.dump());
  CHECK(writes == 1);
  CHECK(current.runs().size() == 2);
}

TEST_CASE("saving runs") {
  test::TempDir dir;
  HistoryStore store("sqlite:" + (dir.path() / "history.db").string());
  const auto first = run("run-1", "2026-01-01T00:00:00.000Z");
  const auto second = run("run-2", "2026-01-02T00:00:00.000Z", "K2", "pass");
  store.save(first, first.dump());
  store.save(second, "{\"the\": \"exact text\"}\n");

  SUBCASE("runs: oldest first, with the IG1 score and coverage") {
    const auto runs = store.runs();
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].id == "run-1");
    CHECK(runs[0].started_at == "2026-01-01T00:00:00.000Z");
    REQUIRE(runs[0].ig1_score);
    CHECK(*runs[0].ig1_score == 60.0);
    CHECK(runs[0].ig1_assessed == 1);
    CHECK(runs[0].hosts_in_scope == 2);
    CHECK(runs[0].hosts_scanned == 2);
    CHECK(*runs[1].ig1_score == 100.0);
    const auto over_time = store.ig1_over_time();
    REQUIRE(over_time.size() == 2);
    CHECK(over_time[0].first == "2026-01-01T00:00:00.000Z");
    CHECK(*over_time[1].second == 100.0);
  }
  SUBCASE("the record's text comes back exactly") {
    CHECK(store.export_record("run-2") ==
          std::optional<std::string>("{\"the\": \"exact text\"}\n"));
    CHECK(json::parse(*store.export_record("run-1")) == first);
    CHECK_FALSE(store.export_record("run-3"));
  }
  SUBCASE("the tables hold hosts, results and scores, text exactly and NULL as NULL") {
    CHECK(
        rows(store, "SELECT name, address, host_key_sha256, machine_id, status, reason, "
                    "ig1_score, key_changed FROM hosts WHERE run_id = 'run-1' ORDER BY name") ==
        std::vector<SqlRow>{row({"a", "192.0.2.1", "K1", "m-a", "ok", "", "60.0", "0"}),
                            row({"b", "192.0.2.1", "SHA256:b", nullptr, "ok", "", nullptr, "0"})});
    CHECK(rows(store, "SELECT check_id, status, original_status, title, safeguards, "
                      "benchmark_ref FROM results WHERE run_id = 'run-1' AND host = 'b' ORDER BY "
                      "check_id") ==
          std::vector<SqlRow>{row({"c1", "waived", "fail",
                                   "Quotes ' \" and a\nnewline, a tab\t and \\N", "4.1", "1.1"}),
                              row({"c5", "manual", nullptr, "Title of c5", "5.2", "1.1"})});
    CHECK(rows(store, "SELECT safeguard, score, state, pass, fail, error FROM scores WHERE "
                      "run_id = 'run-1' ORDER BY safeguard") ==
          std::vector<SqlRow>{row({"4.1", "60.0", "partial", "3", "1", "0"}),
                              row({"5.2", nullptr, "not_assessed", "0", "0", "0"})});
  }
  SUBCASE("a host whose key differs from its previous run is marked") {
    CHECK(rows(store, "SELECT name, key_changed FROM hosts WHERE run_id = 'run-2' ORDER BY name") ==
          std::vector<SqlRow>{row({"a", "1"}), row({"b", "0"})});
  }
  SUBCASE("a run saved twice is refused and changes nothing") {
    CHECK_THROWS_AS(store.save(first, "again"), DbError);
    CHECK(store.runs().size() == 2);
    CHECK(store.export_record("run-1") == first.dump());
    CHECK(rows(store, "SELECT COUNT(*) FROM results") == std::vector<SqlRow>{row({"12"})});
  }
  SUBCASE("latest_before") {
    CHECK(store.latest_before("2026-01-02T00:00:00.000Z") == std::optional<std::string>("run-1"));
    CHECK(store.latest_before("2026-01-03T00:00:00.000Z") == std::optional<std::string>("run-2"));
    CHECK_FALSE(store.latest_before("2026-01-01T00:00:00.000Z"));
  }
  SUBCASE("prune_before deletes older runs with every row of theirs") {
    CHECK(store.prune_before("2026-01-01T12:00:00Z") == 1);
    CHECK(store.runs().size() == 1);
    CHECK(store.runs()[0].id == "run-2");
    for (const char* table : {"hosts", "results", "scores"}) {
      CAPTURE(table);
      CHECK(rows(store, std::string("SELECT COUNT(*) FROM ") + table + " WHERE run_id = 'run-1'") ==
            std::vector<SqlRow>{row({"0"})});
    }
    CHECK(store.prune_before("2026-01-01T12:00:00Z") == 0);
  }
}

TEST_CASE("a run's summary gives the diff its full record gives") {
  test::TempDir dir;
  HistoryStore store("sqlite:" + (dir.path() / "history.db").string());
  const auto first = run("run-1", "2026-01-01T00:00:00.000Z");
  auto second = run("run-2", "2026-01-02T00:00:00.000Z", "K2", "pass");
  second["hosts"][0]["results"][0]["status"] = "error"; // c1 on a: pass -> error
  second["scores"] = score_hosts(second["hosts"], test::shipped_controls());
  store.save(first, first.dump());
  store.save(second, second.dump());
  const auto old_summary = store.summary_record("run-1");
  const auto new_summary = store.summary_record("run-2");
  REQUIRE(old_summary);
  REQUIRE(new_summary);
  CHECK(old_summary->at("run").at("started_at") == "2026-01-01T00:00:00.000Z");
  const auto from_store = diff_records(*old_summary, *new_summary);
  CHECK(from_store == diff_records(first, second));
  CHECK(diff_run(*store.digest("run-1"), second, RecordHosts(second)) == from_store);
  CHECK(from_store["newly_failing"].size() == 1);
  CHECK(from_store["host_key_changed"].size() == 1);
  CHECK_FALSE(store.summary_record("run-3"));
}

TEST_CASE("a run saved a host at a time from a spool is stored as the run held whole is") {
  test::TempDir dir;
  HistoryStore whole("sqlite:" + (dir.path() / "whole.db").string());
  HistoryStore spooled("sqlite:" + (dir.path() / "spooled.db").string());
  const auto first = run("run-1", "2026-01-01T00:00:00.000Z");
  auto second = run("run-2", "2026-01-02T00:00:00.000Z", "K2", "pass");
  second["hosts"][0]["results"][0]["status"] = "fail";                     // c1 on a
  second["hosts"][0]["results"][0]["check_sha256"] = std::string(64, 'c'); // and redefined
  second["scores"] = score_hosts(second["hosts"], test::shipped_controls());
  for (const json* record : {&first, static_cast<const json*>(&second)}) {
    whole.save(*record, record->dump());
    // As a scan publishes a fleet: the hosts, each with its scores.hosts entry, in the spool.
    HostSpool spool(record->at("hosts").size());
    const auto& entries = record->at("scores").at("hosts");
    for (size_t i = 0; i < spool.size(); ++i) {
      const auto& host = record->at("hosts")[i];
      const auto entry = entries.find(host["name"].get<std::string>());
      spool.put(i, host, entry != entries.end() ? *entry : json());
    }
    auto head = *record;
    head["hosts"] = json::array();
    head["scores"]["hosts"] = json::object();
    spooled.save(head, spool, [&](std::ostream& out) { out << record->dump(); });
  }
  for (const char* table : {"runs", "hosts", "results", "scores", "record_parts"}) {
    CAPTURE(table);
    const auto all = std::string("SELECT * FROM ") + table + " ORDER BY 1, 2, 3";
    CHECK(rows(spooled, all) == rows(whole, all));
  }
  // The drift of the second run: from the stored digest of the first (its definition hashes
  // read back a host at a time) and this run's hosts in the spool, as from both records whole.
  HostSpool spool(second["hosts"].size());
  for (size_t i = 0; i < spool.size(); ++i) {
    spool.put(i, second["hosts"][i]);
  }
  auto head = second;
  head["hosts"] = json::array();
  const auto expected = diff_records(first, second);
  CHECK(expected["changed_checks"].size() == 1);
  CHECK(diff_run(*spooled.digest("run-1"), head, spool) == expected);
  CHECK(diff_run(digest_of(first), second, RecordHosts(second)) == expected);
  CHECK_FALSE(spooled.digest("run-3"));
}

TEST_CASE("stored_member keeps everything save() reads") {
  // A record parsed with the filter stores the same rows as the whole record.
  const auto whole = run("run-1", "2026-01-01T00:00:00.000Z");
  test::TempDir dir;
  const auto filtered =
      util::load_json_object(dir.write("record.json", whole.dump()), HistoryStore::stored_member);
  CHECK(filtered.at("hosts").at(0).count("probes") == 0);
  CHECK(filtered.at("hosts").at(0).at("results").at(0).count("expected") == 0);
  HistoryStore a("sqlite:" + (dir.path() / "a.db").string());
  HistoryStore b("sqlite:" + (dir.path() / "b.db").string());
  a.save(whole, "text");
  b.save(filtered, "text");
  for (const char* table : {"runs", "hosts", "results", "scores"}) {
    CAPTURE(table);
    const auto sql = std::string("SELECT * FROM ") + table + " ORDER BY 1, 2, 3";
    CHECK(rows(a, sql) == rows(b, sql));
  }
}

TEST_CASE("libpq is loaded when a PostgreSQL store needs it, and a missing one is named") {
  // Every function postgres_db.cpp calls is found in the library this build was made against.
  const auto& pq = cisscan::libpq();
  CHECK((pq.connectdb != nullptr && pq.getResult != nullptr));
  CHECK(&cisscan::libpq() == &pq); // loaded once
  CHECK_THROWS_WITH_AS(cisscan::load_libpq("libcisscan-no-such-pq.so.5"),
                       doctest::Contains("libcisscan-no-such-pq.so.5 (Debian package libpq5)"),
                       cisscan::DbError);
  // A library without libpq's functions: the first one missing is named.
  CHECK_THROWS_WITH_AS(cisscan::load_libpq("libz.so.1"), doctest::Contains("has no PQconnectdb"),
                       cisscan::DbError);
}
