#include "cli/progress.hpp"

#include "util/redact.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

#include <unistd.h>

namespace cisscan {

Progress::Progress(size_t total, bool enabled) : m_total(total), m_enabled(enabled) {
  if (m_enabled) {
    // Log lines clear the progress line first; it is drawn again below them.
    spdlog::set_pattern("\r\033[K%^%l%$: %v");
    m_thread = std::thread([this] { draw_loop(); });
  }
}

Progress::~Progress() {
  if (!m_enabled) {
    return;
  }
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  m_thread.join();
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  spdlog::set_pattern("%^%l%$: %v");
}

void Progress::attach(ScanOptions& options) {
  if (!m_enabled) {
    return;
  }
  options.on_host_start = [this](const HostSpec& host) { started(host.name); };
  options.on_host_done = [this](const HostRun& run) { finished(run); };
}

void Progress::started(const std::string& host) {
  const std::lock_guard<std::mutex> lock(m_mutex);
  m_running[host] = std::chrono::steady_clock::now();
}

void Progress::finished(const HostRun& run) {
  const std::lock_guard<std::mutex> lock(m_mutex);
  m_running.erase(run.spec.name);
  ++m_done;
  if (run.status == HostStatus::unreachable || run.status == HostStatus::timeout) {
    ++m_unreachable;
  }
  for (const auto& result : run.results) {
    if (result.status == ResultStatus::fail) {
      ++m_failing;
      break;
    }
  }
}

std::string Progress::line() const {
  const std::lock_guard<std::mutex> lock(m_mutex);
  std::string out = "cisscan: " + std::to_string(m_done) + " of " + std::to_string(m_total) +
                    (m_total == 1 ? " host" : " hosts") + " done, " + std::to_string(m_failing) +
                    " failing, " + std::to_string(m_unreachable) + " unreachable";
  if (!m_running.empty()) {
    auto slowest = m_running.begin();
    for (auto it = m_running.begin(); it != m_running.end(); ++it) {
      slowest = it->second < slowest->second ? it : slowest;
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now() - slowest->second)
                             .count();
    out += ", " + std::to_string(m_running.size()) + " running (slowest " +
           util::host_line(slowest->first, 40) + ", " + std::to_string(seconds) + " s)";
  }
  return out;
}

void Progress::draw_loop() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_stop) {
    lock.unlock();
    const auto text = line();
    std::fprintf(stderr, "\r\033[K%s", text.c_str());
    std::fflush(stderr);
    lock.lock();
    m_wake.wait_for(lock, std::chrono::milliseconds(250), [this] { return m_stop; });
  }
}

bool progress_wanted() {
  return isatty(STDERR_FILENO) != 0 && spdlog::get_level() <= spdlog::level::info;
}

} // namespace cisscan
