// Splits the byte stream of a probe script into per-probe outputs. Frames are delimited by a
// random per-host boundary that probe output cannot know, so it cannot forge or close a frame.
// A hostile host that reads the boundary from its stdin can forge frames: the limits bound what
// it can make the scanner hold, whatever it sends.
//   <B> begin <probe-id>\n  ...output...  \n<B> end <probe-id> <exit-code> [<S> <U0> <U1>]\n
// S, U0, U1: the host's uptime (seconds, two decimals, from /proc/uptime) when the script's part
// began, when the probe began and when it ended. The probe's duration is U1 - U0, and it started
// at the part's origin (the scanner's clock when it sent the part) plus U0 - S. Without them (no
// /proc/uptime) both come from when the frame's lines reached the scanner, which batches of
// frames (script.cpp) blur.
#pragma once

#include "util/clock.hpp"
#include "util/sha256.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

struct ProbeOutput {
  std::string id;
  std::string output;      // the first `cap` bytes
  size_t output_bytes = 0; // every byte the host sent for this probe
  std::string sha256;      // of every byte the host sent
  bool truncated = false;  // output holds less than output_bytes
  bool complete = false;   // the end frame arrived
  int exit_code = -1;
  util::WallTime started_at{};
  long long duration_ms = 0;
};

// What one host may send in all. Past either bound the parser stops taking input and says why.
struct FrameLimits {
  size_t max_frames = SIZE_MAX; // frames opened, over the whole stream
  size_t max_bytes = SIZE_MAX;  // bytes fed, over the whole stream
  // When not empty, the probe ids of the script in the order it runs them: a frame that is not
  // the next of them (a probe the script does not have, one sent twice) stops the parser.
  std::vector<std::string> ids = {};
};

class FrameParser {
public:
  FrameParser(std::string boundary, size_t cap, FrameLimits limits = {});

  // Feeds the next chunk of the stream; memory stays bounded by `cap` per probe.
  void feed(std::string_view chunk);
  // The stream ended: a frame still open is kept with complete = false.
  void finish();
  // Bytes of each later frame's output to keep.
  void set_cap(size_t cap) { m_cap = cap; }
  // The scanner's clock when it sent the part whose frames come next: their start times.
  void set_origin(util::WallTime origin) { m_origin = origin; }
  void set_limits(FrameLimits limits) { m_limits = std::move(limits); }
  // Why the parser stopped taking input (a limit was crossed); empty while it has not.
  const std::string& overflow() const { return m_overflow; }
  const std::vector<ProbeOutput>& outputs() const { return m_outputs; }
  // Output `index` moved out, to be kept by the caller: the parser keeps the frame (its id and
  // what was counted) without its text.
  ProbeOutput take_output(size_t index);
  // Bytes that arrived outside any frame (capped), e.g. a shell's own error message.
  const std::string& stray() const { return m_stray; }

private:
  void append_output(std::string_view bytes);
  void append_stray(std::string_view bytes);
  void close_frame(std::string_view end_line);
  void open_frame(std::string_view begin_line);

  std::string m_begin; // "<B> begin "
  std::string m_end;   // "\n<B> end "
  size_t m_cap;
  FrameLimits m_limits;
  size_t m_frames = 0;
  size_t m_bytes = 0;
  std::string m_overflow;
  std::string m_pending; // bytes not yet classified
  std::optional<ProbeOutput> m_open;
  std::optional<util::Sha256> m_hash;
  util::SteadyTime m_open_since{};
  std::optional<util::WallTime> m_origin;
  std::vector<ProbeOutput> m_outputs;
  std::string m_stray;
};

} // namespace cisscan
