#include "execute/frames.hpp"
#include "util/sha256.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

using cisscan::FrameParser;
using cisscan::ProbeOutput;

namespace {

const std::string k_boundary = "CISSCAN-0123456789abcdef0123456789abcdef";

std::string begin_line(const std::string& id) {
  return k_boundary + " begin " + id + "\n";
}

std::string end_line(const std::string& id, int code) {
  return "\n" + k_boundary + " end " + id + " " + std::to_string(code) + "\n";
}

std::string frame(const std::string& id, const std::string& output, int code) {
  return begin_line(id) + output + end_line(id, code);
}

struct Parsed {
  std::vector<ProbeOutput> outputs;
  std::string stray;
};

Parsed parse_whole(const std::string& stream, size_t cap = 1 << 20) {
  FrameParser parser(k_boundary, cap);
  parser.feed(stream);
  parser.finish();
  return {parser.outputs(), parser.stray()};
}

Parsed parse_in_chunks(const std::string& stream, const std::vector<size_t>& sizes,
                       size_t cap = 1 << 20) {
  FrameParser parser(k_boundary, cap);
  size_t pos = 0;
  size_t i = 0;
  while (pos < stream.size()) {
    const size_t n = std::min(sizes[i++ % sizes.size()], stream.size() - pos);
    parser.feed(std::string_view(stream).substr(pos, n));
    pos += n;
  }
  parser.finish();
  return {parser.outputs(), parser.stray()};
}

void check_same(const Parsed& a, const Parsed& b) {
  REQUIRE(a.outputs.size() == b.outputs.size());
  CHECK(a.stray == b.stray);
  for (size_t i = 0; i < a.outputs.size(); ++i) {
    CAPTURE(i);
    CHECK(a.outputs[i].id == b.outputs[i].id);
    CHECK(a.outputs[i].output == b.outputs[i].output);
    CHECK(a.outputs[i].output_bytes == b.outputs[i].output_bytes);
    CHECK(a.outputs[i].sha256 == b.outputs[i].sha256);
    CHECK(a.outputs[i].truncated == b.outputs[i].truncated);
    CHECK(a.outputs[i].complete == b.outputs[i].complete);
    CHECK(a.outputs[i].exit_code == b.outputs[i].exit_code);
  }
}

} // namespace

TEST_CASE("frame parser reads well-formed frames") {
  const auto stream = frame("p-1", "hello\nworld", 0) + frame("p-2", "", 7);
  const auto parsed = parse_whole(stream);
  REQUIRE(parsed.outputs.size() == 2);
  CHECK(parsed.outputs[0].id == "p-1");
  CHECK(parsed.outputs[0].output == "hello\nworld");
  CHECK(parsed.outputs[0].output_bytes == 11);
  CHECK(parsed.outputs[0].sha256 == cisscan::util::sha256_hex("hello\nworld"));
  CHECK(parsed.outputs[0].complete);
  CHECK_FALSE(parsed.outputs[0].truncated);
  CHECK(parsed.outputs[0].exit_code == 0);
  CHECK(parsed.outputs[1].id == "p-2");
  CHECK(parsed.outputs[1].output.empty());
  CHECK(parsed.outputs[1].output_bytes == 0);
  CHECK(parsed.outputs[1].sha256 == cisscan::util::sha256_hex(""));
  CHECK(parsed.outputs[1].exit_code == 7);
  CHECK(parsed.outputs[1].complete);
  CHECK(parsed.stray.empty());
}

TEST_CASE("an output taken from the parser is held once, by whoever took it") {
  FrameParser parser(k_boundary, 1 << 20);
  parser.feed(frame("p-1", "hello", 3) + frame("p-2", "world", 0));
  const auto taken = parser.take_output(1);
  CHECK(taken.id == "p-2");
  CHECK(taken.output == "world");
  CHECK(taken.output_bytes == 5);
  CHECK(taken.sha256 == cisscan::util::sha256_hex("world"));
  CHECK(taken.complete);
  // The parser keeps the frame, counted and in order, without its text.
  REQUIRE(parser.outputs().size() == 2);
  CHECK(parser.outputs()[1].id == "p-2");
  CHECK(parser.outputs()[1].output.empty());
  CHECK(parser.outputs()[0].output == "hello");
  // Frames after it still parse.
  parser.feed(frame("p-3", "again", 0));
  REQUIRE(parser.outputs().size() == 3);
  CHECK(parser.outputs()[2].output == "again");
}

