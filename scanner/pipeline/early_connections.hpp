// The first hosts' connections, begun while the scan loads its catalog: on a one-host scan the
// catalog, controls and risk register take ~20 ms before anything else can start, about as long
// as a host's TCP connection and key exchange (benchmarks/README.md, 2026-12-06 22:35). Only
// that much is done early (Transport::begin_connect): nothing is authenticated, and no host key
// is checked or recorded, before the scan has a valid catalog; a scan that stops on a bad
// catalog abandons them. Only hosts that connect on their own (connects_on_its_own): a host
// behind a bastion or a PVE node's guest waits for the fleet's shared sessions.
#pragma once

#include "execute/transport.hpp"
#include "inventory/inventory.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cisscan {

class EarlyConnections {
public:
  // Begins the connections of the first `count` hosts of `inventory` (the ones the scan's
  // workers take first), each on a thread of its own.
  EarlyConnections(const Inventory& inventory, const TransportOptions& options,
                   const TransportFactory& make, size_t count);
  // Abandons the connections not taken and waits for their threads: 50 ms at most, unless a
  // host's name is still being resolved.
  ~EarlyConnections();
  EarlyConnections(const EarlyConnections&) = delete;
  EarlyConnections& operator=(const EarlyConnections&) = delete;

  struct Begun {
    std::unique_ptr<Transport> transport; // connect() finishes what was begun
    std::chrono::steady_clock::time_point start;
    std::string started_at; // RFC 3339: when the host's scan began
  };
  // Host `index`'s transport, once its beginning is done; none where nothing was begun for it.
  // Each index at most once, from any thread.
  std::optional<Begun> take(size_t index);

private:
  void begin(const Inventory& inventory, const TransportOptions& options,
             const TransportFactory& make);
  void stop(); // abandons what was not taken and waits for every thread

  struct Slot {
    std::thread thread;
    Begun begun;
  };
  std::atomic<bool> m_abandon{false};
  std::vector<Slot> m_slots; // by host index; a slot without a thread began nothing
};

} // namespace cisscan
