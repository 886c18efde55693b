#include "pipeline/early_connections.hpp"

#include "util/clock.hpp"

#include <algorithm>

namespace cisscan {

EarlyConnections::EarlyConnections(const Inventory& inventory, const TransportOptions& options,
                                   const TransportFactory& make, size_t count)
    : m_slots(std::min(count, inventory.hosts.size())) {
  try {
    begin(inventory, options, make);
  } catch (...) {
    // No thread to start: those started are abandoned, and the scan stops with the error.
    stop();
    throw;
  }
}

void EarlyConnections::begin(const Inventory& inventory, const TransportOptions& options,
                             const TransportFactory& make) {
  for (size_t i = 0; i < m_slots.size(); ++i) {
    const auto& host = inventory.hosts[i];
    if (!connects_on_its_own(host)) {
      continue;
    }
    auto& slot = m_slots[i];
    slot.begun.start = std::chrono::steady_clock::now();
    slot.begun.started_at = util::rfc3339_now();
    // The host, options and factory are copied: the caller's need not outlive the thread.
    slot.thread = std::thread([this, &slot, host, options, make] {
      try {
        slot.begun.transport = make(host, options);
        slot.begun.transport->begin_connect(m_abandon);
      } catch (const std::exception&) {
        // The host's worker makes the transport again and reports what goes wrong.
        slot.begun.transport.reset();
      }
    });
  }
}

EarlyConnections::~EarlyConnections() {
  stop();
}

void EarlyConnections::stop() {
  m_abandon = true;
  for (auto& slot : m_slots) {
    if (slot.thread.joinable()) {
      slot.thread.join();
    }
  }
}

std::optional<EarlyConnections::Begun> EarlyConnections::take(size_t index) {
  if (index >= m_slots.size() || !m_slots[index].thread.joinable()) {
    return std::nullopt;
  }
  auto& slot = m_slots[index];
  slot.thread.join();
  if (!slot.begun.transport) {
    return std::nullopt;
  }
  return std::move(slot.begun);
}

} // namespace cisscan
