// util::compact_json writes the bytes nlohmann's dump(-1, ' ', false, replace) writes.
#include "util/json_text.hpp"
#include "util/text.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

using cisscan::json;

namespace {

std::string reference(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace

TEST_CASE("compact_json: the bytes of json::dump for every kind of value") {
  const json values[] = {
      nullptr,
      true,
      false,
      0,
      -1,
      std::numeric_limits<std::int64_t>::min(),
      std::numeric_limits<std::uint64_t>::max(),
      0.1,
      -0.0,
      1e300,
      2.5,
      "",
      "plain ascii",
      "quote \" backslash \\ slash /",
      "\b\f\n\r\t \x01\x1f\x7f",
      "caf\xc3\xa9 \xe2\x82\xac", // valid UTF-8
      "bad \xff\xfe byte \xc3",   // invalid UTF-8: replaced
      json::array(),
      json::object(),
      json::array({1, "two", json::array({3.5, nullptr}), json::object({{"k", "v"}})}),
      json::object({{"b", 1}, {"a", json::object({{"\n", "x\ty"}})}, {"\xc3\xa9", false}}),
  };
  for (const auto& value : values) {
    CAPTURE(reference(value));
    CHECK(cisscan::util::compact_json(value) == reference(value));
  }
}

TEST_CASE("compact_json: random valid UTF-8 with control characters and quotes") {
  std::mt19937 random(20261204);
  std::uniform_int_distribution<int> pick(0, 5);
  std::uniform_int_distribution<std::uint32_t> low(0, 0x7f);
  std::uniform_int_distribution<std::uint32_t> wide(0x80, 0x10ffff);
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    for (int k = 0; k < 20; ++k) {
      auto code = pick(random) < 3 ? low(random) : wide(random);
      if (code >= 0xd800 && code <= 0xdfff) {
        code = '"';
      }
      if (code < 0x80) {
        text += static_cast<char>(code);
      } else if (code < 0x800) {
        text += static_cast<char>(0xc0 | (code >> 6));
        text += static_cast<char>(0x80 | (code & 0x3f));
      } else if (code < 0x10000) {
        text += static_cast<char>(0xe0 | (code >> 12));
        text += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
        text += static_cast<char>(0x80 | (code & 0x3f));
      } else {
        text += static_cast<char>(0xf0 | (code >> 18));
        text += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
        text += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
        text += static_cast<char>(0x80 | (code & 0x3f));
      }
    }
    const json value = json::object({{text, json::array({text})}});
    CAPTURE(reference(value));
    CHECK(cisscan::util::compact_json(value) == reference(value));
  }
}

TEST_CASE("compact_json: random strings of any bytes, as keys and values") {
  std::mt19937 random(20261203);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> ascii(0, 127);
  std::uniform_int_distribution<int> length(0, 40);
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    const int n = length(random);
    for (int k = 0; k < n; ++k) {
      text += static_cast<char>(i % 2 == 0 ? ascii(random) : byte(random));
    }
    const json value = json::object({{text, text}, {"list", json::array({text, i})}});
    CAPTURE(reference(value));
    CHECK(cisscan::util::compact_json(value) == reference(value));
  }
}

// Plain text is copied eight bytes at a time: each byte that needs care (an escape, a multi-byte
// sequence, a bad byte) is put at every offset of runs of every length around the word size.
TEST_CASE("compact_json and is_valid_utf8: one odd byte at every place in plain runs") {
  const std::vector<std::string> odd = {"\"",
                                        "\\",
                                        "\n",
                                        std::string(1, '\0'),
                                        "\x1f",
                                        "\x7f",
                                        "\xC3\xA9",
                                        "\xE2\x82\xAC",
                                        "\xFF",
                                        "\xC3",
                                        "\xED\xA0\x80",
                                        "\xF0\x9F\x98\x80",
                                        "\x80",
                                        "\xC0\xAF",
                                        "\xF4\x90\x80\x80"};
  for (const auto& byte : odd) {
    for (size_t length = 0; length <= 26; ++length) {
      for (size_t at = 0; at <= length; ++at) {
        const auto text = std::string(at, 'a') + byte + std::string(length - at, 'z');
        const json value = json::object({{"v", text}});
        CAPTURE(reference(value));
        CHECK(cisscan::util::compact_json(value) == reference(value));
        bool strict_ok = true;
        try {
          (void)value.dump();
        } catch (const json::type_error&) {
          strict_ok = false;
        }
        CHECK(cisscan::util::is_valid_utf8(text) == strict_ok);
        const auto repaired = cisscan::util::to_valid_utf8(text);
        CHECK(cisscan::util::is_valid_utf8(repaired));
        CHECK((repaired == text) == strict_ok);
      }
    }
  }
}

TEST_CASE("append_json_string: two odd bytes in one word, each place; numbers as dump writes") {
  // The plain bytes before an odd one are skipped at once: the byte after it, odd or not, must
  // still be seen (a borrow can flag a plain byte past the first odd one, never before it).
  const std::vector<std::string> odd = {"\"",   "\\",   "\n",       std::string(1, '\0'),
                                        "\x01", "\x7f", "\xC3\xA9", "\xFF",
                                        " ",    "!",    "#",        "]"};
  for (const auto& first : odd) {
    for (const auto& second : odd) {
      for (size_t at = 0; at <= 9; ++at) {
        for (size_t gap = 0; gap <= 8; ++gap) {
          const auto text =
              std::string(at, 'a') + first + std::string(gap, 'b') + second + std::string(7, 'z');
          std::string out;
          cisscan::util::append_json_string(out, text);
          CAPTURE(text);
          CHECK(out == reference(json(text)));
        }
      }
    }
  }
  for (const long long number : {0LL, -1LL, 42LL, std::numeric_limits<long long>::min()}) {
    std::string out;
    cisscan::util::append_json_number(out, number);
    CHECK(out == reference(json(number)));
  }
  std::string out;
  cisscan::util::append_json_number(out, std::numeric_limits<unsigned long long>::max());
  CHECK(out == reference(json(std::numeric_limits<unsigned long long>::max())));
}

TEST_CASE("compact_json: doubles, whole or not, as json::dump writes them") {
  std::vector<double> values = {0.0,
                                -0.0,
                                1.0,
                                2.0,
                                -3.0,
                                10.0,
                                100.0,
                                0.5,
                                -0.25,
                                1e14,
                                -1e14,
                                1e15,
                                -1e15,
                                1e16,
                                1e300,
                                5e-324,
                                1.5e14,
                                999999999999999.0,
                                -999999999999999.0,
                                123456789012345.0,
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  std::mt19937_64 random(7);
  for (int i = 0; i < 2000; ++i) {
    const auto magnitude = std::pow(10.0, static_cast<double>(random() % 17));
    const auto whole = std::trunc(static_cast<double>(random() % 1000000007) / 1e9 * magnitude);
    values.push_back(random() % 2 == 0 ? whole : -whole);
    values.push_back(whole + 0.5);
  }
  for (const auto number : values) {
    const json value = json::array({number, json::object({{"weight", number}})});
    CAPTURE(number);
    CHECK(cisscan::util::compact_json(value) == reference(value));
  }
}
