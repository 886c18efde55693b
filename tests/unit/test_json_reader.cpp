#include "util/json_reader.hpp"

#include "util/json_file.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

// The same value with the same types all the way down (json's == takes 1 and 1u as equal).
bool same(const json& a, const json& b) {
  if (a.type() != b.type()) {
    return false;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (auto it = a.begin(), jt = b.begin(); it != a.end(); ++it, ++jt) {
      if (it.key() != jt.key() || !same(*it, *jt)) {
        return false;
      }
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) {
      return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      if (!same(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

std::optional<json> nlohmann_value(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

// The reader over a file, as load_json_object uses it: the text goes through its 1 MiB window.
std::optional<json> read_through_file(const std::string& text) {
  const std::unique_ptr<FILE, int (*)(FILE*)> file(std::tmpfile(), std::fclose);
  REQUIRE(file);
  REQUIRE(std::fwrite(text.data(), 1, text.size(), file.get()) == text.size());
  std::rewind(file.get());
  return util::read_json_object(file.get());
}

const char* const k_document =
    R"({"b": [1, -2, 3.5, 18446744073709551615, 18446744073709551616, -9223372036854775808,
  -9223372036854775809, 123456789012345678, 1234567890123456789, -0, -0.0, 0, 1E5, 2e-3,
  1.7976931348623157e308, 4.9e-324, true, false, null, [], {}],
  "a": {"text": "caf\u00e9 \"q\" \n\t\r\b\f\/\\ \ud83d\ude00 \u0000 Ω €", "z": 1, "m": 2, "z": 3},
  "hosts": [{"name": "h1", "probes": [{"output": "long"}], "results": [{"drop": 0}]}]} )";

} // namespace

TEST_CASE("read_json_object builds what nlohmann's parser builds, types included") {
  const auto expected = json::parse(k_document);
  const auto read = util::read_json_object(std::string_view(k_document));
  REQUIRE(read.has_value());
  CHECK(same(*read, expected));
  CHECK(read->dump() == expected.dump());
  CHECK((*read)["a"]["z"] == 3); // a repeated name keeps its last value
  CHECK((*read)["b"][9].is_number_integer());
  CHECK((*read)["b"][10].is_number_float());
  const auto through_file = read_through_file(k_document);
  REQUIRE(through_file.has_value());
  CHECK(same(*through_file, expected));
}

TEST_CASE("read_json_object leaves to nlohmann's parser what it must judge") {
  for (const std::string& text :
       std::vector<std::string>{"",
                                " ",
                                "[1]",
                                "\"a\"",
                                "\xef\xbb\xbf{}",
                                "{} x",
                                "{}\n{}",
                                std::string("{}\0", 3),
                                "{\"a\": 1, \"a\": 2}",
                                "{\"a\": 1e999}",
                                "{\"a\": -1e999}",
                                "{\"a\": 1e-400}",
                                "{\"a\": 01}",
                                "{\"a\": 1.}",
                                "{\"a\": .5}",
                                "{\"a\": +1}",
                                "{\"a\": 1e}",
                                "{\"a\": -}",
                                "{\"a\": tru}",
                                "{\"a\": nul}",
                                "{\"a\": \"\\x\"}",
                                "{\"a\": \"\\ud800\"}",
                                "{\"a\": \"\\udc00\"}",
                                "{\"a\": \"\\ud800\\u0041\"}",
                                "{\"a\": \"\\u12g4\"}",
                                "{\"a\": \"\x01\"}",
                                "{\"a\": \"\xc0\xaf\"}",
                                "{\"a\": \"\xed\xa0\x80\"}",
                                "{\"a\": \"\xf4\x90\x80\x80\"}",
                                "{\"a\": \"\xe2\x82\"}",
                                "{\"a\": [1,]}",
                                "{\"a\": [1 2]}",
                                "{\"a\": 1,}",
                                "{\"a\" 1}",
                                "{a: 1}",
                                "{\"a\": 1",
                                "{\"a\": \"x",
                                "{\"a\": /* c */ 1}",
                                "{\"a\": " + std::string(80, '1') + "}"}) {
    CAPTURE(text);
    CHECK_FALSE(util::read_json_object(text).has_value());
    CHECK_FALSE(read_through_file(text).has_value());
  }
  // Nesting: k_max_json_depth levels are read, one more is left to nlohmann's parser.
  const auto nested = [](int depth) {
    return "{\"a\": " + std::string(static_cast<size_t>(depth - 1), '[') +
           std::string(static_cast<size_t>(depth - 1), ']') + "}";
  };
  CHECK(util::read_json_object(nested(util::k_max_json_depth)).has_value());
  CHECK_FALSE(util::read_json_object(nested(util::k_max_json_depth + 1)).has_value());
  // A name repeated below the top level is read (its last value kept), as nlohmann does.
  CHECK(util::read_json_object(std::string_view(R"({"a": {"x": 1, "x": 2}})")).has_value());
}

TEST_CASE("read_json_object reads strings, escapes and numbers across its window's edges") {
  // Values of every kind placed so that each, in turn, straddles the 1 MiB refill point.
  const std::vector<std::string> values = {"\"" + std::string(300, 'x') + "\"",
                                           "\"a\\u00e9b\\ud83d\\ude00c\\n\\\"\"",
                                           "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
                                           "-12345678901234567890",
                                           "12345678901234567",
                                           "3.14159e-2",
                                           "true",
                                           "null"};
  for (size_t shift = 0; shift < 24; ++shift) {
    std::string text = "{\"pad\": \"" + std::string((1 << 20) - 40 + shift, 'p') + "\", \"v\": [";
    for (size_t i = 0; i < values.size(); ++i) {
      text += (i == 0 ? "" : ",") + values[i];
    }
    text += "]}";
    CAPTURE(shift);
    const auto read = read_through_file(text);
    REQUIRE(read.has_value());
    CHECK(same(*read, json::parse(text)));
  }
}

TEST_CASE("read_json_object never accepts what nlohmann refuses, nor reads a value otherwise") {
  // Broken and altered copies of a document: bytes changed, cut, doubled. Whatever the reader
  // accepts, nlohmann's parser must accept too, with the same value and types.
  std::mt19937 random(12);
  const std::string base = k_document;
  const std::string alphabet = "{}[]\",:\\u0123456789abcdefEe.+- \n\x01\x7f\xc3\xa9\xed\xf0\xff";
  int accepted = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = random() % text.size();
      switch (random() % 3) {
      case 0:
        text[at] = alphabet[random() % alphabet.size()];
        break;
      case 1:
        text.erase(at, 1 + random() % 4);
        break;
      default:
        text.insert(at, 1, alphabet[random() % alphabet.size()]);
      }
    }
    CAPTURE(text);
    const auto read = util::read_json_object(text);
    const auto expected = nlohmann_value(text);
    if (read) {
      ++accepted;
      REQUIRE(expected.has_value());
      CHECK(same(*read, *expected));
    }
  }
  CHECK(accepted > 100); // the edits leave enough valid documents to compare
}
