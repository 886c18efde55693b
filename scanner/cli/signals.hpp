// SIGINT and SIGTERM during a scan: the first asks the scan to stop (hosts still running end as
// `error` "interrupted", the reports are written for everything), the second exits at once.
#pragma once

#include <atomic>

namespace cisscan {

class InterruptGuard {
public:
  InterruptGuard();  // installs the handlers
  ~InterruptGuard(); // puts the previous ones back
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  const std::atomic<bool>& interrupted() const;
};

} // namespace cisscan