TEST_CASE("host output cannot forge or close a frame") {
  SUBCASE("an end line with another boundary is plain output") {
    const std::string forged = "line\nCISSCAN-ffffffffffffffffffffffffffffffff end p-1 0\nafter";
    const auto parsed = parse_whole(frame("p-1", forged, 1) + frame("p-2", "two", 0));
    REQUIRE(parsed.outputs.size() == 2);
    CHECK(parsed.outputs[0].output == forged);
    CHECK(parsed.outputs[0].exit_code == 1);
    CHECK(parsed.outputs[0].complete);
    CHECK(parsed.outputs[1].output == "two");
  }
  SUBCASE("the real end marker without its leading newline is plain output") {
    const std::string forged = "x" + k_boundary + " end p-1 0\nmore";
    const auto parsed = parse_whole(frame("p-1", forged, 2));
    REQUIRE(parsed.outputs.size() == 1);
    CHECK(parsed.outputs[0].output == forged);
    CHECK(parsed.outputs[0].exit_code == 2);
    CHECK(parsed.outputs[0].complete);
  }
  SUBCASE("the real end marker at the very start of the output is plain output") {
    // The begin line's newline is consumed with it: no "\n<B> end" can start the output.
    const std::string forged = k_boundary + " end p-1 0\nrest";
    const auto parsed = parse_whole(frame("p-1", forged, 5));
    REQUIRE(parsed.outputs.size() == 1);
    CHECK(parsed.outputs[0].output == forged);
    CHECK(parsed.outputs[0].exit_code == 5);
  }
  SUBCASE("a begin line with another boundary inside output opens nothing") {
    const std::string forged = "CISSCAN-ffffffffffffffffffffffffffffffff begin p-9\nzzz";
    const auto parsed = parse_whole(frame("p-1", forged, 0));
    REQUIRE(parsed.outputs.size() == 1);
    CHECK(parsed.outputs[0].id == "p-1");
    CHECK(parsed.outputs[0].output == forged);
  }
}

TEST_CASE("a frame without its end line is kept incomplete") {
  const auto stream = frame("p-1", "done", 0) + begin_line("p-2") + "partial output\nno end";
  const auto parsed = parse_whole(stream);
  REQUIRE(parsed.outputs.size() == 2);
  CHECK(parsed.outputs[0].complete);
  CHECK(parsed.outputs[1].id == "p-2");
  CHECK_FALSE(parsed.outputs[1].complete);
  CHECK(parsed.outputs[1].exit_code == -1);
  CHECK(parsed.outputs[1].output == "partial output\nno end");
  CHECK(parsed.outputs[1].output_bytes == 21);
  CHECK(parsed.outputs[1].sha256 == cisscan::util::sha256_hex("partial output\nno end"));

  SUBCASE("also when the stream stops inside the end marker") {
    const auto cut = begin_line("p-3") + "abc\n" + k_boundary.substr(0, 10);
    const auto p = parse_whole(cut);
    REQUIRE(p.outputs.size() == 1);
    CHECK_FALSE(p.outputs[0].complete);
    CHECK(p.outputs[0].output == "abc\n" + k_boundary.substr(0, 10));
  }
}

TEST_CASE("binary output is kept byte for byte") {
  std::string binary("a\0b\xFF\xFE\xC0\xAF\n\x01\x7F\r\n", 12);
  binary += std::string(1, '\0');
  const auto parsed = parse_whole(frame("p-bin", binary, 0));
  REQUIRE(parsed.outputs.size() == 1);
  CHECK(parsed.outputs[0].output.size() == binary.size());
  CHECK(parsed.outputs[0].output == binary);
  CHECK(parsed.outputs[0].output_bytes == 13);
  CHECK(parsed.outputs[0].sha256 == cisscan::util::sha256_hex(binary));
  CHECK(parsed.outputs[0].complete);
}

TEST_CASE("chunk boundaries do not change the result") {
  std::string noisy("bin\0ary \xFF", 9);
  const auto stream = std::string("stray before\n") + frame("p-1", "one\n", 0) +
                      frame("p-2", noisy + "\n" + k_boundary + "x", 3) +
                      frame("p-3", "x" + k_boundary + " end p-3 0\n", 4) + begin_line("p-4") +
                      "cut";
  const auto whole = parse_whole(stream);
  REQUIRE(whole.outputs.size() == 4);
  CHECK(whole.outputs[1].output == noisy + "\n" + k_boundary + "x");
  CHECK(whole.outputs[2].output == "x" + k_boundary + " end p-3 0\n");
  CHECK(whole.outputs[2].exit_code == 4);
  CHECK_FALSE(whole.outputs[3].complete);

  SUBCASE("byte by byte") {
    check_same(whole, parse_in_chunks(stream, {1}));
  }
  SUBCASE("random chunk sizes") {
    std::mt19937 random(12345);
    for (int round = 0; round < 50; ++round) {
      std::vector<size_t> sizes;
      for (int i = 0; i < 64; ++i) {
        sizes.push_back(1 + random() % 97);
      }
      CAPTURE(round);
      check_same(whole, parse_in_chunks(stream, sizes));
    }
  }
}

