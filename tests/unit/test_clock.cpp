#include "util/clock.hpp"

#include <doctest/doctest.h>

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
