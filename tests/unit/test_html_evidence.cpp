#include "reports/html_evidence.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cisscan::reports::html;

namespace {

// The segments as "text" and "[hit]" strings.
std::vector<std::string> segments(const std::string& output, const std::string& observed,
                                  bool& marked) {
  const Data list = output_segments(output, observed, marked);
  std::vector<std::string> out;
  for (const auto& item : list.list_value()) {
    const auto& text = item.get("text")->string_value();
    out.push_back(item.get("hit")->is_true() ? "[" + text + "]" : text);
  }
  return out;
}

} // namespace

TEST_CASE("output_segments marks the lines a result was decided on") {
  bool marked = false;
  SUBCASE("one line") {
    CHECK(segments("a 1\nPASS_MAX_DAYS   365\nb 2\n", "PASS_MAX_DAYS   365", marked) ==
          std::vector<std::string>{"a 1\n", "[PASS_MAX_DAYS   365]", "\nb 2\n"});
    CHECK(marked);
  }
  SUBCASE("several deciding lines joined by '; ', the last line without a newline") {
    CHECK(segments("x\nclientaliveinterval 15\nclientalivecountmax 3",
                   "clientaliveinterval 15; clientalivecountmax 3", marked) ==
          std::vector<std::string>{"x\n", "[clientaliveinterval 15]", "\n",
                                   "[clientalivecountmax 3]"});
  }
  SUBCASE("nothing matched: the output is one plain segment") {
    CHECK(segments("a\nb\n", "no line matched", marked) == std::vector<std::string>{"a\nb\n"});
    CHECK_FALSE(marked);
  }
  SUBCASE("host text is made XML-safe, never marked up") {
    CHECK(segments("<b>\x01</b>\n", "", marked) == std::vector<std::string>{"<b>\\x01</b>\n"});
  }
}
