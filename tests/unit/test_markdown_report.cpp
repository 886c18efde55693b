#include "reports/formats.hpp"

#include "sample_record.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using namespace cisscan;
using cisscan::json;
using test::make_host;
using test::make_record;
using test::make_result;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

// The lines of the table under `## heading`.
std::vector<std::string> table(const std::string& markdown, const std::string& heading) {
  std::vector<std::string> out;
  bool in_section = false;
  for (const auto& line : lines_of(markdown)) {
    if (line.rfind("## ", 0) == 0) {
      in_section = line == "## " + heading;
    } else if (in_section && line.rfind("|", 0) == 0) {
      out.push_back(line);
    }
  }
  return out;
}

// Cells of a table row as GitHub's Markdown splits it: at each pipe no backslash escapes.
std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::string cell;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size()) {
      cell += row.substr(i, 2);
      ++i;
    } else if (row[i] == '|') {
      out.push_back(cell);
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return out;
}

bool valid_utf8(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t len = c < 0x80             ? 1
                       : (c & 0xE0) == 0xC0 ? 2
                       : (c & 0xF0) == 0xE0 ? 3
                       : (c & 0xF8) == 0xF0 ? 4
                                            : 0;
    if (len == 0 || i + len > text.size()) {
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += len;
  }
  return true;
}

// a: 4.1 = 3 pass and a fail of weight 2 -> 60.0; b: every result fails or errs -> 0.0.
// Fleet 4.1: pass 3 of 3 + 2 + 1 + 1 = 42.9; IG1 = 42.9 over one safeguard.
json fleet() {
  return make_record(json::array(
      {make_host("a", "ok",
                 json::array({make_result("c1", "pass"), make_result("c2", "pass"),
                              make_result("c3", "pass"), make_result("c4", "fail", {"4.1"}, 2),
                              make_result("c5", "waived")})),
       make_host("b", "ok", json::array({make_result("c4", "fail"), make_result("c6", "error")})),
       make_host("down", "unreachable", json::array({make_result("c4", "error")}))}));
}

} // namespace

TEST_CASE("write_markdown: the summary, hand-computed") {
  auto record = fleet();
  REQUIRE(record["scores"]["ig1"]["score"] == 42.9);
  record["hosts"][2]["reason"] = "cannot connect to 192.0.2.1:22: Connection refused";
  const auto md = reports::render("md", record);
  const auto lines = lines_of(md);
  REQUIRE(lines.size() > 4);
  CHECK(lines[0] == "# CIS Controls v8 compliance: run run-1");
  CHECK(lines[2] ==
        "**IG1 score 42.9%** — 1 of 56 IG1 safeguards assessed (1 automated, 0 attested); "
        "2 of 3 hosts scanned.");
  CHECK(lines[4] == "Scanner 0.1.0, catalog `cccccccccccccccc…`, started 2026-01-01T00:00:00.000Z, "
                    "finished 2026-01-01T00:00:02.000Z, operator auditor.");
  CHECK(table(md, "Hosts") ==
        std::vector<std::string>{"| host | status | pass | fail | error | waived | IG1 | reason |",
                                 "|---|---|---:|---:|---:|---:|---:|---|",
                                 "| a | ok | 3 | 1 | 0 | 1 | 60.0% |  |",
                                 "| b | ok | 0 | 1 | 1 | 0 | 0.0% |  |",
                                 "| down | unreachable | 0 | 0 | 1 | 0 | n/a | cannot connect to "
                                 "192.0.2.1:22: Connection refused |"});
  // Most hosts first; a tie keeps check id order.
  CHECK(table(md, "Failing checks") ==
        std::vector<std::string>{"| check | title | hosts |", "|---|---|---|",
                                 "| c4 | Title of c4 | a, b, down (error) |",
                                 "| c6 | Title of c6 | b (error) |"});
  CHECK(md.find("## Unacceptable risks") == std::string::npos); // no register applied
  CHECK(md.find("## Waivers") == std::string::npos);
}

TEST_CASE("write_markdown: the checks a run selected, when the record says") {
  auto record = fleet();
  CHECK(reports::render("md", record).find("Checks selected") == std::string::npos);
  record["run"]["selection"] = {{"profile", "level2-server"},
                                {"only", {"deb-*", "5.1.*"}},
                                {"skip", {"5.1.20"}},
                                {"checks_selected", 12},
                                {"checks_in_catalog", 312}};
  const auto lines = lines_of(reports::render("md", record));
  REQUIRE(lines.size() > 6);
  CHECK(lines[6] == "Checks selected: profile level2-server, 12 of 312 checks; only deb-\\*, "
                    "5.1.\\*; skip 5.1.20.");
}

TEST_CASE("write_markdown: nothing failing, an empty record") {
  const auto md = reports::render("md", make_record(json::array()));
  CHECK(md.find(
            "**IG1 score n/a** — 0 of 56 IG1 safeguards assessed (0 automated, 0 attested); 0 of 0 "
            "hosts scanned.") != std::string::npos);
  CHECK(md.find("## Failing checks\n\nNone.\n") != std::string::npos);
  CHECK(table(md, "Hosts").size() == 2);
}

TEST_CASE("write_markdown: a check failing on many hosts lists ten") {
  json hosts = json::array();
  for (int i = 0; i < 12; ++i) {
    hosts.push_back(
        make_host("h" + std::to_string(i), "ok", json::array({make_result("c1", "fail")})));
  }
  const auto rows = table(reports::render("md", make_record(hosts)), "Failing checks");
  REQUIRE(rows.size() == 3);
  CHECK(rows[2] == "| c1 | Title of c1 | h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, … (12 hosts) |");
}

