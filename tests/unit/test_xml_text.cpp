#include "reports/xml_text.hpp"

#include <doctest/doctest.h>

#include <string>

using cisscan::reports::xml_safe;

TEST_CASE("xml_safe keeps what XML 1.0 allows") {
  CHECK(xml_safe("plain <text> & more") == "plain <text> & more");
  CHECK(xml_safe("tab\there\nnew line\r") == "tab\there\nnew line\r");
  CHECK(xml_safe("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(xml_safe("\xEF\xBF\xBD") == "\xEF\xBF\xBD"); // U+FFFD is allowed
  CHECK(xml_safe("\x7F") == "\x7F");
  CHECK(xml_safe("") == "");
}

TEST_CASE("xml_safe escapes what XML 1.0 forbids") {
  SUBCASE("control characters") {
    CHECK(xml_safe(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(xml_safe("\x01\x08\x0B\x0C\x1F") == "\\x01\\x08\\x0B\\x0C\\x1F");
    CHECK(xml_safe("\x1B[31mred") == "\\x1B[31mred");
  }
  SUBCASE("invalid UTF-8") {
    CHECK(xml_safe("a\xFFz") == "a\\xFFz");
    CHECK(xml_safe("\xC0\xAF") == "\\xC0\\xAF");                   // overlong
    CHECK(xml_safe("\xE2\x82") == "\\xE2\\x82");                   // truncated
    CHECK(xml_safe("\xE2\x82z") == "\\xE2\\x82z");                 // bad continuation
    CHECK(xml_safe("\xED\xA0\x80") == "\\xED\\xA0\\x80");          // surrogate
    CHECK(xml_safe("\xF4\x90\x80\x80") == "\\xF4\\x90\\x80\\x80"); // above U+10FFFF
    CHECK(xml_safe("\x80") == "\\x80");
  }
  SUBCASE("noncharacters U+FFFE and U+FFFF") {
    CHECK(xml_safe("\xEF\xBF\xBE") == "\\xEF\\xBF\\xBE");
    CHECK(xml_safe("x\xEF\xBF\xBFy") == "x\\xEF\\xBF\\xBFy");
  }
  SUBCASE("the result is always valid UTF-8 without forbidden characters") {
    std::string all;
    for (int i = 0; i < 256; ++i) {
      all += static_cast<char>(i);
    }
    const auto out = xml_safe(all);
    for (const char c : out) {
      const auto u = static_cast<unsigned char>(c);
      CHECK((u >= 0x20 || u == 0x09 || u == 0x0A || u == 0x0D));
      CHECK(u < 0x80);
    }
  }
}
