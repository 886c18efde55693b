// What the per-host bounds of the frame parser cost (issue 13): one host's stream of probe
// frames parsed with no limits, and with every limit a scan sets (frame count, total bytes, the
// script's probe ids in order), interleaved, best of N rounds each.
//   cmake --build build --target frame_bounds && ./build/benchmarks/frame_bounds [ROUNDS]
#include "execute/frames.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

const std::string k_boundary = "CISSCAN-0123456789abcdef0123456789abcdef";

// 300 probes of 2 KiB each: a full catalog's answer from one host.
std::string make_stream(std::vector<std::string>& ids) {
  std::string stream;
  const std::string output = std::string(2047, 'x') + "\n";
  for (int i = 0; i < 300; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "p-%012d", i);
    ids.emplace_back(id);
    stream +=
        k_boundary + " begin " + id + "\n" + output + "\n" + k_boundary + " end " + id + " 0\n";
  }
  return stream;
}

double parse_ms(const std::string& stream, const cisscan::FrameLimits& limits, int repeat) {
  const auto start = std::chrono::steady_clock::now();
  size_t outputs = 0;
  for (int i = 0; i < repeat; ++i) {
    cisscan::FrameParser parser(k_boundary, 64 * 1024, limits);
    for (size_t pos = 0; pos < stream.size(); pos += 32768) { // libssh's read size
      parser.feed(std::string_view(stream).substr(pos, 32768));
    }
    parser.finish();
    outputs += parser.outputs().size();
  }
  if (outputs != 300u * repeat) {
    std::fprintf(stderr, "frame_bounds: parsed %zu outputs, expected %d\n", outputs, 300 * repeat);
    std::exit(1);
  }
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
             .count() /
         repeat;
}

} // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 300;
  std::vector<std::string> ids;
  const auto stream = make_stream(ids);
  const cisscan::FrameLimits bounded{
      .max_frames = ids.size(), .max_bytes = 128 * 1024 * 1024, .ids = ids};
  double none = 1e9;
  double all = 1e9;
  for (int round = 0; round < rounds; ++round) {
    none = std::min(none, parse_ms(stream, {}, 3));
    all = std::min(all, parse_ms(stream, bounded, 3));
  }
  std::printf("one host's stream: %zu probes, %.0f KiB\n", ids.size(), stream.size() / 1024.0);
  std::printf("no limits:   %.3f ms per host (best of %d)\n", none, rounds);
  std::printf("all limits:  %.3f ms per host (best of %d)\n", all, rounds);
  std::printf("ratio:       %.3f\n", all / none);
}
