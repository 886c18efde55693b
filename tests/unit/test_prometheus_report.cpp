#include "reports/formats.hpp"

#include "sample_record.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <sstream>
#include <string>

using namespace cisscan;
using cisscan::json;
using test::make_host;
using test::make_record;
using test::make_result;

namespace {

// a: 4.1 = 3 pass and a fail of weight 2 -> 60.0 (IG1 60.0 over one safeguard); a waived
// result on 4.8 (no score) and a manual one on 5.2 (none either). b was unreachable.
json fleet() {
  return make_record(json::array(
      {make_host("a", "ok",
                 json::array({make_result("c1", "pass"), make_result("c2", "pass"),
                              make_result("c3", "pass"), make_result("c4", "fail", {"4.1"}, 2),
                              make_result("c5", "waived", {"4.8"}),
                              make_result("c6", "manual", {"5.2"})})),
       make_host("b", "unreachable", json::array({make_result("c1", "error")}))}));
}

// Every line is a comment or a sample of the text exposition format.
void check_exposition(const std::string& text) {
  static const std::regex k_sample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(\\[\\"n]|[^"\\\n])*"\})? -?[0-9.e+]+$)");
  static const std::regex k_comment(R"(^# (HELP|TYPE) [a-z0-9_]+ .+$)");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    CAPTURE(line);
    CHECK((std::regex_match(line, k_sample) || std::regex_match(line, k_comment)));
  }
  CHECK(text.back() == '\n');
}

} // namespace

TEST_CASE("write_prometheus: every family, hand-computed") {
  const auto prom = reports::render("prom", fleet());
  CHECK(prom ==
        "# HELP cisscan_run_info The last scan's run id, as a label; the value is always 1.\n"
        "# TYPE cisscan_run_info gauge\n"
        "cisscan_run_info{run_id=\"run-1\"} 1\n"
        "# HELP cisscan_ig1_score IG1 score of the last scan, 0-100 (absent when not assessed).\n"
        "# TYPE cisscan_ig1_score gauge\n"
        "cisscan_ig1_score 60\n"
        "# HELP cisscan_ig1_safeguards_assessed IG1 safeguards with results or attestations.\n"
        "# TYPE cisscan_ig1_safeguards_assessed gauge\n"
        "cisscan_ig1_safeguards_assessed 1\n"
        "# HELP cisscan_ig1_safeguards IG1 safeguards in CIS Controls v8.\n"
        "# TYPE cisscan_ig1_safeguards gauge\n"
        "cisscan_ig1_safeguards 56\n"
        "# HELP cisscan_safeguard_score Fleet score per CIS v8 safeguard, 0-100.\n"
        "# TYPE cisscan_safeguard_score gauge\n"
        "cisscan_safeguard_score{safeguard=\"4.1\"} 60\n"
        "# HELP cisscan_host_failing_checks Check results that failed (not waived) per host.\n"
        "# TYPE cisscan_host_failing_checks gauge\n"
        "cisscan_host_failing_checks{host=\"a\"} 1\n"
        "cisscan_host_failing_checks{host=\"b\"} 0\n"
        "# HELP cisscan_hosts Hosts of the last scan by status.\n"
        "# TYPE cisscan_hosts gauge\n"
        "cisscan_hosts{status=\"ok\"} 1\n"
        "cisscan_hosts{status=\"unreachable\"} 1\n"
        "cisscan_hosts{status=\"timeout\"} 0\n"
        "cisscan_hosts{status=\"error\"} 0\n"
        "cisscan_hosts{status=\"skipped\"} 0\n"
        "# HELP cisscan_hosts_unreachable Hosts that could not be reached or timed out.\n"
        "# TYPE cisscan_hosts_unreachable gauge\n"
        "cisscan_hosts_unreachable 1\n"
        "# HELP cisscan_scan_duration_seconds Wall time of the last scan.\n"
        "# TYPE cisscan_scan_duration_seconds gauge\n"
        "cisscan_scan_duration_seconds 2\n"
        "# HELP cisscan_last_run_timestamp_seconds When the last scan finished.\n"
        "# TYPE cisscan_last_run_timestamp_seconds gauge\n"
        "cisscan_last_run_timestamp_seconds 1767225602\n");
  check_exposition(prom);
}

TEST_CASE("write_prometheus: what is not known is left out, not made up") {
  SUBCASE("no IG1 score: the family without a sample") {
    const auto prom = reports::render("prom", make_record(json::array()));
    CHECK(prom.find("# TYPE cisscan_ig1_score gauge\n# HELP cisscan_ig1_safeguards_assessed") !=
          std::string::npos);
    CHECK(prom.find("cisscan_ig1_safeguards_assessed 0\n") != std::string::npos);
    CHECK(prom.find("cisscan_safeguard_score{") == std::string::npos);
    CHECK(prom.find("cisscan_host_failing_checks{") == std::string::npos);
    check_exposition(prom);
  }
  SUBCASE("times that do not parse, or run backwards: no duration") {
    auto record = fleet();
    record["run"]["finished_at"] = "2025-12-31T23:59:59.000Z";
    CHECK(reports::render("prom", record).find("cisscan_scan_duration_seconds") ==
          std::string::npos);
    record["run"]["finished_at"] = "yesterday";
    CHECK(reports::render("prom", record).find("cisscan_last_run_timestamp_seconds") ==
          std::string::npos);
  }
  SUBCASE("milliseconds count, and a timeout counts as unreachable") {
    auto record = fleet();
    record["run"]["finished_at"] = "2026-01-01T00:01:30.250Z";
    record["hosts"][1]["status"] = "timeout";
    const auto prom = reports::render("prom", record);
    CHECK(prom.find("\ncisscan_scan_duration_seconds 90.25\n") != std::string::npos);
    CHECK(prom.find("\ncisscan_hosts_unreachable 1\n") != std::string::npos);
    CHECK(prom.find("\ncisscan_hosts{status=\"timeout\"} 1\n") != std::string::npos);
  }
  SUBCASE("large and fractional scores keep their value") {
    auto record = fleet();
    record["scores"]["safeguards"]["4.1"]["score"] = 33.3;
    record["scores"]["ig1"]["score"] = 1e300;
    const auto prom = reports::render("prom", record);
    CHECK(prom.find("cisscan_safeguard_score{safeguard=\"4.1\"} 33.3\n") != std::string::npos);
    CHECK(prom.find("\ncisscan_ig1_score 1e+300\n") != std::string::npos);
    check_exposition(prom);
  }
}

TEST_CASE("write_prometheus: label values are escaped") {
  auto record = fleet();
  record["hosts"][0]["name"] = "we\"b\\1\nx";
  record["run"]["id"] = "run \"2\"";
  record["hosts"][1]["name"] = "bad \xFF\xFE bytes \x01";
  const auto prom = reports::render("prom", record);
  CHECK(prom.find("cisscan_host_failing_checks{host=\"we\\\"b\\\\1\\nx\"} 1\n") !=
        std::string::npos);
  CHECK(prom.find("cisscan_run_info{run_id=\"run \\\"2\\\"\"} 1\n") != std::string::npos);
  // Label values are UTF-8: bytes that are not are shown as escapes.
  CHECK(prom.find("cisscan_host_failing_checks{host=\"bad \\\\xFF\\\\xFE bytes \\\\x01\"} 0\n") !=
        std::string::npos);
  check_exposition(prom);
}
