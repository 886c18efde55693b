// Splits the byte stream of a probe script into per-probe outputs. Frames are delimited by a
// random per-run boundary that host output cannot know, so it cannot forge or close a frame.
//   <B> begin <probe-id>\n  ...output...  \n<B> end <probe-id> <exit-code>\n
#pragma once

#include "util/clock.hpp"
#include "util/sha256.hpp"

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

class FrameParser {
public:
  FrameParser(std::string boundary, size_t cap);

  // Feeds the next chunk of the stream; memory stays bounded by `cap` per probe.
  void feed(std::string_view chunk);
  // The stream ended: a frame still open is kept with complete = false.
  void finish();
  // Bytes of each later frame's output to keep.
  void set_cap(size_t cap) { m_cap = cap; }
  const std::vector<ProbeOutput>& outputs() const { return m_outputs; }
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
  std::string m_pending; // bytes not yet classified
  std::optional<ProbeOutput> m_open;
  std::optional<util::Sha256> m_hash;
  util::SteadyTime m_open_since{};
  std::vector<ProbeOutput> m_outputs;
  std::string m_stray;
};

} // namespace cisscan
