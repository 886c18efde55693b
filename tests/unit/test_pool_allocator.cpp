#include "util/pool_allocator.hpp"

#include "util/json.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

using cisscan::json;
using cisscan::util::PoolAllocator;

namespace {

struct Block48 {
  char bytes[48];
};
struct Block200 {
  char bytes[200];
};

} // namespace

// Defined by the AddressSanitizer runtime, whichever compiler linked it in.
extern "C" int __asan_address_is_poisoned(void const volatile* address) __attribute__((weak));

TEST_CASE("the pool steps aside in any AddressSanitizer build, GCC's or clang's") {
  // clang does not define __SANITIZE_ADDRESS__: the pool once hid clang ASan builds' blocks.
  if (&__asan_address_is_poisoned != nullptr) {
    CHECK_FALSE(cisscan::util::pool::k_enabled);
  }
}

TEST_CASE("PoolAllocator reuses a freed block of the same size class") {
  if (!cisscan::util::pool::k_enabled) {
    return; // an AddressSanitizer build: every block is the default allocator's
  }
  PoolAllocator<Block48> alloc;
  auto* first = alloc.allocate(1);
  alloc.deallocate(first, 1);
  auto* second = alloc.allocate(1);
  CHECK(second == first);
  auto* third = alloc.allocate(1);
  CHECK(third != second);
  CHECK(reinterpret_cast<std::uintptr_t>(third) % 16 == 0);
  alloc.deallocate(second, 1);
  alloc.deallocate(third, 1);
}

TEST_CASE("PoolAllocator leaves arrays and large blocks to the default allocator") {
  PoolAllocator<Block200> large;
  auto* block = large.allocate(1);
  block->bytes[199] = 'x';
  large.deallocate(block, 1);
  PoolAllocator<int> ints;
  auto* many = ints.allocate(1000);
  many[999] = 7;
  CHECK(many[999] == 7);
  ints.deallocate(many, 1000);
}

TEST_CASE("json on the pool builds, copies and frees across threads") {
  json built;
  std::thread maker([&] {
    for (int i = 0; i < 20000; ++i) {
      built["host" + std::to_string(i)] = {{"status", "pass"}, {"n", i}, {"list", {1, 2, 3}}};
    }
  });
  maker.join();
  const json copy = built;
  CHECK(copy.size() == 20000);
  CHECK(copy["host19999"]["n"] == 19999);
  built = nullptr; // blocks made on the other thread are freed on this one
  std::map<std::string, int, std::less<>, PoolAllocator<std::pair<const std::string, int>>> map;
  map["a"] = 1;
  CHECK(map.at("a") == 1);
  CHECK(copy["host7"]["list"] == json::array({1, 2, 3}));
}
