#include "util/clock.hpp"

#include <chrono>
#include <ctime>
#include <regex>

namespace cisscan::util {

std::string rfc3339(WallTime time) {
  // Written digit by digit from the civil date: each probe entry carries one, and gmtime_r,
  // strftime and snprintf took ~2,700 instructions each (a host's 130 of them, 1 % of its CPU).
  const auto since_epoch = time.time_since_epoch();
  const auto days = std::chrono::floor<std::chrono::days>(since_epoch);
  const std::chrono::year_month_day date{std::chrono::sys_days(days)};
  const auto in_day = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - days);
  // system_clock counts nanoseconds in 64 bits here: its years are 1677-2262, four digits.
  const auto year = static_cast<int>(date.year());
  const auto ms = in_day.count();
  std::string out = "0000-00-00T00:00:00.000Z";
  const auto put = [&out](size_t end, long long value, int digits) {
    for (int i = 0; i < digits; ++i, value /= 10) {
      out[end - static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
    }
  };
  put(3, year, 4);
  put(6, static_cast<unsigned>(date.month()), 2);
  put(9, static_cast<unsigned>(date.day()), 2);
  put(12, ms / 3'600'000, 2);
  put(15, ms / 60'000 % 60, 2);
  put(18, ms / 1000 % 60, 2);
  put(22, ms % 1000, 3);
  return out;
}

std::string rfc3339_now() {
  return rfc3339(std::chrono::system_clock::now());
}

long long milliseconds_between(SteadyTime start, SteadyTime end) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(end - start).count();
}

bool is_date(const std::string& text) {
  static const std::regex k_date(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::smatch match;
  if (!std::regex_match(text, match, k_date)) {
    return false;
  }
  const std::chrono::year_month_day date{std::chrono::year(std::stoi(match[1])),
                                         std::chrono::month(std::stoul(match[2])),
                                         std::chrono::day(std::stoul(match[3]))};
  return date.ok();
}

} // namespace cisscan::util
