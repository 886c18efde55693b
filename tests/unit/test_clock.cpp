#include "util/clock.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>

using namespace cisscan::util;

TEST_CASE("is_date: calendar dates only") {
  CHECK(is_date("2026-02-28"));
  CHECK(is_date("2028-02-29"));
  CHECK(is_date("2026-12-31"));
  CHECK_FALSE(is_date("2026-02-29"));
  CHECK_FALSE(is_date("2026-02-30"));
  CHECK_FALSE(is_date("2026-04-31"));
  CHECK_FALSE(is_date("2026-13-01"));
  CHECK_FALSE(is_date("2026-00-10"));
  CHECK_FALSE(is_date("2026-1-1"));
  CHECK_FALSE(is_date("26-01-01"));
  CHECK_FALSE(is_date("tomorrow"));
  CHECK_FALSE(is_date(""));
}

namespace {

// The C library's form of the same instant (rfc3339's before it wrote the digits itself).
std::string libc_rfc3339(WallTime time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  const std::time_t t = seconds.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buffer, static_cast<int>(millis.count()));
  return out;
}

} // namespace

TEST_CASE("rfc3339: UTC to the millisecond, as the C library writes it") {
  using std::chrono::milliseconds;
  CHECK(rfc3339(WallTime{}) == "1970-01-01T00:00:00.000Z");
  CHECK(rfc3339(WallTime{milliseconds(1'796'083'199'999)}) == "2026-11-30T23:59:59.999Z");
  CHECK(rfc3339(WallTime{milliseconds(1'709'164'800'007)}) == "2024-02-29T00:00:00.007Z");
  CHECK(rfc3339(WallTime{std::chrono::microseconds(1'796'083'199'999'999)}) ==
        "2026-11-30T23:59:59.999Z"); // cut, not rounded, as before
  // Instants over 1970-2200 (leap days, month and year ends included by chance and above),
  // and ones before 1970 that a clock set wrong could give.
  std::mt19937_64 random(11);
  std::uniform_int_distribution<long long> any(-2'208'988'800'000, 7'258'118'400'000);
  for (int i = 0; i < 20000; ++i) {
    const WallTime time{milliseconds(any(random))};
    CAPTURE(time.time_since_epoch().count());
    REQUIRE(rfc3339(time) == libc_rfc3339(time));
  }
}
