// Independent pieces of work shared out over the machine's cores: the catalog's files parsed
// side by side, a run's report formats rendered side by side.
#pragma once

#include <cstddef>
#include <functional>

namespace cisscan::util {

// Calls step(i) once for every i below `count`, on up to one thread per core (the calling thread
// is one of them; none is started for a single step), each thread taking the next index when it
// is free. Returns when every step has returned. `step` must not throw: it keeps its own errors.
// Where no thread can be started, the threads there are take every index.
void for_each_index(size_t count, const std::function<void(size_t)>& step);

} // namespace cisscan::util
