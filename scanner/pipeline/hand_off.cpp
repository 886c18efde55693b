#include "pipeline/hand_off.hpp"

#include <algorithm>

namespace cisscan {

HandOff::HandOff(size_t capacity, size_t workers)
    : m_capacity(std::max<size_t>(1, capacity)), m_workers(workers) {}

bool HandOff::put(size_t index, HostRun&& run) {
  std::unique_lock lock(m_mutex);
  m_has_room.wait(lock, [&] { return m_closed || m_waiting.size() < m_capacity; });
  if (m_closed) {
    return false;
  }
  m_waiting.emplace_back(index, std::move(run));
  m_has_host.notify_one();
  return true;
}

void HandOff::worker_done() {
  std::lock_guard lock(m_mutex);
  --m_workers;
  m_has_host.notify_one();
}

std::optional<std::pair<size_t, HostRun>> HandOff::take() {
  std::unique_lock lock(m_mutex);
  m_has_host.wait(lock, [&] { return !m_waiting.empty() || m_workers == 0; });
  if (m_waiting.empty()) {
    return std::nullopt;
  }
  auto next = std::move(m_waiting.front());
  m_waiting.pop_front();
  m_has_room.notify_one();
  return next;
}

void HandOff::close() {
  std::lock_guard lock(m_mutex);
  m_closed = true;
  m_waiting.clear();
  m_has_room.notify_all();
}

} // namespace cisscan
