// The frame parser as the fuzz targets make it, and what they check of its result.
#pragma once

#include "execute/frames.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace cisscan::fuzz {

// The seeds in fuzz/corpus/fuzz_frames*/ are framed with this boundary.
inline const std::string k_boundary = "CISSCAN-0123456789abcdef0123456789abcdef";
// Small, so that seeds reach the cap.
inline constexpr size_t k_cap = 256;

// The one place the fuzz targets construct a FrameParser (adapt here when its arguments change).
inline FrameParser make_parser() {
  return FrameParser(k_boundary, k_cap);
}

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "frame parser: %s\n", what);
  std::abort();
}

// What holds of any result, whatever the stream.
inline void check_bounds(const FrameParser& parser) {
  if (parser.stray().size() > 4096) {
    fail("stray beyond its cap");
  }
  for (const auto& out : parser.outputs()) {
    if (out.output.size() > k_cap) {
      fail("output beyond the cap");
    }
    if (out.output.size() > out.output_bytes) {
      fail("more output kept than the host sent");
    }
    if (out.truncated != (out.output.size() < out.output_bytes)) {
      fail("truncated does not say whether output was cut");
    }
    if (out.sha256.size() != 64) {
      fail("no sha256");
    }
  }
}

} // namespace cisscan::fuzz
