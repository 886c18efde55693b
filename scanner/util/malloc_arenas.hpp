// glibc gives each of a scan's workers (up to 8 per core) a malloc arena of its own, and memory
// freed in one arena serves no other: with --jobs 50, ~10 MiB of a 200-host scan's peak was
// such arenas' free space (benchmarks/README.md, 2026-12-03 15:00). The workers mostly wait on
// the network, so one arena per core serves them.
#pragma once

#include <algorithm>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace cisscan::util {

// Call before the threads start.
inline void limit_malloc_arenas() {
#if defined(__GLIBC__)
  const unsigned cores = std::max(2U, std::thread::hardware_concurrency());
  ::mallopt(M_ARENA_MAX, static_cast<int>(cores));
#endif
}

} // namespace cisscan::util
