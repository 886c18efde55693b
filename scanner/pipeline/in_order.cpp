#include "pipeline/in_order.hpp"

#include "pipeline/run.hpp"

namespace cisscan {

InRecordOrder::InRecordOrder(size_t count, Consume consume, const ResultMembers* lean)
    : m_consume(std::move(consume)), m_lean(lean), m_waiting(count, lean), m_ended(count) {}

void InRecordOrder::consume(size_t index, const HostRun* run) {
  if (m_error != nullptr) {
    return; // the run has already failed: what follows is not published
  }
  try {
    auto entry =
        run != nullptr ? record_entry(*run, m_lean) : HostRecordEntry{m_waiting.at(index), {}};
    m_consume(index, entry);
  } catch (...) {
    m_error = std::current_exception();
  }
}

void InRecordOrder::done(size_t index, HostRun run) {
  std::lock_guard lock(m_mutex);
  try {
    if (index != m_next) {
      // Reading a host back costs more than scanning it did (~10 ms of parsing): the first few
      // to wait do so in memory.
      if (m_held.size() < k_held) {
        m_held.emplace(index, std::move(run));
      } else {
        const auto entry = record_entry(run, m_lean);
        m_waiting.put(index, entry.host, entry.probes);
      }
      m_ended.at(index) = true;
      return;
    }
    consume(index, &run);
    for (++m_next; m_next < m_ended.size() && m_ended[m_next]; ++m_next) {
      if (const auto held = m_held.find(m_next); held != m_held.end()) {
        consume(m_next, &held->second);
        m_held.erase(held);
      } else {
        consume(m_next, nullptr); // from the spool
      }
    }
  } catch (...) {
    m_error = m_error != nullptr ? m_error : std::current_exception();
  }
}

void InRecordOrder::rethrow() const {
  if (m_error != nullptr) {
    std::rethrow_exception(m_error);
  }
}

} // namespace cisscan
