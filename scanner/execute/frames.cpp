#include "execute/frames.hpp"

#include "util/redact.hpp"
#include "util/text.hpp"

#include <charconv>
#include <utility>

namespace cisscan {

namespace {

constexpr size_t k_stray_cap = 4096;
constexpr size_t k_max_header = 512; // a begin or end line longer than this is not a frame line

enum class MarkerLine { complete, partial, too_long };

// The line a marker found at `at` starts: complete (its newline is at `line_end`), partial (the
// newline may still come) or too long to be a frame line. The same bytes get the same answer
// however the stream was cut into chunks.
MarkerLine marker_line(std::string_view rest, size_t at, size_t marker, size_t& line_end) {
  const auto window = rest.substr(at, k_max_header + 1);
  const auto newline = window.find('\n', marker);
  if (newline == std::string_view::npos) {
    return window.size() > k_max_header ? MarkerLine::too_long : MarkerLine::partial;
  }
  line_end = at + newline;
  return MarkerLine::complete;
}

// "12345.67" (seconds, two decimals, as /proc/uptime prints them) in hundredths.
std::optional<long long> uptime_centis(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 12 || text.size() != dot + 3) {
    return std::nullopt;
  }
  long long seconds = 0;
  int hundredths = 0;
  const auto whole = text.substr(0, dot);
  const auto part = text.substr(dot + 1);
  const auto a = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  const auto b = std::from_chars(part.data(), part.data() + part.size(), hundredths);
  if (a.ec != std::errc() || a.ptr != whole.data() + whole.size() || b.ec != std::errc() ||
      b.ptr != part.data() + part.size() || seconds < 0 || hundredths < 0) {
    return std::nullopt;
  }
  return seconds * 100 + hundredths;
}

} // namespace

FrameParser::FrameParser(std::string boundary, size_t cap, FrameLimits limits)
    : m_begin(boundary + " begin "), m_end("\n" + boundary + " end "), m_cap(cap),
      m_limits(std::move(limits)) {}

void FrameParser::append_output(std::string_view bytes) {
  auto& open = *m_open;
  m_hash->update(bytes);
  open.output_bytes += bytes.size();
  if (open.output.size() < m_cap) {
    open.output.append(bytes.substr(0, m_cap - open.output.size()));
  }
  open.truncated = open.output.size() < open.output_bytes;
}

void FrameParser::append_stray(std::string_view bytes) {
  if (m_stray.size() < k_stray_cap) {
    m_stray.append(bytes.substr(0, k_stray_cap - m_stray.size()));
  }
}

void FrameParser::open_frame(std::string_view begin_line) {
  if (++m_frames > m_limits.max_frames) {
    m_overflow = "the host sent more than " + std::to_string(m_limits.max_frames) +
                 " probe frames, more than the script has probes: stopped reading it";
    return;
  }
  ProbeOutput output;
  output.id = std::string(util::trim(begin_line));
  const auto index = m_frames - 1;
  if (!m_limits.ids.empty() && (index >= m_limits.ids.size() || m_limits.ids[index] != output.id)) {
    m_overflow =
        "the host sent a frame for probe " + util::host_line(output.id, 80) +
        " out of the script's order (" +
        (index < m_limits.ids.size() ? "expected " + m_limits.ids[index] : "no probe left") +
        "): its output cannot be trusted, stopped reading it";
    return;
  }
  output.started_at = std::chrono::system_clock::now();
  m_open = std::move(output);
  m_hash.emplace();
  m_open_since = std::chrono::steady_clock::now();
}