TEST_CASE("an end line with the wrong probe id does not complete the frame") {
  const auto stream = begin_line("p-1") + "out" + end_line("p-other", 0) + frame("p-2", "two", 0);
  const auto parsed = parse_whole(stream);
  REQUIRE(parsed.outputs.size() == 2);
  CHECK(parsed.outputs[0].id == "p-1");
  CHECK_FALSE(parsed.outputs[0].complete);
  CHECK(parsed.outputs[0].exit_code == -1);
  CHECK(parsed.outputs[0].output == "out");
  CHECK(parsed.outputs[1].id == "p-2");
  CHECK(parsed.outputs[1].complete);

  SUBCASE("nor does an exit code that is not a number") {
    const auto bad = begin_line("p-1") + "out\n" + k_boundary + " end p-1 12x\n";
    const auto p = parse_whole(bad);
    REQUIRE(p.outputs.size() == 1);
    CHECK_FALSE(p.outputs[0].complete);
    CHECK(p.outputs[0].exit_code == -1);
  }
}

TEST_CASE("exit codes are parsed") {
  for (const int code : {0, 1, 3, 4, 124, 127, 255}) {
    CAPTURE(code);
    const auto parsed = parse_whole(frame("p-x", "o", code));
    REQUIRE(parsed.outputs.size() == 1);
    CHECK(parsed.outputs[0].exit_code == code);
    CHECK(parsed.outputs[0].complete);
  }
}

TEST_CASE("the host's uptimes in the end line give a probe's duration and start") {
  const auto timed = [](const std::string& id, const std::string& times) {
    return begin_line(id) + "out" + "\n" + k_boundary + " end " + id + " 0 " + times + "\n";
  };
  FrameParser parser(k_boundary, 1 << 20);
  const auto origin = cisscan::util::WallTime{} + std::chrono::hours(24 * 365 * 50);
  parser.set_origin(origin);
  parser.feed(timed("p-1", "100.00 100.25 101.50") + timed("p-2", "100.00 101.50 101.50") +
              // Not uptimes, or out of order, or more than a week: the scanner's own clock.
              timed("p-3", "100.00 99.00 101.00") + timed("p-4", "100.0 100.5 101.0") +
              timed("p-5", "x 100.00 101.00") + timed("p-6", "0.00 0.00 700000.00") +
              timed("p-7", "100.00 100.00") + frame("p-8", "o", 3));
  parser.finish();
  const auto& out = parser.outputs();
  REQUIRE(out.size() == 8);
  CHECK(out[0].duration_ms == 1250);
  CHECK(out[0].started_at == origin + std::chrono::milliseconds(250));
  CHECK(out[1].duration_ms == 0);
  CHECK(out[1].started_at == origin + std::chrono::milliseconds(1500));
  for (size_t i = 2; i < 6; ++i) {
    CAPTURE(out[i].id);
    CHECK(out[i].complete);
    CHECK(out[i].duration_ms < 1000); // from the arrival of its lines
    CHECK(out[i].started_at > origin + std::chrono::hours(24 * 365)); // the scanner's clock
  }
  CHECK_FALSE(out[6].complete); // four words: not an end line this parser writes
  CHECK(out[7].complete);
  CHECK(out[7].exit_code == 3);
}

TEST_CASE("bytes outside frames are stray") {
  const auto stream = std::string("sh: 1: oops: not found\n") + frame("p-1", "in", 0) +
                      "between\n" + frame("p-2", "in2", 0) + "trailer";
  const auto parsed = parse_whole(stream);
  REQUIRE(parsed.outputs.size() == 2);
  CHECK(parsed.outputs[0].output == "in");
  CHECK(parsed.outputs[1].output == "in2");
  CHECK(parsed.stray == "sh: 1: oops: not found\nbetween\ntrailer");

  SUBCASE("stray bytes are capped") {
    const auto p = parse_whole(std::string(100000, 'z'));
    CHECK(p.outputs.empty());
    CHECK(p.stray.size() == 4096);
  }
}

