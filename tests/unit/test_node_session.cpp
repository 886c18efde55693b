#include "execute/node_session.hpp"

#include "ssh_login.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace cisscan;

TEST_CASE("ChannelSlots: at most N holders; the next one waits for a release") {
  ChannelSlots slots(2);
  slots.acquire();
  slots.acquire();
  CHECK(slots.free() == 0);
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    slots.acquire();
    got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(got.load()); // a third holder would break the node's limit
  slots.release();
  waiter.join();
  CHECK(got.load());
  CHECK(slots.free() == 0);
  slots.release();
  slots.release();
  CHECK(slots.free() == 2);
}

TEST_CASE("NodeSessions: a node that cannot be reached is every container's reason") {
  NodeSessions nodes;
  HostSpec ct;
  ct.name = "dns01";
  ct.transport = "pct";
  ct.node = "pve1";
  ct.vmid = 101;
  // nothing listens there
  ct.target = GuestTarget{test::ssh_login("pve1", "127.0.0.1", 1, "root")};
  TransportOptions options;
  options.connect_timeout_seconds = 2;
  ConnectResult first;
  CHECK(nodes.get(ct, options, first) == nullptr);
  CHECK(first.status == ConnectStatus::unreachable);
  CHECK(first.reason.rfind("cannot connect to 127.0.0.1:1", 0) == 0);
  ct.name = "dns02";
  ConnectResult second;
  CHECK(nodes.get(ct, options, second) == nullptr); // tried once, not again
  CHECK(second.reason == first.reason);
}
