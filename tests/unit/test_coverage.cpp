#include "catalog/coverage.hpp"

#include "shipped_controls.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

CheckPtr check(const std::string& id, std::vector<std::string> safeguards, bool manual) {
  auto c = std::make_shared<Check>();
  c->id = id;
  c->safeguards = std::move(safeguards);
  if (!manual) {
    c->probe = ProbeSpec{};
  }
  return c;
}

const SafeguardCoverage& row_of(const std::vector<SafeguardCoverage>& rows, const std::string& id) {
  for (const auto& row : rows) {
    if (row.safeguard->id == id) {
      return row;
    }
  }
  FAIL("no row for " << id);
  return rows.front();
}

} // namespace

TEST_CASE("safeguard coverage: automated, manual or attestation, per Implementation Group") {
  Catalog catalog;
  catalog.checks = {check("a1", {"4.1", "5.2"}, false), check("m1", {"4.1"}, true),
                    check("m2", {"3.1"}, true), check("a2", {"4.1"}, false),
                    check("ig2-only", {"4.8"}, false)};
  const auto& controls = test::shipped_controls();

  const auto ig1 = safeguard_coverage(controls, catalog, 1);
  CHECK(ig1.size() == 56);
  CHECK(ig1.size() == controls.ig1_count());
  CHECK(ig1.front().safeguard->id == "1.1");
  const auto& s41 = row_of(ig1, "4.1");
  CHECK(s41.automated == std::vector<std::string>{"a1", "a2"});
  CHECK(s41.manual == std::vector<std::string>{"m1"});
  CHECK(s41.coverage() == "automated");
  CHECK(row_of(ig1, "5.2").coverage() == "automated");
  CHECK(row_of(ig1, "3.1").coverage() == "manual");
  CHECK(row_of(ig1, "14.1").coverage() == "attestation");
  for (const auto& row : ig1) {
    CHECK(row.safeguard->ig1);
    CHECK(row.safeguard->id != "4.8"); // IG2: not listed under IG1
  }

  const auto ig2 = safeguard_coverage(controls, catalog, 2);
  CHECK(row_of(ig2, "4.8").automated == std::vector<std::string>{"ig2-only"});
  CHECK(ig2.size() > ig1.size());
  CHECK(safeguard_coverage(controls, catalog, 3).size() == controls.safeguards().size());
}
