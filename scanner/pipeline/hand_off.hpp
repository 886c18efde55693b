// Finished hosts handed from the scan's workers to the one thread that builds their record
// entries. Record trees are made of util::PoolAllocator blocks, which stay with the thread that
// frees them: built and freed by one thread, a host's tree reuses the blocks of the host before
// it, where fifty workers each building their own kept fifty trees' worth (benchmarks/README.md,
// 2026-12-03 15:00). A worker waits while `capacity` finished hosts wait, so that what waits is
// bounded, not growing with the fleet.
#pragma once

#include "pipeline/scan.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace cisscan {

class HandOff {
public:
  HandOff(size_t capacity, size_t workers);

  // From a worker: waits while the hand-off is full. False once it is closed (the run is
  // dropped): the worker takes no more hosts.
  bool put(size_t index, HostRun&& run);
  // From a worker, when it takes no more hosts.
  void worker_done();
  // From the receiving thread: the next finished host, or nothing once every worker is done
  // and every host has been taken.
  std::optional<std::pair<size_t, HostRun>> take();
  // From the receiving thread, when it stops taking (it failed): workers no longer wait, what
  // they put from then on is dropped, and they start no other host.
  void close();

private:
  const size_t m_capacity;
  size_t m_workers;
  bool m_closed = false;
  std::deque<std::pair<size_t, HostRun>> m_waiting;
  std::mutex m_mutex;
  std::condition_variable m_has_room;
  std::condition_variable m_has_host;
};

} // namespace cisscan
