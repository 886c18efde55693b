#include "catalog/controls.hpp"
#include "shipped_controls.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

const ControlsCatalog& controls() {
  return test::shipped_controls();
}

} // namespace

TEST_CASE("the CIS Controls v8 catalog") {
  const auto& c = controls();
  CHECK(c.safeguards().size() == 153);
  CHECK(c.ig1_count() == 56);
  CHECK(c.controls().size() == 18);
  CHECK(c.version() == "8");
  const auto* s = c.find("5.4");
  REQUIRE(s != nullptr);
  CHECK(s->control == "5");
  CHECK(s->ig1);
  CHECK(s->ig2);
  CHECK(s->ig3);
  const auto* ig2_only = c.find("4.8");
  REQUIRE(ig2_only != nullptr);
  CHECK_FALSE(ig2_only->ig1);
  CHECK(ig2_only->ig2);
  CHECK(c.find("99.1") == nullptr);
  CHECK(c.find("5") == nullptr);
  size_t ig2 = 0;
  size_t ig3 = 0;
  for (const auto& safeguard : c.safeguards()) {
    ig2 += safeguard.ig2 ? 1 : 0;
    ig3 += safeguard.ig3 ? 1 : 0;
    CHECK(safeguard.id.rfind(safeguard.control + ".", 0) == 0);
  }
  CHECK(ig2 == 130);
  CHECK(ig3 == 153);
}

TEST_CASE("the controls catalog reports its own problems") {
  const TempDir dir;
  SUBCASE("missing file") {
    CHECK_THROWS_WITH_AS(ControlsCatalog::load(dir.path() / "none.yaml"),
                         doctest::Contains("none.yaml"), ConfigError);
  }
  SUBCASE("duplicate safeguard names file and line") {
    const auto file = dir.write("c.yaml", "safeguards:\n"
                                          "  - {id: '1.1', control: '1', title: a}\n"
                                          "  - {id: '1.1', control: '1', title: b}\n");
    CHECK_THROWS_WITH_AS(ControlsCatalog::load(file),
                         (file.string() + ":3: duplicate safeguard 1.1").c_str(), ConfigError);
  }
  SUBCASE("safeguard without a title") {
    const auto file = dir.write("c.yaml", "safeguards:\n\n  - {id: '1.1', control: '1'}\n");
    CHECK_THROWS_WITH_AS(ControlsCatalog::load(file),
                         (file.string() + ":3: expected 'title'").c_str(), ConfigError);
  }
}

TEST_CASE("the controls catalog agrees with the reference table") {
  std::ifstream in(CISSCAN_REFERENCE_DIR "/cis-controls-v8-safeguards.tsv");
  if (!in) {
    MESSAGE("reference table not found: skipped");
    return;
  }
  std::string line;
  std::getline(in, line); // header
  size_t rows = 0;
  while (std::getline(in, line)) {
    if (line.empty()) {
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, '\t');) {
      fields.push_back(field);
    }
    REQUIRE(fields.size() == 7);
    CAPTURE(fields[0]);
    const auto* s = controls().find(fields[0]);
    REQUIRE(s != nullptr);
    CHECK(s->control == fields[1]);
    CHECK(s->asset_type == fields[2]);
    CHECK(s->function == fields[3]);
    CHECK(s->ig1 == (fields[4] == "yes"));
    CHECK(s->ig2 == (fields[5] == "yes"));
    CHECK(s->ig3 == (fields[6] == "yes"));
    ++rows;
  }
  CHECK(rows == 153);
}
