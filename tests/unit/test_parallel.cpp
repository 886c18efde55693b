// util::for_each_index: every index once, on more than one thread where there are cores.
#include "util/parallel.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

TEST_CASE("for_each_index calls every index once and returns when all have run") {
  for (const size_t count : {0, 1, 2, 7, 100}) {
    std::vector<std::atomic<int>> calls(count);
    std::atomic<size_t> running{0};
    std::mutex mutex;
    std::set<std::thread::id> threads;
    cisscan::util::for_each_index(count, [&](size_t i) {
      ++running;
      calls[i]++;
      {
        std::lock_guard lock(mutex);
        threads.insert(std::this_thread::get_id());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      --running;
    });
    CAPTURE(count);
    CHECK(running == 0);
    for (const auto& c : calls) {
      CHECK(c == 1);
    }
    if (count == 1) {
      CHECK(threads == std::set<std::thread::id>{std::this_thread::get_id()});
    }
    if (count == 100 && std::thread::hardware_concurrency() > 1) {
      CHECK(threads.size() > 1);
    }
  }
}
