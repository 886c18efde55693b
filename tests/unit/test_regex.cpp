#include "util/regex.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

using cisscan::util::Regex;

TEST_CASE("regex search returns the match and its groups") {
  const Regex re("^(\\w+)\\s+(\\d+)?(x)?");
  CHECK(re.pattern() == "^(\\w+)\\s+(\\d+)?(x)?");
  const auto m = re.search("maxauthtries 4 tail");
  REQUIRE(m.has_value());
  REQUIRE(m->size() >= 3);
  CHECK((*m)[0] == "maxauthtries 4");
  CHECK((*m)[1] == "maxauthtries");
  CHECK((*m)[2] == "4");
  CHECK_FALSE(re.search("   ").has_value());
}

TEST_CASE("an unset group is an empty string") {
  const Regex re("(a)|(b)");
  const auto m = re.search("b");
  REQUIRE(m.has_value());
  REQUIRE(m->size() == 3);
  CHECK((*m)[1].empty());
  CHECK((*m)[2] == "b");
}

TEST_CASE("a bad pattern throws with PCRE2's message and offset") {
  CHECK_THROWS_AS(Regex("(unclosed"), std::invalid_argument);
  CHECK_THROWS_WITH(Regex("a{2,1}"), doctest::Contains("at offset"));
}

TEST_CASE("regex on hostile subjects") {
  SUBCASE("catastrophic backtracking hits the match limit") {
    const Regex re("^(a+)+$");
    CHECK_THROWS_AS(re.search(std::string(5000, 'a') + "b"), std::runtime_error);
    CHECK(re.search(std::string(5000, 'a')).has_value());
  }
  SUBCASE("invalid UTF-8 in the subject is not a crash") {
    const Regex re("ok$");
    CHECK(re.search("\xFF\xFE ok").has_value());
    CHECK_FALSE(re.search("\xC0\xAF no").has_value());
  }
  SUBCASE("UTF-8 in the pattern") {
    const Regex re("caf\xC3\xA9");
    CHECK(re.search("un caf\xC3\xA9").has_value());
  }
  SUBCASE("NUL bytes in the subject") {
    const Regex re("b$");
    CHECK(re.search(std::string("a\0b", 3)).has_value());
  }
}

TEST_CASE("matches answers as search does, without the groups") {
  // Each subject of the hostile cases, and the ordinary ones, against patterns that match it
  // and that do not: matches is search's has_value, and a match limit throws from both.
  const std::vector<std::string> patterns = {
      "ok$", "^(\\w+)\\s+(\\d+)?", "caf\xC3\xA9", "b$", "^$", "\\d{3}", "(?i)PERMIT"};
  const std::vector<std::string> subjects = {
      "maxauthtries 4",       "",      "\xFF\xFE ok",        "\xC0\xAF no", "un caf\xC3\xA9",
      std::string("a\0b", 3), "x 123", "permitrootlogin no", "   "};
  for (const auto& pattern : patterns) {
    const Regex re(pattern);
    for (const auto& subject : subjects) {
      CAPTURE(pattern);
      CAPTURE(subject);
      CHECK(re.matches(subject) == re.search(subject).has_value());
    }
  }
  CHECK(Regex("ok$").matches("\xFF\xFE ok"));
  CHECK_FALSE(Regex("ok$").matches("\xC0\xAF no"));
  const Regex runaway("^(a+)+$");
  CHECK_THROWS_AS(runaway.matches(std::string(5000, 'a') + "b"), std::runtime_error);
}

TEST_CASE("a regex can be shared between threads") {
  // Searching twice gives the same answer: no state is kept in the object between matches.
  const Regex re("(\\d+)");
  CHECK((*re.search("x 12"))[1] == "12");
  CHECK((*re.search("y 34"))[1] == "34");
}
