// HostSpool: a scan's finished hosts on disk, read back one at a time, as they were put.
#include "record/host_spool.hpp"
#include "record/record.hpp"

#include <doctest/doctest.h>

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
