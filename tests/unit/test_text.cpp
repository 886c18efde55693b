#include "util/text.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

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

TEST_CASE("trim") {
  CHECK(trim("  a b \t\r\n") == "a b");
  CHECK(trim("") == "");
  CHECK(trim(" \n ") == "");
}

TEST_CASE("split_lines") {
  CHECK(split_lines("a\nb\r\n\nc") == std::vector<std::string_view>{"a", "b", "", "c"});
  CHECK(split_lines("a\n") == std::vector<std::string_view>{"a"});
  CHECK(split_lines("").empty());
  CHECK(split_lines(std::string_view("x\0y\nz", 5)) ==
        std::vector<std::string_view>{std::string_view("x\0y", 3), "z"});
}

TEST_CASE("Lines gives split_lines' lines one at a time, and stops where the loop stops") {
  const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> cases = {
      {"a\nb\r\n\nc", {"a", "b", "", "c"}},
      {"a\n", {"a"}},
      {"", {}},
      {"\n", {""}},
      {"\r\n", {""}},
      {"x\r", {"x\r"}}, // the last line, without its newline, keeps its '\r'
      {"one", {"one"}},
      {"a\n\n\nb\n", {"a", "", "", "b"}}};
  for (const auto& [text, expected] : cases) {
    std::vector<std::string_view> lines;
    for (const auto line : Lines(text)) {
      lines.push_back(line);
    }
    CHECK(lines == expected);
  }
  std::string_view first;
  for (const auto line : Lines("a\nb\nc")) {
    first = line;
    break;
  }
  CHECK(first == "a");
}

TEST_CASE("join and to_lower") {
  CHECK(join({"a", "b", "c"}, ", ") == "a, b, c");
  CHECK(join({}, ", ") == "");
  CHECK(to_lower("PASS_Max") == "pass_max");
}

TEST_CASE("utf-8 edge cases") {
  CHECK(is_valid_utf8(std::string_view("\0", 1)));
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));     // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));         // truncated
  CHECK(to_valid_utf8("ok") == "ok");
  CHECK(is_valid_utf8(to_valid_utf8("\xE2\x82\xC0\xAF\xED\xA0\x80")));
}

TEST_CASE("shell_quote survives sh") {
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("'") == "''\\'''");
  CHECK(shell_quote("$(id) `x` \"y\"") == "'$(id) `x` \"y\"'");
}

TEST_CASE("shell_quote: sh reads back exactly the text, quotes and all") {
  // Random texts of quotes, backslashes, spaces, newlines and high bytes (no NUL: no sh word
  // holds one), each printed by /bin/sh from its quoted form; and the same texts against the
  // byte-by-byte form shell_quote had before it copied runs.
  const auto byte_by_byte = [](std::string_view text) {
    std::string out = "'";
    for (const char c : text) {
      out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
  };
  std::mt19937 random(5);
  const std::string alphabet = "ab'' \\\n$`\"\t*\xC3\xA9\xFF";
  for (int i = 0; i < 40; ++i) {
    std::string text;
    const auto length = random() % 40;
    for (size_t k = 0; k < length; ++k) {
      text += alphabet[random() % alphabet.size()];
    }
    CAPTURE(text);
    REQUIRE(shell_quote(text) == byte_by_byte(text));
    auto* sh = popen(("/bin/sh -c " + shell_quote("printf %s " + shell_quote(text))).c_str(), "r");
    REQUIRE(sh != nullptr);
    std::string printed;
    char buffer[256];
    for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), sh)) > 0;) {
      printed.append(buffer, n);
    }
    CHECK(pclose(sh) == 0);
    CHECK(printed == text);
  }
}

TEST_CASE("base64 of binary") {
  CHECK(base64_encode(std::string("\xFF\x00\xFE", 3)) == "/wD+");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("count_of: one host, two hosts") {
  CHECK(count_of(1, "host") == "1 host");
  CHECK(count_of(0, "host") == "0 hosts");
  CHECK(count_of(2, "channel") == "2 channels");
}

TEST_CASE("expand_env") {
  setenv("CISSCAN_TEST_A", "alpha", 1);
  unsetenv("CISSCAN_TEST_NONE");
  std::string out;
  std::string problem;
  CHECK(expand_env("${CISSCAN_TEST_A}/x/${CISSCAN_TEST_A}", out, problem));
  CHECK(out == "alpha/x/alpha");
  CHECK(expand_env("$HOME and $ alone", out, problem));
  CHECK(out == "$HOME and $ alone");
  CHECK_FALSE(expand_env("/k/${CISSCAN_TEST_NONE}", out, problem));
  CHECK(problem == "the environment variable ${CISSCAN_TEST_NONE} is not set");
  CHECK_FALSE(expand_env("${unterminated", out, problem));
  CHECK(problem.find("expected ${NAME}") == 0);
  CHECK_FALSE(expand_env("${}", out, problem));
  unsetenv("CISSCAN_TEST_A");
}

TEST_CASE("split_words: words between spaces, tabs and newlines") {
  const std::string text = "  cron\tnftables.service\n\nufw  ";
  CHECK(split_words(text) == std::vector<std::string_view>{"cron", "nftables.service", "ufw"});
  const std::string blank = " \t\n";
  CHECK(split_words(blank).empty());
  CHECK(split_words(std::string_view()).empty());
  std::vector<std::string_view> first_two;
  each_word(text, [&](std::string_view word) {
    first_two.push_back(word);
    return first_two.size() < 2;
  });
  CHECK(first_two == std::vector<std::string_view>{"cron", "nftables.service"});
}

TEST_CASE("every_word and shell_quote_words") {
  const auto short_word = [](std::string_view w) { return w.size() < 4; };
  CHECK(every_word(" ab\tcd ", short_word));
  CHECK_FALSE(every_word("ab abcd", short_word));
  CHECK_FALSE(every_word("  ", short_word)); // no word at all
  CHECK(shell_quote_words(" cron it's\n") == " 'cron' 'it'\\''s'");
  CHECK(shell_quote_words("").empty());
}
