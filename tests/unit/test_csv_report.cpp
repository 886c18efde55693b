#include "reports/formats.hpp"

#include "sample_record.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cisscan;
using cisscan::json;
using test::make_host;
using test::make_record;
using test::make_result;

namespace {

using Rows = std::vector<std::vector<std::string>>;

// RFC 4180 as a spreadsheet reads it; REQUIREs the file to be well formed (every field quoted
// but the header's, CRLF after every record).
Rows parse_csv(const std::string& text) {
  Rows rows(1);
  std::string field;
  size_t i = 0;
  const auto end_field = [&] {
    rows.back().push_back(field);
    field.clear();
  };
  while (i < text.size()) {
    if (text[i] == '"') {
      for (++i;; ++i) {
        REQUIRE(i < text.size());
        if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else if (text[i] == '"') {
          ++i;
          break;
        } else {
          field += text[i];
        }
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r') {
        field += text[i++];
      }
    }
    REQUIRE(i < text.size());
    if (text[i] == ',') {
      end_field();
      ++i;
    } else {
      REQUIRE(text.compare(i, 2, "\r\n") == 0);
      end_field();
      i += 2;
      if (i < text.size()) {
        rows.emplace_back();
      }
    }
  }
  return rows;
}

const std::vector<std::string> k_header = {
    "run_id", "host",   "address",         "host_status",    "check_id",
    "title",  "status", "original_status", "safeguards",     "benchmark",
    "ref",    "level",  "expected",        "observed",       "reason",
    "risks",  "waiver", "probe_ids",       "evidence_sha256"};

json fleet() {
  auto waived = make_result("c-waived", "waived", {"4.1", "5.4"});
  waived["original_status"] = "fail";
  waived["waiver"] = {
      {"id", "W-1"}, {"approved_by", "CISO"}, {"expires", "2026-12-31"}, {"justification", "j"}};
  waived["reason"] = "waived by W-1";
  auto failed = make_result("c-fail", "fail");
  failed["probe_ids"] = {"p-1", "p-2"};
  failed["expected"] = "a line matching /^ok$/";
  failed["observed"] = "bad";
  failed["risks"] = {"R-1", "R-2"};
  auto host = make_host(
      "a", "ok",
      json::array({make_result("c-pass", "pass"), failed, make_result("c-error", "error"), waived,
                   make_result("c-manual", "manual"), make_result("c-na", "not_applicable")}));
  host["probes"] = json::array({{{"id", "p-1"}, {"output_sha256", std::string(64, '1')}},
                                {{"id", "p-2"}, {"output_sha256", std::string(64, '2')}}});
  return make_record(json::array({host}));
}

} // namespace

TEST_CASE("write_csv: one row per fail, error or waived result") {
  const auto csv = reports::render("csv", fleet());
  CHECK(csv.rfind("run_id,host,address,host_status,check_id,title,status,original_status,"
                  "safeguards,benchmark,"
                  "ref,level,expected,observed,reason,risks,waiver,probe_ids,evidence_sha256\r\n",
                  0) == 0);
  const auto rows = parse_csv(csv);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == k_header);
  CHECK(rows[1] == std::vector<std::string>{"run-1", "a", "192.0.2.1", "ok", "c-fail",
                                            "Title of c-fail", "fail", "", "4.1", "cis-debian12",
                                            "1.1", "L1", "a line matching /^ok$/", "bad", "",
                                            "R-1 R-2", "", "p-1 p-2",
                                            std::string(64, '1') + " " + std::string(64, '2')});
  CHECK(rows[2][4] == "c-error");
  CHECK(rows[2][6] == "error");
  CHECK(rows[3][4] == "c-waived");
  CHECK(rows[3][6] == "waived");
  CHECK(rows[3][7] == "fail");
  CHECK(rows[3][8] == "4.1 5.4");
  CHECK(rows[3][14] == "waived by W-1");
  CHECK(rows[3][16] == "W-1");
  CHECK(rows[3][18] == "");
}

TEST_CASE("write_csv: nothing failing is the header alone") {
  const auto csv = reports::render(
      "csv",
      make_record(json::array({make_host("a", "ok", json::array({make_result("c", "pass")}))})));
  CHECK(parse_csv(csv) == Rows{k_header});
  CHECK(parse_csv(reports::render("csv", make_record(json::array()))) == Rows{k_header});
}

TEST_CASE("write_csv: host text cannot break a row or run as a formula") {
  auto record = fleet();
  auto& failed = record["hosts"][0]["results"][1];
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
      {"+1+1", "'+1+1"},
      {"-2+3", "'-2+3"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"\t=1", "'\t=1"},
      {"\r=1", "'\r=1"},
      {"say \"hi\", then\r\nleave", "say \"hi\", then\r\nleave"},
      {"bytes \x01 \xFF", "bytes \\x01 \\xFF"},
      {"a=1", "a=1"},
  };
  for (const auto& one : cases) {
    const auto& observed = one.first; // not a structured binding: clang 14 cannot capture one
    const auto& shown = one.second;
    CAPTURE(observed);
    failed["observed"] = observed;
    failed["title"] = observed;
    const auto rows = parse_csv(reports::render("csv", record));
    REQUIRE(rows.size() == 4);
    CHECK(rows[1].size() == k_header.size());
    CHECK(rows[1][13] == shown);
    CHECK(rows[1][5] == shown);
  }
  record["hosts"][0]["name"] = "=HYPERLINK(\"http://x\")";
  CHECK(parse_csv(reports::render("csv", record))[1][1] == "'=HYPERLINK(\"http://x\")");
}

TEST_CASE("write_csv: a result of a check in two benchmarks lists both, position by position") {
  auto failed = make_result("c-both", "fail");
  failed["benchmarks"] = json::array(
      {{{"id", "cis-debian12"}, {"version", "1.1.0"}, {"ref", "5.1.20"}, {"level", "L1"}},
       {{"id", "cis-debian13"}, {"version", "1.0.0"}, {"ref", "5.1.21"}, {"level", "L2"}}});
  const auto rows = parse_csv(reports::render(
      "csv", make_record(json::array({make_host("a", "ok", json::array({failed}))}))));
  REQUIRE(rows.size() == 2);
  CHECK(rows[1][9] == "cis-debian12 cis-debian13");
  CHECK(rows[1][10] == "5.1.20 5.1.21");
  CHECK(rows[1][11] == "L1 L2");
}
