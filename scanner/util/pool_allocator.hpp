// An allocator for the many small, same-sized blocks a parsed record is made of (a fleet's record
// is millions of map nodes and string headers). Blocks of up to 128 bytes come from per-thread
// free lists carved out of large chunks: no malloc header per block, no fragmentation between
// them. Freed blocks go back to the freeing thread's list for reuse; chunks are kept until the
// process exits, which suits a command that loads a record, renders it and ends.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>

namespace cisscan::util {

namespace pool {

// GCC defines __SANITIZE_ADDRESS__ under AddressSanitizer; clang says it through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define CISSCAN_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CISSCAN_POOL_ASAN 1
#endif
#endif
#if defined(CISSCAN_POOL_ASAN)
inline constexpr bool k_enabled = false; // AddressSanitizer builds see every block on its own
#else
inline constexpr bool k_enabled = true;
#endif
inline constexpr size_t k_step = 16;       // block sizes are multiples of this
inline constexpr size_t k_classes = 8;     // 16, 32, ... 128 bytes
inline constexpr size_t k_chunk = 1 << 18; // carved front to back into blocks of any class

struct FreeBlock {
  FreeBlock* next;
};

struct Lists {
  FreeBlock* free[k_classes] = {};
  char* chunk = nullptr;
  size_t left = 0;
};

inline thread_local Lists t_lists;

inline void* take(size_t size_class) {
  auto& lists = t_lists;
  if (auto* block = lists.free[size_class]) {
    lists.free[size_class] = block->next;
    return block;
  }
  const size_t size = (size_class + 1) * k_step;
  if (lists.left < size) {
    lists.chunk = static_cast<char*>(std::malloc(k_chunk));
    if (lists.chunk == nullptr) {
      throw std::bad_alloc();
    }
    lists.left = k_chunk;
  }
  void* block = lists.chunk;
  lists.chunk += size;
  lists.left -= size;
  return block;
}

inline void give_back(void* block, size_t size_class) noexcept {
  auto* free_block = static_cast<FreeBlock*>(block);
  free_block->next = t_lists.free[size_class];
  t_lists.free[size_class] = free_block;
}

} // namespace pool

template <class T> struct PoolAllocator {
  using value_type = T;

  PoolAllocator() noexcept = default;
  template <class U> PoolAllocator(const PoolAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    if (k_pooled && n == 1) {
      return static_cast<T*>(pool::take(k_class));
    }
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* block, size_t n) noexcept {
    if (k_pooled && n == 1) {
      pool::give_back(block, k_class);
    } else {
      std::allocator<T>{}.deallocate(block, n);
    }
  }
  template <class U> bool operator==(const PoolAllocator<U>&) const noexcept { return true; }

private:
  static constexpr bool k_pooled =
      pool::k_enabled && sizeof(T) <= pool::k_step * pool::k_classes && alignof(T) <= pool::k_step;
  static constexpr size_t k_class = (sizeof(T) + pool::k_step - 1) / pool::k_step - 1;
};

} // namespace cisscan::util
