#include "util/text.hpp"

#include <doctest/doctest.h>

using namespace cisscan::util;

TEST_CASE("shell_quote makes one sh word of anything") {
  CHECK(shell_quote("abc") == "'abc'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("") == "''");
}

TEST_CASE("utf-8 validation and repair") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("caf\xC3\xA9"));
  CHECK_FALSE(is_valid_utf8("\xFF\xFE"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF")); // overlong
  CHECK(to_valid_utf8("a\xFFz") == "a\xEF\xBF\xBDz");
}

TEST_CASE("base64") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
}
