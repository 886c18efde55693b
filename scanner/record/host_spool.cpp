#include "record/host_spool.hpp"

#include "model/record_status.hpp"
#include "util/files.hpp"
#include "util/json_text.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

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

void HostSpool::put(size_t index, const cisscan::json& host) {
  put_text(index, util::compact_json(host), gaps_text(host, EntryView(host)));
}

void HostSpool::put_text(size_t index, std::string_view text, std::string gaps) {
  std::lock_guard lock(m_mutex);
  auto& slot = m_slots.at(index);
  slot.gaps = std::move(gaps);
  if (m_fd >= 0 && util::write_at(m_fd, text, m_end)) {
    slot.offset = m_end;
    slot.length = text.size();
    slot.on_disk = true;
    m_end += text.size();
    return;
  }
  if (m_fd >= 0) {
    spdlog::warn("cannot write the temporary file of finished hosts ({}): host {} is kept in "
                 "memory",
                 std::strerror(errno), index);
  }
  slot.text = text;
}

std::string HostSpool::read(const Slot& slot) const {
  std::string buffer;
  const auto text = read_into(slot, buffer);
  if (text.data() == buffer.data()) {
    return buffer; // read from disk into it, whole
  }
  return std::string(text);
}

std::string_view HostSpool::read_into(const Slot& slot, std::string& buffer) const {
  if (!slot.on_disk) {
    return slot.text.empty() ? std::string_view("null") : std::string_view(slot.text);
  }
  if (buffer.size() < slot.length) {
    buffer.resize(slot.length);
  }
  size_t done = 0;
  while (done < slot.length) {
    const auto n = ::pread(m_fd, buffer.data() + done, slot.length - done,
                           static_cast<off_t>(slot.offset + done));
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
  return std::string_view(buffer.data(), slot.length);
}

cisscan::json HostSpool::at(size_t index) const {
  std::string text;
  {
    std::lock_guard lock(m_mutex);
    text = read(m_slots.at(index));
  }
  return cisscan::json::parse(text);
}

void HostSpool::each(const std::function<void(const cisscan::json& host)>& fn) const {
  each_text([&](std::string_view text) { fn(cisscan::json::parse(text)); });
}

void HostSpool::each_gaps(const std::function<void(const cisscan::json& host)>& fn) const {
  for (const auto& slot : m_slots) {
    if (!slot.gaps.empty()) {
      fn(cisscan::json::parse(slot.gaps));
    }
  }
}

void HostSpool::each_text(const std::function<void(std::string_view text)>& fn) const {
  std::string buffer;
  for (const auto& slot : m_slots) {
    fn(read_into(slot, buffer));
  }
}

} // namespace cisscan
