// For a command that ends once it has written its output: what it built (a catalog, a record
// of millions of nodes) is left to the kernel when the process exits instead of being freed
// node by node. Leak checking is off in the sanitizer runs for this reason (dev/sanitize).
#pragma once

#include <type_traits>
#include <utility>

namespace cisscan::util {

template <typename T> void leave_to_exit(T&& value) {
  [[maybe_unused]] const auto* kept = new std::decay_t<T>(std::forward<T>(value));
}

} // namespace cisscan::util