TEST_CASE("write_markdown: risks and exceptions") {
  auto record = fleet();
  const auto risk = [](const std::string& id, int score, const std::string& state) {
    return json{{"id", id},
                {"title", "Risk " + id},
                {"risk", score},
                {"acceptable", state == "acceptable"},
                {"state", state},
                {"safeguards", {"4.1", "5.4"}},
                {"owner", "Platform team"}};
  };
  record["risk"] = {
      {"criteria", {{"max_acceptable_risk", 3}}},
      {"entries", json::array({risk("R-1", 4, "unacceptable"), risk("R-2", 2, "acceptable"),
                               risk("R-3", 9, "unacceptable"), risk("R-4", 9, "no_evidence")})}};
  record["waivers"] = {{"entries", json::array({{{"id", "W-1"},
                                                 {"state", "current"},
                                                 {"matched", 2},
                                                 {"expires", "2026-12-31"},
                                                 {"approved_by", "CISO"}},
                                                {{"id", "W-2"},
                                                 {"state", "expired"},
                                                 {"matched", 0},
                                                 {"expires", "2026-01-31"},
                                                 {"approved_by", "CISO"}}})}};
  record["attestations"] = {{"entries", json::array({{{"id", "A-1"},
                                                      {"state", "current"},
                                                      {"matched", 1},
                                                      {"expires", "2027-01-01"},
                                                      {"attested_by", "HR"}}})}};
  const auto md = reports::render("md", record);
  CHECK(md.find("2 of 4 risk entries are above the acceptance criterion on evidence (max risk 3). "
                "1 of 4 have no evidence") != std::string::npos);
  CHECK(table(md, "Unacceptable risks") ==
        std::vector<std::string>{"| risk | score | title | safeguards | owner |",
                                 "|---|---:|---|---|---|",
                                 "| R-3 | 9 | Risk R-3 | 4.1, 5.4 | Platform team |",
                                 "| R-1 | 4 | Risk R-1 | 4.1, 5.4 | Platform team |"});
  CHECK(table(md, "Waivers") ==
        std::vector<std::string>{"| id | state | matched | expires | by |",
                                 "|---|---|---:|---|---|",
                                 "| W-1 | current | 2 | 2026-12-31 | CISO |",
                                 "| W-2 | expired (matches nothing) | 0 | 2026-01-31 | CISO |"});
  CHECK(table(md, "Attestations")[2] == "| A-1 | current | 1 | 2027-01-01 | HR |");

  for (auto& entry : record["risk"]["entries"]) {
    entry["acceptable"] = true;
    entry["state"] = "acceptable";
  }
  CHECK(reports::render("md", record).find("## Unacceptable risks\n\nNone on evidence. 0 of 4") !=
        std::string::npos);
}

TEST_CASE("write_markdown: host text stays inside its cell, as text") {
  auto record = fleet();
  auto& down = record["hosts"][2];
  down["reason"] = "a | b\nc\r<script>x</script> `code` *bold* _em_ [link](http://x) \x01 \xFF";
  down["name"] = "do|wn";
  record["hosts"][1]["results"][1]["title"] = "\\*not bold\\* \\| \\";
  const auto md = reports::render("md", record);
  CHECK(valid_utf8(md));
  CHECK(md.find('\x01') == std::string::npos);
  CHECK(md.find("<script>") == std::string::npos);
  for (const auto& heading : {"Hosts", "Failing checks"}) {
    CAPTURE(heading);
    const auto rows = table(md, heading);
    REQUIRE(rows.size() > 2);
    for (const auto& row : rows) {
      CAPTURE(row);
      CHECK(cells(row).size() == cells(rows[0]).size());
    }
  }
  const auto rows = table(md, "Hosts");
  CHECK(cells(rows[4])[0] == " do\\|wn ");
  CHECK(cells(rows[4])[7] ==
        " a \\| b c &lt;script&gt;x&lt;/script&gt; \\`code\\` \\*bold\\* \\_em\\_ "
        "\\[link\\](http://x) \\\\x01 \\\\xFF ");
  // A backslash in host text is shown, and escapes nothing of ours.
  CHECK(md.find("| c6 | \\\\\\*not bold\\\\\\* \\\\\\| \\\\ | b (error) |") != std::string::npos);
}

TEST_CASE("write_markdown: long host text is cut, never inside a character") {
  auto record = fleet();
  std::string reason;
  for (int i = 0; i < 150; ++i) {
    reason += "é"; // two bytes each
  }
  record["hosts"][2]["reason"] = "x" + reason;
  const auto md = reports::render("md", record);
  CHECK(valid_utf8(md));
  const auto row = table(md, "Hosts")[4];
  const auto reason_cell = cells(row)[7];
  CHECK(reason_cell.size() < 210);
  CHECK(reason_cell.find("…") != std::string::npos);
  CHECK(reason_cell.rfind(" x\xC3\xA9", 0) == 0);
}

TEST_CASE("write_markdown: one host in scope is \"1 host\"") {
  const auto md = reports::render(
      "md",
      make_record(json::array({make_host("a", "ok", json::array({make_result("c1", "pass")}))})));
  CHECK(md.find("; 1 of 1 host scanned.") != std::string::npos);
}
