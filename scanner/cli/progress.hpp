// The scan's progress on a terminal: one line redrawn in place (hosts done of total, failing,
// unreachable, the slowest host still running). Nothing when stderr is not a terminal or with
// -q: there each host's end is a log line of its own.
#pragma once

#include "pipeline/scan.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace cisscan {

class Progress {
public:
  // Active when `enabled` (stderr is a terminal and the log level shows info).
  Progress(size_t total, bool enabled);
  ~Progress(); // stops drawing and clears the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Wires the callbacks of `options` to this display (does nothing when inactive).
  void attach(ScanOptions& options);
  bool active() const { return m_enabled; }

  // The line as it is drawn now (for tests).
  std::string line() const;

private:
  void started(const std::string& host);
  void finished(const HostRun& run);
  void draw_loop();

  size_t m_total;
  bool m_enabled;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  size_t m_done = 0;
  size_t m_failing = 0;
  size_t m_unreachable = 0;
  std::map<std::string, std::chrono::steady_clock::time_point> m_running;
  std::thread m_thread;
};

// stderr is a terminal and nobody asked for quiet.
bool progress_wanted();

} // namespace cisscan
