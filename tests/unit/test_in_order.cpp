// InRecordOrder hands hosts on in record order whatever order they end in, as their record
// entries, holding the early ones in memory or in its spool. (Also built into scan_tests, for the
// ThreadSanitizer build.)
#include "pipeline/in_order.hpp"
#include "pipeline/run.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace cisscan;

namespace {

HostRun host(size_t i) {
  HostRun run;
  run.spec.name = "h" + std::to_string(i);
  run.status = HostStatus::ok;
  return run;
}

} // namespace

TEST_CASE("InRecordOrder: hosts ending last to first are consumed first to last") {
  // More hosts than the order holds in memory, so some wait in the spool.
  const size_t count = 40;
  std::vector<size_t> seen;
  InRecordOrder order(count, [&](size_t index, json& h) {
    CHECK(h == host_to_json(host(index)));
    seen.push_back(index);
  });
  for (size_t i = count; i-- > 0;) {
    order.done(i, host(i));
    CHECK(seen.empty() == (i != 0));
  }
  order.rethrow();
  std::vector<size_t> expected(count);
  for (size_t i = 0; i < count; ++i) {
    expected[i] = i;
  }
  CHECK(seen == expected);
}

TEST_CASE("InRecordOrder: from many threads, each host once and in order") {
  const size_t count = 200;
  std::vector<size_t> seen;
  InRecordOrder order(count, [&](size_t index, json& h) {
    CHECK(h["name"] == "h" + std::to_string(index));
    seen.push_back(index);
  });
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < count; i = next++) {
        order.done(i, host(i));
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  REQUIRE(seen.size() == count);
  for (size_t i = 0; i < count; ++i) {
    CHECK(seen[i] == i);
  }
}

TEST_CASE("InRecordOrder: what the consumer throws comes back from rethrow, once") {
  size_t consumed = 0;
  InRecordOrder order(3, [&](size_t index, json&) {
    ++consumed;
    if (index == 1) {
      throw std::runtime_error("host 1 cannot be assessed");
    }
  });
  order.done(2, host(2));
  order.done(0, host(0));
  order.done(1, host(1));
  CHECK(consumed == 2); // after the error, nothing more is consumed
  CHECK_THROWS_WITH(order.rethrow(), "host 1 cannot be assessed");
}
