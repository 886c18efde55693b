// An allocator for the many small, same-sized blocks a parsed record is made of (a fleet's record
// is millions of map nodes and string headers). Blocks of up to 128 bytes come from per-thread
// free lists carved out of large chunks: no malloc header per block, no fragmentation between
// them. Freed blocks go back to the freeing thread's list for reuse; chunks are kept until the
// process exits, which suits a command that loads a record, renders it and ends.
// A thread's first 32 MiB come in 256 KiB chunks from malloc; past that (a thread loading a
// fleet's record) chunks are 4 MiB mappings on 2 MiB boundaries, advised for transparent huge
// pages: on the project's VM a fresh 4 KiB page costs ~25 us to fault in, and loading a 500-host
// record faulted ~90,000 of them, most of its read time (benchmarks/README.md, 2026-12-02). A
// thread that builds little (a scan's worker) so never holds a 2 MiB page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#include <sys/mman.h>

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
inline constexpr size_t k_step = 16;   // block sizes are multiples of this
inline constexpr size_t k_classes = 8; // 16, 32, ... 128 bytes
// Chunks are carved front to back into blocks of any class.
inline constexpr size_t k_small_chunk = size_t{1} << 18;
inline constexpr size_t k_small_total = size_t{1} << 25; // a thread's bytes in small chunks
inline constexpr size_t k_chunk = size_t{1} << 22;
inline constexpr size_t k_huge_page = size_t{1} << 21;

struct FreeBlock {
  FreeBlock* next;
};

struct Lists {
  FreeBlock* free[k_classes] = {};
  char* chunk = nullptr;
  size_t left = 0;
  size_t small_taken = 0; // bytes of small chunks taken
};

inline thread_local Lists t_lists;

// k_chunk bytes on a huge page boundary, advised for huge pages (where the kernel has them: the
// advice is only advice).
inline char* new_huge_chunk() {
  void* mapped = ::mmap(nullptr, k_chunk + k_huge_page, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) {
    throw std::bad_alloc();
  }
  auto* const raw = static_cast<char*>(mapped);
  const size_t head = (k_huge_page - reinterpret_cast<uintptr_t>(raw) % k_huge_page) % k_huge_page;
  char* const chunk = raw + head;
  if (head != 0) {
    ::munmap(raw, head);
  }
  ::munmap(chunk + k_chunk, k_huge_page - head);
  ::madvise(chunk, k_chunk, MADV_HUGEPAGE);
  return chunk;
}

inline void* take(size_t size_class) {
  auto& lists = t_lists;
  if (auto* block = lists.free[size_class]) {
    lists.free[size_class] = block->next;
    return block;
  }
  const size_t size = (size_class + 1) * k_step;
  if (lists.left < size) {
    if (lists.small_taken < k_small_total) {
      lists.chunk = static_cast<char*>(std::malloc(k_small_chunk));
      if (lists.chunk == nullptr) {
        throw std::bad_alloc();
      }
      lists.left = k_small_chunk;
      lists.small_taken += k_small_chunk;
    } else {
      lists.chunk = new_huge_chunk();
      lists.left = k_chunk;
    }
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
