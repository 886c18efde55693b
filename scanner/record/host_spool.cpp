#include "record/host_spool.hpp"

#include "model/record_status.hpp"
#include "util/files.hpp"
#include "util/json_reader.hpp"
#include "util/json_text.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace cisscan {

namespace {

// An unnamed read-write file in the temporary folder, or -1 (with a warning) when none can be made.
int unnamed_temporary_file() {
  std::error_code ec;
  const auto dir = std::filesystem::temp_directory_path(ec);
  const auto folder = ec ? std::string("/tmp") : dir.string();
  std::string name = folder + "/cisscan-hosts-XXXXXX";
  const int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    spdlog::warn("cannot make a temporary file in {} ({}): finished hosts are kept in memory",
                 folder, std::strerror(errno));
    return -1;
  }
  ::unlink(name.c_str());
  return fd;
}

// A part's text as a value: the texts are cisscan's own compact JSON, which the fast reader takes
// whole (`report` of a 66 MiB record in half the time: benchmarks/README.md, 2026-12-07 21:50);
// anything else (a slot never put: "null") goes to nlohmann's parser.
cisscan::json parse_part(std::string_view text) {
  if (auto value = util::read_json_object(text)) {
    return std::move(*value);
  }
  return cisscan::json::parse(text);
}

} // namespace

std::string gaps_text(const cisscan::json& host, const ResultsView& results) {
  cisscan::json gaps = cisscan::json::array();
  std::vector<std::string_view> safeguards;
  for (size_t i = 0; i < results.size(); ++i) {
    const auto status = results.status(i);
    if (is_gap(status)) {
      results.safeguards(i, safeguards);
      gaps.push_back({{"check_id", results.check_id(i)},
                      {"status", to_string(status)},
                      {"safeguards", safeguards}});
    }
  }
  auto text = util::compact_json({{"name", host.value("name", cisscan::json())},
                                  {"status", host.value("status", cisscan::json())},
                                  {"results", std::move(gaps)}});
  text.shrink_to_fit(); // kept for the whole run: not the appends' spare room
  return text;
}

HostSpool::HostSpool(size_t count) : m_fd(unnamed_temporary_file()), m_slots(count) {}

HostSpool::~HostSpool() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void HostSpool::put(size_t index, const cisscan::json& host, const cisscan::json& score) {
  const auto text = util::compact_json(host);
  const auto gaps = gaps_text(host, EntryView(host));
  const auto score_text = score.is_null() ? std::string() : util::compact_json(score);
  put_text(index, host.value("name", std::string()), {text, gaps, score_text});
}

void HostSpool::append(const cisscan::json& host, const cisscan::json& score) {
  size_t index = 0;
  {
    std::lock_guard lock(m_mutex);
    index = m_slots.size();
    m_slots.emplace_back();
  }
  put(index, host, score);
}

void HostSpool::put_text(size_t index, const std::string& name, const Texts& texts) {
  const std::string_view parts[part_count] = {texts.host, texts.gaps, texts.score};
  std::lock_guard lock(m_mutex);
  auto& slot = m_slots.at(index);
  slot.name = name;
  slot.put = true;
  size_t at = m_end;
  bool written = m_fd >= 0;
  for (size_t part = 0; written && part < part_count; ++part) {
    written = util::write_at(m_fd, parts[part], at);
    at += parts[part].size();
  }
  for (size_t part = 0; part < part_count; ++part) {
    slot.length[part] = parts[part].size();
  }
  if (written) {
    slot.offset = m_end;
    slot.on_disk = true;
    m_end = at;
    return;
  }
  if (m_fd >= 0) {
    spdlog::warn("cannot write the temporary file of finished hosts ({}): host {} is kept in "
                 "memory",
                 std::strerror(errno), index);
  }
  for (size_t part = 0; part < part_count; ++part) {
    slot.kept[part] = parts[part];
  }
}

std::string_view HostSpool::read_into(const Slot& slot, Part part, std::string& buffer) const {
  if (!slot.put) {
    return "null";
  }
  if (!slot.on_disk) {
    return slot.kept[part];
  }
  const auto length = slot.length[part];
  auto offset = slot.offset;
  for (size_t before = 0; before < static_cast<size_t>(part); ++before) {
    offset += slot.length[before];
  }
  if (buffer.size() < length) {
    buffer.resize(length);
  }
  size_t done = 0;
  while (done < length) {
    const auto n =
        ::pread(m_fd, buffer.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw std::runtime_error(std::string("cannot read back the temporary file of finished "
                                           "hosts: ") +
                               (n < 0 ? std::strerror(errno) : "it is shorter than written"));
    }
    done += static_cast<size_t>(n);
  }
  return std::string_view(buffer.data(), length);
}

cisscan::json HostSpool::at(size_t index) const {
  std::string buffer;
  std::string_view text;
  {
    std::lock_guard lock(m_mutex);
    text = read_into(m_slots.at(index), host_part, buffer);
  }
  return parse_part(text); // the HTML report's workers parse side by side
}

void HostSpool::each_part(Part part, const std::function<void(std::string_view text)>& fn) const {
  std::string buffer;
  for (const auto& slot : m_slots) {
    fn(read_into(slot, part, buffer));
  }
}

void HostSpool::each(const std::function<void(const cisscan::json& host)>& fn) const {
  each_text([&](std::string_view text) { fn(parse_part(text)); });
}

void HostSpool::each_text(const std::function<void(std::string_view text)>& fn) const {
  each_part(host_part, fn);
}

void HostSpool::each_gaps(const std::function<void(const cisscan::json& host)>& fn) const {
  std::string buffer;
  for (const auto& slot : m_slots) {
    if (slot.put) {
      fn(parse_part(read_into(slot, gaps_part, buffer)));
    }
  }
}

bool HostSpool::holds_scores() const {
  return std::any_of(m_slots.begin(), m_slots.end(),
                     [](const Slot& slot) { return slot.length[score_part] > 0; });
}

void HostSpool::each_score_text(const ScoreTextSink& fn) const {
  std::vector<const Slot*> scored;
  for (const auto& slot : m_slots) {
    if (slot.length[score_part] > 0) {
      scored.push_back(&slot);
    }
  }
  // The order of a JSON object's members: by name.
  std::sort(scored.begin(), scored.end(),
            [](const Slot* a, const Slot* b) { return a->name < b->name; });
  std::string buffer;
  for (const auto* slot : scored) {
    fn(slot->name, read_into(*slot, score_part, buffer));
  }
}

void HostSpool::each_scored(const cisscan::json& record, const ScoredSink& fn) const {
  if (!holds_scores()) {
    HostSource::each_scored(record, fn);
    return;
  }
  std::string host_buffer;
  std::string score_buffer;
  for (const auto& slot : m_slots) {
    const auto host = parse_part(read_into(slot, host_part, host_buffer));
    const auto score = slot.length[score_part] > 0
                           ? parse_part(read_into(slot, score_part, score_buffer))
                           : cisscan::json();
    fn(host, score);
  }
}

} // namespace cisscan
