// HostSpool: a scan's finished hosts on disk, read back one at a time, as they were put.
#include "record/host_spool.hpp"
#include "record/record.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

const json& fleet_record() {
  static const json record = load_record(CISSCAN_TEST_DATA "/golden/records/fleet.json");
  return record;
}

// The fleet's hosts put in reverse order, as workers may end them.
void put_reversed(HostSpool& spool, const json& hosts) {
  for (size_t i = hosts.size(); i-- > 0;) {
    spool.put(i, hosts[i]);
  }
}

// The same with each host's entry of the record's scores.hosts (a scan's way).
void put_scored(HostSpool& spool, const json& record) {
  const auto& hosts = record["hosts"];
  for (size_t i = hosts.size(); i-- > 0;) {
    spool.put(i, hosts[i], record["scores"]["hosts"][hosts[i]["name"].get<std::string>()]);
  }
}

// The record but its hosts and their scores (what a scan holds of it).
json head_of(const json& record) {
  auto head = record;
  head["hosts"] = json::array();
  head["scores"]["hosts"] = json::object();
  return head;
}

// The record read back from a spool, and each host's score, against the record.
void check_read_back(const HostSpool& spool, const json& record) {
  const auto& entries = record["scores"]["hosts"];
  std::vector<std::string> names;
  spool.each_score_text([&](const std::string& name, std::string_view text) {
    CAPTURE(name);
    names.push_back(name);
    CHECK(json::parse(text) == entries[name]);
  });
  CHECK(names == std::vector<std::string>{"hardened", "offline", "unhardened"}); // by name
  size_t index = 0;
  spool.each_scored(head_of(record), [&](const json& host, const json& score) {
    CHECK(host == record["hosts"][index++]);
    CHECK(score == entries[host["name"].get<std::string>()]);
  });
  CHECK(index == 3);
  std::optional<json> storage;
  CHECK(whole_record(head_of(record), spool, storage) == record);
}

} // namespace

TEST_CASE("HostSpool gives back each host as it was put, in record order") {
  const auto& hosts = fleet_record()["hosts"];
  REQUIRE(hosts.size() == 3);
  HostSpool spool(hosts.size());
  put_reversed(spool, hosts);
  CHECK(spool.size() == 3);
  std::vector<json> read;
  spool.each([&](const json& host) { read.push_back(host); });
  REQUIRE(read.size() == 3);
  for (size_t i = 0; i < hosts.size(); ++i) {
    CAPTURE(i);
    CHECK(read[i] == hosts[i]);
    CHECK(spool.at(i) == hosts[i]);
  }
  std::vector<std::string> texts;
  spool.each_text([&](std::string_view text) { texts.emplace_back(text); });
  REQUIRE(texts.size() == 3);
  for (size_t i = 0; i < hosts.size(); ++i) {
    CAPTURE(i);
    CHECK(texts[i] == HostSource::host_text(hosts[i]));
  }
  CHECK_FALSE(spool.array());
  CHECK_FALSE(holds_hosts(fleet_record(), spool));
}

TEST_CASE("HostSpool: a short host read after a long one is its own text only") {
  // each_text reads every host through one buffer: what a longer host left in it stays out.
  const auto& long_host = fleet_record()["hosts"][0];
  const json short_host = {{"name", "s"}, {"status", "ok"}, {"results", json::array()}};
  HostSpool spool(3);
  spool.put(0, long_host);
  spool.put(1, short_host);
  spool.put(2, long_host);
  std::vector<std::string> texts;
  spool.each_text([&](std::string_view text) { texts.emplace_back(text); });
  REQUIRE(texts.size() == 3);
  REQUIRE(texts[0].size() > texts[1].size());
  CHECK(texts[0] == HostSource::host_text(long_host));
  CHECK(texts[1] == HostSource::host_text(short_host));
  CHECK(texts[2] == texts[0]);
  CHECK(spool.at(1) == short_host);
}

TEST_CASE("HostSpool: the gaps of each host are its fail and error results") {
  const auto& hosts = fleet_record()["hosts"];
  HostSpool spool(hosts.size());
  put_reversed(spool, hosts);
  size_t index = 0;
  spool.each_gaps([&](const json& gaps) {
    const auto& host = hosts[index++];
    CHECK(gaps["name"] == host["name"]);
    CHECK(gaps["status"] == host["status"]);
    std::vector<json> expected;
    for (const auto& result : host["results"]) {
      if (result["status"] == "fail" || result["status"] == "error") {
        expected.push_back({{"check_id", result["check_id"]},
                            {"status", result["status"]},
                            {"safeguards", result["safeguards"]}});
      }
    }
    CHECK(gaps["results"] == json(expected));
  });
  CHECK(index == 3);
}

TEST_CASE("HostSpool: a host never put reads as null and has no gaps") {
  HostSpool spool(2);
  spool.put(1, fleet_record()["hosts"][0]);
  CHECK(spool.at(0).is_null());
  size_t gaps = 0;
  spool.each_gaps([&](const json&) { ++gaps; });
  CHECK(gaps == 1);
}

TEST_CASE("whole_record: the record itself when it holds its hosts, else a copy with them") {
  const auto& record = fleet_record();
  std::optional<json> storage;
  CHECK(&whole_record(record, RecordHosts(record), storage) == &record);
  CHECK_FALSE(storage);
  auto head = record;
  head["hosts"] = json::array();
  HostSpool spool(record["hosts"].size());
  put_reversed(spool, record["hosts"]);
  CHECK(whole_record(head, spool, storage) == record);
  CHECK(storage);
}

TEST_CASE("HostSpool: each host's score comes back with it, and by name for the record's scores") {
  const auto& record = fleet_record();
  // Names not in record order, so that the order by name is the spool's doing.
  REQUIRE(record["hosts"][1]["name"] == "unhardened");
  HostSpool spool(record["hosts"].size());
  put_scored(spool, record);
  CHECK(spool.holds_scores());
  check_read_back(spool, record);
  // Without scores, the record's own are read.
  HostSpool unscored(record["hosts"].size());
  put_reversed(unscored, record["hosts"]);
  CHECK_FALSE(unscored.holds_scores());
  size_t scored = 0;
  unscored.each_scored(record, [&](const json& host, const json& score) {
    scored += score == record["scores"]["hosts"][host["name"].get<std::string>()] ? 1 : 0;
  });
  CHECK(scored == 3);
}

TEST_CASE("HostSpool: hosts appended to a spool made for none come back in the order given") {
  const auto& record = fleet_record();
  HostSpool spool(0);
  for (const auto& host : record["hosts"]) {
    spool.append(host, record["scores"]["hosts"][host["name"].get<std::string>()]);
  }
  CHECK(spool.size() == record["hosts"].size());
  check_read_back(spool, record);
}

TEST_CASE("HostSpool: where no temporary file can be made, every host is kept in memory") {
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before != nullptr ? before : "";
  setenv("TMPDIR", "/proc", 1); // a folder where no file can be made, even by root
  const auto& record = fleet_record();
  HostSpool spool(record["hosts"].size());
  if (before != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  put_scored(spool, record);
  check_read_back(spool, record);
  size_t gaps = 0;
  spool.each_gaps([&](const json& host) { gaps += host["results"].size(); });
  CHECK(gaps > 0);
}
