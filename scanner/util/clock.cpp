#include "util/clock.hpp"

#include <ctime>
#include <regex>

namespace cisscan::util {

std::string rfc3339(WallTime time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t t = seconds.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[64];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buffer, static_cast<int>(millis));
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
