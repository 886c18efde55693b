// write_reports renders the chosen formats side by side on worker threads: each file must be what
// the format renders alone, and one format that cannot be written leaves the folder as it was.
// (Also built into scan_tests, so the ThreadSanitizer sub-build watches the workers.)
#include "cli/output.hpp"
#include "pipeline/write_reports.hpp"
#include "record/host_spool.hpp"
#include "record/record.hpp"
#include "reports/formats.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

const json& fleet_record() {
  static const json record = load_record(CISSCAN_TEST_DATA "/golden/records/fleet.json");
  return record;
}

// The HTML says when it was rendered; the two renders compared must say the same time.
class FixedRenderTime {
public:
  FixedRenderTime() { setenv("SOURCE_DATE_EPOCH", "1767225600", 1); }
  ~FixedRenderTime() { unsetenv("SOURCE_DATE_EPOCH"); }
  FixedRenderTime(const FixedRenderTime&) = delete;
  FixedRenderTime& operator=(const FixedRenderTime&) = delete;
};

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("write_reports: every format rendered side by side is what it renders alone") {
  const FixedRenderTime fixed;
  const TempDir dir;
  const auto out = (dir.path() / "out").string();
  write_reports(fleet_record(), parse_formats("json,junit,html,md,csv,prom"), out);
  for (const auto& format : reports::formats()) {
    CAPTURE(format.name);
    CHECK((slurp(std::filesystem::path(out) / format.file_name) ==
           reports::render(format.name, fleet_record())));
  }
  CHECK(std::distance(std::filesystem::directory_iterator(out), {}) == 6);
}

TEST_CASE(
    "write_reports: every format of a record whose hosts are in a spool is that of the whole") {
  const FixedRenderTime fixed;
  const TempDir dir;
  const auto& record = fleet_record();
  // The hosts alone in the spool, and the hosts with their scores.hosts entries (a scan's way:
  // the record's own scores.hosts is then empty).
  for (const bool with_scores : {false, true}) {
    CAPTURE(with_scores);
    auto head = record;
    head["hosts"] = json::array();
    if (with_scores) {
      head["scores"]["hosts"] = json::object();
    }
    HostSpool spool(record["hosts"].size());
    for (size_t i = record["hosts"].size(); i-- > 0;) {
      const auto& host = record["hosts"][i];
      spool.put(i, host,
                with_scores ? record["scores"]["hosts"][host["name"].get<std::string>()] : json());
    }
    CHECK(spool.holds_scores() == with_scores);
    const auto out = (dir.path() / (with_scores ? "scored" : "out")).string();
    write_reports(head, spool, parse_formats("json,junit,html,md,csv,prom"), out);
    for (const auto& format : reports::formats()) {
      CAPTURE(format.name);
      CHECK((slurp(std::filesystem::path(out) / format.file_name) ==
             reports::render(format.name, record)));
    }
  }
}

TEST_CASE("write_reports: one format that cannot be written leaves every file as it was") {
  const TempDir dir;
  const auto out = dir.path() / "out";
  dir.write("out/report.json", "old json");
  // The JUnit file's temporary name is taken by a folder: that one format cannot be written.
  std::filesystem::create_directories(out / "report.xml.cisscan-tmp");
  std::string message;
  try {
    write_reports(fleet_record(), parse_formats("json,html,junit,md"), out.string());
  } catch (const ConfigError& e) {
    message = e.what();
  }
  CHECK(message.find("no report was written") != std::string::npos);
  // What was rendered is not lost: the record went to the temporary folder (removed here).
  const std::string saved = "the record was saved as ";
  const auto at = message.find(saved);
  REQUIRE(at != std::string::npos);
  CHECK(std::filesystem::remove(message.substr(at + saved.size())));
  CHECK(slurp(out / "report.json") == "old json");
  CHECK_FALSE(std::filesystem::exists(out / "report.html"));
  CHECK_FALSE(std::filesystem::exists(out / "report.md"));
  CHECK_FALSE(std::filesystem::exists(out / "report.json.cisscan-tmp"));
  CHECK_FALSE(std::filesystem::exists(out / "report.html.cisscan-tmp"));
  CHECK_FALSE(std::filesystem::exists(out / "report.md.cisscan-tmp"));
}
