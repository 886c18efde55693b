// Differential: the same stream fed whole, a byte at a time and in two random chunkings (drawn
// from the input's own hash) must give the same outputs, ids, exit codes, hashes and stray bytes.
// SSH delivers a channel's bytes in whatever pieces the network made.
#include "frame_parser.hpp"
#include "fuzz_input.hpp"

#include <functional>
#include <random>
#include <string_view>

using cisscan::FrameParser;
using cisscan::ProbeOutput;

namespace {

// Feeds `stream` in pieces of the sizes `next_size` returns, then finishes.
void parse(FrameParser& parser, std::string_view stream, const std::function<size_t()>& next_size) {
  size_t pos = 0;
  while (pos < stream.size()) {
    const size_t n = std::min(std::max<size_t>(next_size(), 1), stream.size() - pos);
    parser.feed(stream.substr(pos, n));
    pos += n;
  }
  parser.finish();
}

// Everything but the timings.
bool same(const ProbeOutput& a, const ProbeOutput& b) {
  return a.id == b.id && a.output == b.output && a.output_bytes == b.output_bytes &&
         a.sha256 == b.sha256 && a.truncated == b.truncated && a.complete == b.complete &&
         a.exit_code == b.exit_code;
}

void require_same(const FrameParser& whole, const FrameParser& other, const char* how) {
  const auto& a = whole.outputs();
  const auto& b = other.outputs();
  bool equal = a.size() == b.size() && whole.stray() == other.stray();
  for (size_t i = 0; equal && i < a.size(); ++i) {
    equal = same(a[i], b[i]);
  }
  if (!equal) {
    std::fprintf(stderr, "fed %s: %zu outputs, %zu stray bytes; whole: %zu outputs, %zu stray\n",
                 how, b.size(), other.stray().size(), a.size(), whole.stray().size());
    cisscan::fuzz::fail("a chunking changed the result");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto stream = cisscan::fuzz::as_text(data, size);
  auto whole = cisscan::fuzz::make_parser();
  parse(whole, stream, [&] { return stream.size(); });
  cisscan::fuzz::check_bounds(whole);

  auto bytewise = cisscan::fuzz::make_parser();
  parse(bytewise, stream, [] { return size_t{1}; });
  require_same(whole, bytewise, "a byte at a time");

  std::mt19937_64 random(std::hash<std::string_view>{}(stream));
  // Small pieces around the marker's length, and pieces of any size up to the stream's.
  std::uniform_int_distribution<size_t> small(1, 2 * cisscan::fuzz::k_boundary.size());
  std::uniform_int_distribution<size_t> any(1, std::max<size_t>(size, 1));
  auto chunked = cisscan::fuzz::make_parser();
  parse(chunked, stream, [&] { return small(random); });
  require_same(whole, chunked, "in small random pieces");
  auto mixed = cisscan::fuzz::make_parser();
  parse(mixed, stream, [&] { return random() % 2 == 0 ? small(random) : any(random); });
  require_same(whole, mixed, "in random pieces");
  return 0;
}