void FrameParser::close_frame(std::string_view end_line) {
  // end_line: "<probe-id> <exit-code>", then the host's uptimes "<S> <U0> <U1>" (frames.hpp)
  auto& open = *m_open;
  const auto words = util::split_words(end_line);
  if ((words.size() == 2 || words.size() == 5) && words[0] == open.id) {
    const auto code = words[1];
    int value = -1;
    const auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), value);
    if (ec == std::errc() && ptr == code.data() + code.size()) {
      open.exit_code = value;
      open.complete = true;
    }
  }
  open.sha256 = m_hash->hex_digest();
  open.duration_ms = util::milliseconds_between(m_open_since, std::chrono::steady_clock::now());
  if (open.complete && words.size() == 5) {
    const auto part = uptime_centis(words[2]);
    const auto begin = uptime_centis(words[3]);
    const auto end = uptime_centis(words[4]);
    // A week in hundredths: no part runs that long, whatever a host claims.
    constexpr long long k_most = 7LL * 24 * 3600 * 100;
    if (part && begin && end && *part <= *begin && *begin <= *end && *end - *part <= k_most) {
      open.duration_ms = (*end - *begin) * 10;
      if (m_origin) {
        open.started_at = *m_origin + std::chrono::milliseconds((*begin - *part) * 10);
      }
    }
  }
  m_outputs.push_back(std::move(open));
  m_open.reset();
  m_hash.reset();
}

void FrameParser::feed(std::string_view chunk) {
  if (!m_overflow.empty()) {
    return;
  }
  m_bytes += chunk.size();
  if (m_bytes > m_limits.max_bytes) {
    m_overflow = "the host sent more than " + std::to_string(m_limits.max_bytes) +
                 " bytes of probe output: stopped reading it";
    return;
  }
  m_pending.append(chunk);
  size_t pos = 0;
  while (pos < m_pending.size() && m_overflow.empty()) {
    const std::string_view rest(m_pending.data() + pos, m_pending.size() - pos);
    if (m_open) {
      const auto at = rest.find(m_end);
      if (at == std::string_view::npos) {
        // Keep a tail that could be the start of the end marker; the rest is output.
        const auto keep = std::min(rest.size(), m_end.size() - 1);
        append_output(rest.substr(0, rest.size() - keep));
        pos += rest.size() - keep;
        break;
      }
      size_t line_end = 0;
      const auto line = marker_line(rest, at, m_end.size(), line_end);
      if (line == MarkerLine::too_long) {
        // Not a real end line: treat the marker's first byte as output and move on.
        append_output(rest.substr(0, at + 1));
        pos += at + 1;
        continue;
      }
      if (line == MarkerLine::partial) {
        append_output(rest.substr(0, at));
        pos += at;
        break;
      }
      append_output(rest.substr(0, at));
      close_frame(rest.substr(at + m_end.size(), line_end - at - m_end.size()));
      pos += line_end + 1;
    } else {
      const auto at = rest.find(m_begin);
      if (at == std::string_view::npos) {
        const auto keep = std::min(rest.size(), m_begin.size() - 1);
        append_stray(rest.substr(0, rest.size() - keep));
        pos += rest.size() - keep;
        break;
      }
      size_t line_end = 0;
      const auto line = marker_line(rest, at, m_begin.size(), line_end);
      if (line == MarkerLine::too_long) {
        append_stray(rest.substr(0, at + 1));
        pos += at + 1;
        continue;
      }
      if (line == MarkerLine::partial) {
        append_stray(rest.substr(0, at));
        pos += at;
        break;
      }
      append_stray(rest.substr(0, at));
      open_frame(rest.substr(at + m_begin.size(), line_end - at - m_begin.size()));
      pos += line_end + 1;
    }
  }
  if (!m_overflow.empty()) {
    m_pending = std::string();
    return;
  }
  m_pending.erase(0, pos);
}

void FrameParser::finish() {
  if (m_open) {
    append_output(m_pending);
    m_pending.clear();
    auto& open = *m_open;
    open.sha256 = m_hash->hex_digest();
    open.duration_ms = util::milliseconds_between(m_open_since, std::chrono::steady_clock::now());
    m_outputs.push_back(std::move(open));
    m_open.reset();
    m_hash.reset();
  } else {
    append_stray(m_pending);
    m_pending.clear();
  }
}

ProbeOutput FrameParser::take_output(size_t index) {
  auto& kept = m_outputs.at(index);
  auto text = std::exchange(kept.output, {});
  ProbeOutput taken = kept;
  taken.output = std::move(text);
  return taken;
}

} // namespace cisscan
