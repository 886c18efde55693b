#include "cli/list_safeguards.hpp"

#include "shipped_controls.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

Catalog catalog_of(int automated_on_4_1) {
  Catalog catalog;
  for (int i = 0; i < automated_on_4_1; ++i) {
    auto c = std::make_shared<Check>();
    c->id = "deb-check-number-" + std::to_string(i);
    c->safeguards = {"4.1"};
    c->probe = ProbeSpec{};
    catalog.checks.push_back(c);
  }
  auto manual = std::make_shared<Check>();
  manual->id = "deb-manual";
  manual->safeguards = {"3.1"};
  catalog.checks.push_back(manual);
  return catalog;
}

std::string render(const Catalog& catalog, const std::string& format) {
  std::ostringstream out;
  write_safeguard_list(test::shipped_controls(), catalog,
                       {1, "level1-server", catalog.checks.size(), 40}, format, out);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

} // namespace

TEST_CASE("list safeguards: the formats") {
  CHECK(safeguard_list_formats() == std::vector<std::string>{"text", "md", "json"});
}

TEST_CASE("list safeguards as text: a summary, then each safeguard and its checks, wrapped") {
  const auto lines = lines_of(render(catalog_of(12), "text"));
  REQUIRE(lines.size() > 3);
  CHECK(lines[0] == "IG1: 56 safeguards; 1 with automated checks, 1 with manual checks only, 54 "
                    "attestation required (profile level1-server: 13 of 40 checks)");
  CHECK(lines[1] == "1.1   Keep a detailed inventory of enterprise assets");
  CHECK(lines[2] == "      attestation required");
  size_t at = 0;
  while (at < lines.size() && lines[at].rfind("4.1 ", 0) != 0) {
    ++at;
  }
  REQUIRE(at + 3 < lines.size());
  CHECK(lines[at + 1].rfind("      automated (12): deb-check-number-0, deb-check-number-1,", 0) ==
        0);
  // Continuation lines start under the first id; no line under the summary is wider than 100.
  CHECK(lines[at + 2].rfind(std::string(22, ' ') + "deb-check-number-", 0) == 0);
  for (size_t i = 1; i < lines.size(); ++i) {
    CHECK(lines[i].size() <= 100);
  }
  const auto text = render(catalog_of(0), "text");
  CHECK(text.find(
            "3.1   Define and keep a data management process\n      manual (1): deb-manual\n") !=
        std::string::npos);
}

TEST_CASE("list safeguards as Markdown: one row per safeguard") {
  const auto lines = lines_of(render(catalog_of(2), "md"));
  REQUIRE(lines.size() == 2 + 2 + 56);
  CHECK(lines[2] == "| safeguard | title | automated checks | manual checks |");
  CHECK(lines[4] ==
        "| 1.1 | Keep a detailed inventory of enterprise assets | attestation required |  |");
  const auto md = render(catalog_of(2), "md");
  CHECK(md.find("| 3.1 | Define and keep a data management process |  | 1: `deb-manual` |\n") !=
        std::string::npos);
  CHECK(md.find(" | 2: `deb-check-number-0`, `deb-check-number-1` |  |\n") != std::string::npos);
}