TEST_CASE("a 50 MiB probe output keeps memory bounded and hashes every byte") {
  constexpr size_t k_total = 50u * 1024u * 1024u;
  constexpr size_t k_chunk = 64u * 1024u;
  constexpr size_t k_cap = 64u * 1024u;
  // Pseudo-random bytes (NULs and newlines included) that never hold the boundary.
  std::string body(k_total, '\0');
  std::mt19937 random(42);
  for (auto& c : body) {
    c = static_cast<char>(random() & 0xFF);
  }
  const auto expected_sha = cisscan::util::sha256_hex(body);

  FrameParser parser(k_boundary, k_cap);
  const auto header = begin_line("p-big");
  parser.feed(header);
  for (size_t pos = 0; pos < k_total; pos += k_chunk) {
    parser.feed(std::string_view(body).substr(pos, k_chunk));
  }
  parser.feed(end_line("p-big", 0));
  parser.finish();

  REQUIRE(parser.outputs().size() == 1);
  const auto& out = parser.outputs()[0];
  CHECK(out.id == "p-big");
  CHECK(out.output.size() == k_cap);
  CHECK(out.output == body.substr(0, k_cap));
  CHECK(out.output_bytes == k_total);
  CHECK(out.truncated);
  CHECK(out.complete);
  CHECK(out.exit_code == 0);
  CHECK(out.sha256 == expected_sha);
  CHECK(parser.stray().empty());
}

TEST_CASE("fuzz: random outputs made of boundary fragments, random chunks, small cap") {
  std::mt19937 random(2024);
  // Everything a host could send without knowing the boundary: its fragments, the whole
  // boundary not preceded by a newline or not followed by " end ", another run's boundary.
  const std::vector<std::string> pieces = {
      "a",
      "\n",
      std::string(1, '\0'),
      "\xFF",
      " end ",
      k_boundary.substr(0, 9),
      "\n" + k_boundary + "X",
      "\n" + k_boundary.substr(0, 20),
      "x" + k_boundary + " end p-0 0\n",
      "\n" + k_boundary.substr(0, k_boundary.size() - 1) + " end p-0 0\n",
      " begin p-9\n",
      "\nCISSCAN-ffffffffffffffffffffffffffffffff end p-0 0\n"};
  for (int round = 0; round < 200; ++round) {
    CAPTURE(round);
    const size_t cap = 1 + random() % 40;
    std::string stream;
    std::vector<std::string> expected;
    std::vector<int> codes;
    const int frames = 1 + static_cast<int>(random() % 4);
    for (int f = 0; f < frames; ++f) {
      std::string output;
      const int n = static_cast<int>(random() % 12);
      for (int i = 0; i < n; ++i) {
        output += pieces[random() % pieces.size()];
      }
      const int code = static_cast<int>(random() % 256);
      stream += frame("p-" + std::to_string(f), output, code);
      expected.push_back(output);
      codes.push_back(code);
    }
    std::vector<size_t> sizes;
    for (int i = 0; i < 16; ++i) {
      sizes.push_back(1 + random() % 23);
    }
    const auto parsed = parse_in_chunks(stream, sizes, cap);
    check_same(parse_whole(stream, cap), parsed);
    REQUIRE(parsed.outputs.size() == expected.size());
    CHECK(parsed.stray.empty());
    for (size_t f = 0; f < expected.size(); ++f) {
      CAPTURE(f);
      const auto& out = parsed.outputs[f];
      CHECK(out.id == "p-" + std::to_string(f));
      CHECK(out.complete);
      CHECK(out.exit_code == codes[f]);
      CHECK(out.output == expected[f].substr(0, cap));
      CHECK(out.output_bytes == expected[f].size());
      CHECK(out.truncated == (expected[f].size() > cap));
      CHECK(out.sha256 == cisscan::util::sha256_hex(expected[f]));
    }
  }
}

