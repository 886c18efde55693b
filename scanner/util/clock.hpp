// Wall-clock times as RFC 3339 UTC strings, and monotonic durations.
#pragma once

#include <chrono>
#include <string>

namespace cisscan::util {

using WallTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;

// "2026-11-25T19:34:30.123Z"
std::string rfc3339(WallTime time);
std::string rfc3339_now();
long long milliseconds_between(SteadyTime start, SteadyTime end);
// Whether `text` is a calendar date YYYY-MM-DD (2026-02-29 and 2026-02-30 are not).
bool is_date(const std::string& text);

} // namespace cisscan::util
