// The probe evidence of a result card: command, exit code, times, hash and the output, with the
// lines the result was decided on (its `observed` lines) marked. Each probe's output is printed
// once per list and host, with the first card that reads it; later cards link there.
#include "reports/html_evidence.hpp"
#include "reports/xml_text.hpp"

#include <algorithm>
#include <set>

namespace cisscan::reports::html {

namespace {

// Outputs larger than this are shown whole, without looking for the deciding lines.
constexpr size_t k_mark_limit = 256 * 1024;

size_t base64_decoded_size(const std::string& encoded) {
  size_t padding = 0;
  for (auto it = encoded.rbegin(); it != encoded.rend() && *it == '=' && padding < 2; ++it) {
    ++padding;
  }
  return encoded.size() / 4 * 3 - padding;
}

std::string_view trimmed(std::string_view line) {
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  return line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
}

// The lines of `observed` (split at newlines and at "; ", which joins several deciding lines).
std::set<std::string_view, std::less<>> observed_lines(std::string_view observed) {
  std::set<std::string_view, std::less<>> lines;
  size_t start = 0;
  while (start <= observed.size()) {
    const auto newline = observed.find('\n', start);
    const auto joint = observed.find("; ", start);
    const auto end = std::min(newline, joint);
    const auto line =
        trimmed(observed.substr(start, end == std::string_view::npos ? end : end - start));
    if (!line.empty()) {
      lines.insert(line);
    }
    if (end == std::string_view::npos) {
      break;
    }
    start = end + (end == joint ? 2 : 1);
  }
  return lines;
}

void push_segment(Data& list, std::string text, bool hit) {
  Data segment = object_data();
  put(segment, "text", std::move(text));
  put(segment, "hit", Data(hit));
  push(list, std::move(segment));
}

Data probe_item(const json& probe, bool print_here, const Printed& first,
                const std::string& observed) {
  Data item = object_data();
  put(item, "found", Data(true));
  for (const char* key : {"id", "type", "command", "state", "exit_code", "started_at",
                          "duration_ms", "timeout_s", "output_bytes", "output_sha256"}) {
    put(item, std::string("probe_") + key, field(probe, key));
  }
  put(item, "print_output", Data(print_here));
  put(item, "ev_anchor", first.anchor);
  put(item, "shown_anchor", first.anchor);
  put(item, "shown_check", first.check_id);
  if (!print_here) {
    return item;
  }
  const auto raw = string_of(at(probe, "output"));
  const bool binary = at(probe, "output_encoding") == "base64";
  put(item, "truncated", Data(at(probe, "truncated") == true));
  put(item, "kept_bytes", std::to_string(binary ? base64_decoded_size(raw) : raw.size()));
  put(item, "incomplete", Data(at(probe, "complete") == false));
  put(item, "binary", Data(binary));
  put(item, "has_output", Data(!raw.empty()));
  bool marked = false;
  put(item, "output", binary ? [&] {
    Data whole = list_data();
    push_segment(whole, raw, false);
    return whole;
  }()
                             : output_segments(raw, observed, marked));
  put(item, "marked", Data(marked));
  return item;
}

Data missing_probe_item(const std::string& id) {
  Data item = object_data();
  put(item, "found", Data(false));
  put(item, "probe_id", xml_safe(id));
  return item;
}

} // namespace

Data output_segments(const std::string& output, const std::string& observed, bool& marked) {
  Data segments = list_data();
  marked = false;
  const auto lines = output.size() <= k_mark_limit ? observed_lines(observed)
                                                   : std::set<std::string_view, std::less<>>{};
  if (lines.empty()) {
    push_segment(segments, xml_safe(output), false);
    return segments;
  }
  const std::string_view text(output);
  size_t plain = 0; // start of the unmarked text not yet pushed
  size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end;
    if (lines.count(trimmed(text.substr(start, end - start))) > 0) {
      if (start > plain) {
        push_segment(segments, xml_safe(text.substr(plain, start - plain)), false);
      }
      push_segment(segments, xml_safe(text.substr(start, end - start)), true);
      marked = true;
      plain = end;
    }
    start = end + 1;
  }
  if (plain < text.size()) {
    push_segment(segments, xml_safe(text.substr(plain)), false);
  }
  return segments;
}

EvidencePlan::EvidencePlan(std::shared_ptr<const json> entry, size_t host,
                           const std::vector<size_t>& shown, std::string prefix)
    : m_host(std::move(entry)), m_results(at(*m_host, "results")), m_probes(at(*m_host, "probes")) {
  for (size_t p = 0; p < m_probes.size(); ++p) {
    m_probe_index.emplace(string_of(at(m_probes[p], "id")), p);
  }
  for (const size_t r : shown) {
    for (const auto& id : at(m_results[r], "probe_ids")) {
      const auto it = m_probe_index.find(string_of(id));
      if (it != m_probe_index.end() && m_first_use.count(it->second) == 0) {
        m_first_use.emplace(
            it->second, Printed{prefix + std::to_string(host) + "-" + std::to_string(it->second),
                                field(m_results[r], "check_id")});
        m_printed_by.emplace(it->second, r);
      }
    }
  }
}

Data EvidencePlan::evidence(size_t r) const {
  Data list = list_data();
  const auto observed = string_of(at(m_results[r], "observed"));
  for (const auto& id : at(m_results[r], "probe_ids")) {
    const auto it = m_probe_index.find(string_of(id));
    const auto first = it == m_probe_index.end() ? m_first_use.end() : m_first_use.find(it->second);
    if (first == m_first_use.end()) {
      push(list, missing_probe_item(string_of(id)));
    } else {
      push(list, probe_item(m_probes[it->second], m_printed_by.at(it->second) == r, first->second,
                            observed));
    }
  }
  return list;
}

} // namespace cisscan::reports::html