TEST_CASE("limits: a host cannot make the parser hold more than it allows") {
  SUBCASE("frames past the frame bound stop the parser") {
    FrameParser parser(k_boundary, 1024, {.max_frames = 3});
    std::string flood;
    for (int i = 0; i < 100; ++i) {
      flood += frame("p-" + std::to_string(i), "flood", 0);
    }
    parser.feed(flood);
    CHECK(parser.outputs().size() == 3);
    CHECK(parser.overflow().find("more than 3 probe frames") != std::string::npos);
    parser.feed(frame("p-late", "more", 0));
    parser.finish();
    CHECK(parser.outputs().size() == 3);
  }
  SUBCASE("the frame bound counts frames over several feeds and the whole stream") {
    FrameParser parser(k_boundary, 1024, {.max_frames = 2});
    parser.feed(frame("p-1", "a", 0));
    parser.feed(frame("p-2", "b", 0));
    CHECK(parser.overflow().empty());
    parser.set_limits({.max_frames = 3});
    parser.feed(frame("p-3", "c", 0));
    CHECK(parser.overflow().empty());
    parser.feed(begin_line("p-4"));
    CHECK_FALSE(parser.overflow().empty());
  }
  SUBCASE("bytes past the byte bound stop the parser, even inside one frame") {
    FrameParser parser(k_boundary, 16, {.max_bytes = 1000});
    parser.feed(begin_line("p-1"));
    for (int i = 0; i < 100 && parser.overflow().empty(); ++i) {
      parser.feed(std::string(100, 'x'));
    }
    CHECK(parser.overflow().find("more than 1000 bytes") != std::string::npos);
    parser.finish();
    REQUIRE(parser.outputs().size() == 1);
    CHECK_FALSE(parser.outputs()[0].complete);
    CHECK(parser.outputs()[0].output == std::string(16, 'x'));
  }
  SUBCASE("a stream within its bounds is untouched") {
    const auto stream = frame("p-1", "one", 0) + frame("p-2", "two", 1);
    FrameParser parser(k_boundary, 1024, {.max_frames = 2, .max_bytes = stream.size()});
    parser.feed(stream);
    parser.finish();
    CHECK(parser.overflow().empty());
    CHECK(parser.outputs().size() == 2);
  }
}

TEST_CASE("a marker line too long to be a frame line is judged the same however it arrives") {
  // Found by fuzz_frames_chunking: the 512-byte bound on a marker line held only while its
  // newline had not arrived, so fed whole such a line was a frame line, fed in pieces it was not.
  SUBCASE("a begin line over 512 bytes opens no frame") {
    const auto stream = begin_line("p-" + std::string(600, 'a')) + "out" + end_line("p-a", 0);
    const auto whole = parse_whole(stream);
    CHECK(whole.outputs.empty());
    CHECK(whole.stray == stream.substr(0, 4096));
    check_same(whole, parse_in_chunks(stream, {1}));
    check_same(whole, parse_in_chunks(stream, {7, 300, 1}));
  }
  SUBCASE("an end line over 512 bytes closes no frame") {
    const auto stream = begin_line("p-a") + "out" + end_line("p-a", 0) + begin_line("p-b") + "x" +
                        "\n" + k_boundary + " end p-b " + std::string(600, '0') + "\n";
    const auto whole = parse_whole(stream);
    REQUIRE(whole.outputs.size() == 2);
    CHECK(whole.outputs[0].complete);
    CHECK_FALSE(whole.outputs[1].complete);
    CHECK(whole.outputs[1].output.find(" end p-b 000") != std::string::npos);
    check_same(whole, parse_in_chunks(stream, {1}));
    check_same(whole, parse_in_chunks(stream, {5, 511, 2}));
  }
}

TEST_CASE("with the script's probe ids, a frame out of their order stops the parser") {
  const auto limits = [] {
    cisscan::FrameLimits l;
    l.ids = {"p-1", "p-2"};
    return l;
  };
  SUBCASE("the frames of the script, in its order, are read") {
    FrameParser parser(k_boundary, 1024, limits());
    parser.feed(frame("p-1", "one", 0) + frame("p-2", "two", 0));
    CHECK(parser.overflow().empty());
    CHECK(parser.outputs().size() == 2);
  }
  SUBCASE("a probe the script does not have") {
    FrameParser parser(k_boundary, 1024, limits());
    parser.feed(frame("p-1", "one", 0) + frame("p-9", "forged", 0) + frame("p-2", "two", 0));
    CHECK(parser.overflow().find("probe p-9 out of the script's order (expected p-2)") !=
          std::string::npos);
    CHECK(parser.outputs().size() == 1);
  }
  SUBCASE("a probe sent twice") {
    FrameParser parser(k_boundary, 1024, limits());
    parser.feed(frame("p-1", "one", 0) + frame("p-1", "again", 0));
    CHECK(parser.overflow().find("probe p-1 out of the script's order") != std::string::npos);
  }
  SUBCASE("a frame after the last probe") {
    FrameParser parser(k_boundary, 1024, limits());
    parser.feed(frame("p-1", "one", 0) + frame("p-2", "two", 0) + frame("p-3", "more", 0));
    CHECK(parser.overflow().find("(no probe left)") != std::string::npos);
  }
  SUBCASE("a hostile id is shown escaped") {
    FrameParser parser(k_boundary, 1024, limits());
    parser.feed(frame("p-\x1b[2J", "x", 0));
    CHECK(parser.overflow().find('\x1b') == std::string::npos);
  }
}
