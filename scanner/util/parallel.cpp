#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

namespace cisscan::util {

void for_each_index(size_t count, const std::function<void(size_t)>& step) {
  std::atomic<size_t> next{0};
  const auto worker = [&] {
    for (auto i = next++; i < count; i = next++) {
      step(i);
    }
  };
  const auto cores = std::max(1U, std::thread::hardware_concurrency());
  std::vector<std::thread> threads;
  for (size_t t = 1; t < std::min<size_t>(cores, count); ++t) {
    try {
      threads.emplace_back(worker);
    } catch (const std::system_error&) {
      break;
    }
  }
  worker();
  for (auto& thread : threads) {
    thread.join();
  }
}

} // namespace cisscan::util
