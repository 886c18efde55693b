#include "reports/formats.hpp"

#include "sample_record.hpp"

#include <doctest/doctest.h>

#include <pugixml.hpp>

#include <string>

using namespace cisscan;

namespace {

int count_children(const pugi::xml_node& node, const char* name) {
  int n = 0;
  for (const auto& child : node.children(name)) {
    (void)child;
    ++n;
  }
  return n;
}

} // namespace

TEST_CASE("write_junit") {
  const auto xml = reports::render("junit", test::sample_record());
  pugi::xml_document doc;
  const auto parsed = doc.load_string(xml.c_str());
  REQUIRE_MESSAGE(parsed, parsed.description());

  SUBCASE("host text never appears raw") {
    CHECK(xml.find("<script>") == std::string::npos);
    // "]]>" is legal inside an attribute value; in element text it must be escaped.
    CHECK(xml.find("]]&gt;") != std::string::npos);
    CHECK(xml.find('\x01') == std::string::npos);
    CHECK(xml.find("\xFF") == std::string::npos);
    CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
  }
  SUBCASE("counts") {
    const auto suites = doc.child("testsuites");
    REQUIRE(suites);
    CHECK(std::string(suites.attribute("tests").value()) == "4");
    CHECK(std::string(suites.attribute("failures").value()) == "1");
    CHECK(std::string(suites.attribute("errors").value()) == "1");
    CHECK(count_children(suites, "testsuite") == 1);
    const auto suite = suites.child("testsuite");
    CHECK(std::string(suite.attribute("name").value()) == "web1");
    CHECK(std::string(suite.attribute("hostname").value()) == "10.0.0.21");
    CHECK(std::string(suite.attribute("tests").value()) == "4");
    CHECK(std::string(suite.attribute("failures").value()) == "1");
    CHECK(std::string(suite.attribute("errors").value()) == "1");
    CHECK(std::string(suite.attribute("skipped").value()) == "1");
    CHECK(std::string(suite.attribute("time").value()) == "1.500");
    CHECK(count_children(suite, "testcase") == 4);
  }
  SUBCASE("one failure, error or skipped element per non-pass result") {
    const auto suite = doc.child("testsuites").child("testsuite");
    int failures = 0;
    int errors = 0;
    int skipped = 0;
    for (const auto& testcase : suite.children("testcase")) {
      const std::string name = testcase.attribute("name").value();
      const int f = count_children(testcase, "failure");
      const int e = count_children(testcase, "error");
      const int s = count_children(testcase, "skipped");
      CAPTURE(name);
      CHECK(f + e + s == (name.rfind("c-pass", 0) == 0 ? 0 : 1));
      failures += f;
      errors += e;
      skipped += s;
      CHECK(std::string(testcase.attribute("classname").value()) == "cisscan.web1");
    }
    CHECK(failures == 1);
    CHECK(errors == 1);
    CHECK(skipped == 1);
  }
  SUBCASE("the failure carries the evidence, escaped but readable") {
    const auto failure = doc.select_node("//testcase[failure]").node().child("failure");
    REQUIRE(failure);
    const std::string message = failure.attribute("message").value();
    CHECK(message.find("<script>alert(1)</script> ]]> \\x01 & \"q\"") != std::string::npos);
    const std::string text = failure.child_value();
    CHECK(text.find("expected: a line matching /^ok$/") != std::string::npos);
    CHECK(text.find("probe p-text (command cat /etc/<script>), exit 0") != std::string::npos);
    CHECK(text.find("<script>alert(1)</script> ]]> \\x01") != std::string::npos);
    CHECK(text.find('\x01') == std::string::npos);
    CHECK(text.find("remediation: Fix <it>.") != std::string::npos);
  }
  SUBCASE("binary output is not pasted into the XML") {
    const auto error = doc.select_node("//testcase[error]").node().child("error");
    REQUIRE(error);
    const std::string text = error.child_value();
    CHECK(text.find("[binary output, base64 in the JSON record]") != std::string::npos);
    CHECK(text.find("probe p-binary") != std::string::npos);
    const std::string message = error.attribute("message").value();
    CHECK(message.find("probe failed: <script>") == 0);
  }
  SUBCASE("properties record the run") {
    const auto digest =
        doc.select_node("//property[@name='run.catalog_digest']").node().attribute("value");
    CHECK(std::string(digest.value()) == std::string(64, 'c'));
  }
}

TEST_CASE("write_junit: the checks a run selected as a property of each suite, when recorded") {
  auto record = test::sample_record();
  CHECK(reports::render("junit", record).find("run.selection") == std::string::npos);
  record["run"]["selection"] = {{"profile", "level1-server"},
                                {"only", cisscan::json::array()},
                                {"skip", {"pve-*"}},
                                {"checks_selected", 280},
                                {"checks_in_catalog", 312}};
  pugi::xml_document doc;
  REQUIRE(doc.load_string(reports::render("junit", record).c_str()));
  const auto property = doc.select_node("//testsuite/properties/property[@name='run.selection']");
  REQUIRE(property);
  CHECK(std::string(property.node().attribute("value").value()) ==
        "profile level1-server, 280 of 312 checks; skip pve-*");
}

TEST_CASE("write_junit with no hosts") {
  auto record = test::sample_record();
  record["hosts"] = cisscan::json::array();
  const auto xml = reports::render("junit", record);
  pugi::xml_document doc;
  REQUIRE(doc.load_string(xml.c_str()));
  CHECK(std::string(doc.child("testsuites").attribute("tests").value()) == "0");
}

TEST_CASE("the format table") {
  CHECK(reports::find_format("junit") != nullptr);
  CHECK((reports::find_format("junit")->write == &reports::write_junit));
  CHECK(reports::find_format("html")->file_name == "report.html");
  CHECK(reports::find_format("xml") == nullptr);
}
