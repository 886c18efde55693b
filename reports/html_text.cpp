// Text, time and lookup helpers of the HTML report's view model.
#include "reports/display.hpp"
#include "reports/html_view.hpp"
#include "reports/xml_text.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>

namespace cisscan::reports::html {

const json& at(const json& object, std::string_view key) {
  static const json k_null;
  if (!object.is_object()) {
    return k_null;
  }
  const auto it = object.find(key);
  return it == object.end() ? k_null : *it;
}

std::string text(const json& value) {
  if (value.is_string()) {
    return xml_safe(value.get_ref<const std::string&>());
  }
  if (value.is_null()) {
    return {};
  }
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      out += (out.empty() ? "" : ", ") + text(item);
    }
    return out;
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? "yes" : "no";
  }
  return xml_safe(value.dump());
}

std::string field(const json& object, std::string_view key) {
  return text(at(object, key));
}

std::string score_text(const json& score) {
  return percent(score);
}

std::string plural(int64_t n, std::string_view singular, std::string_view plural_form) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural_form);
}

std::string svg_text(std::string_view raw) {
  const auto safe = xml_safe(raw);
  std::string out;
  out.reserve(safe.size());
  for (const char c : safe) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string sha256_base64(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  std::string out(4 * ((length + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest,
                                      static_cast<int>(length));
  out.resize(written < 0 ? 0 : static_cast<size_t>(written));
  return out;
}

int64_t parse_timestamp(std::string_view timestamp) {
  int y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  const std::string copy(timestamp);
  if (std::sscanf(copy.c_str(), "%4d-%2u-%2uT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) {
    return -1;
  }
  using namespace std::chrono;
  const year_month_day date{year{y}, month{mo}, day{d}};
  if (!date.ok()) {
    return -1;
  }
  const auto days = sys_days{date}.time_since_epoch().count();
  return static_cast<int64_t>(days) * 86400 + h * 3600 + mi * 60 + s;
}

std::string format_timestamp(int64_t seconds) {
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string age_text(int64_t seconds) {
  if (seconds < 60) {
    return "less than a minute";
  }
  if (seconds < 3600) {
    return plural(seconds / 60, "minute", "minutes");
  }
  if (seconds < 2 * 86400) {
    return plural(seconds / 3600, "hour", "hours");
  }
  return plural(seconds / 86400, "day", "days");
}

int64_t render_time() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    char* end = nullptr;
    const long long value = std::strtoll(epoch, &end, 10);
    if (end != nullptr && *end == '\0' && value >= 0) {
      return value;
    }
  }
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::pair<int, int> safeguard_order(const std::string& id) {
  int control = 0;
  int number = 0;
  std::sscanf(id.c_str(), "%d.%d", &control, &number);
  return {control, number};
}

std::string control_of(const std::string& safeguard_id) {
  return safeguard_id.substr(0, safeguard_id.find('.'));
}

std::string controls_attribute(const json& safeguards) {
  std::set<std::string> controls;
  for (const auto& s : safeguards) {
    if (s.is_string()) {
      controls.insert(xml_safe(control_of(s.get_ref<const std::string&>())));
    }
  }
  std::string out = " ";
  for (const auto& c : controls) {
    out += c + " ";
  }
  return out;
}

std::string status_label(ResultStatus status) {
  return status == ResultStatus::not_applicable ? "not applicable" : std::string(to_string(status));
}

std::string status_label(const std::string& status) {
  const auto known = parse_result_status(status);
  return known ? status_label(*known) : status;
}

std::string counts_text(const std::array<int64_t, k_statuses.size()>& counts) {
  std::string out;
  for (size_t i = 0; i < k_statuses.size(); ++i) {
    if (counts[i] > 0) {
      out +=
          (out.empty() ? "" : ", ") + std::to_string(counts[i]) + " " + status_label(k_statuses[i]);
    }
  }
  return out;
}

std::string counts_text(const json& counts) {
  std::array<int64_t, k_statuses.size()> numbers{};
  for (size_t i = 0; i < k_statuses.size(); ++i) {
    const auto& n = at(counts, to_string(k_statuses[i]));
    numbers[i] = n.is_number_integer() ? n.get<int64_t>() : 0;
  }
  return counts_text(numbers);
}

std::string string_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::string safeguards_text(const Index& index, const json& safeguards, bool titles) {
  std::string out;
  for (const auto& s : safeguards) {
    const auto id = string_of(s);
    const auto title = titles ? index.safeguard_title(id) : std::string();
    const auto mark = index.ig_mark(id);
    out += (out.empty() ? ""
            : titles    ? "; "
                        : ", ") +
           xml_safe(id) + (mark.empty() ? "" : " (" + mark + ")") +
           (title.empty() ? "" : " " + title);
  }
  return out;
}

std::string finding_anchor(size_t host, size_t result) {
  return "f-" + std::to_string(host) + "-" + std::to_string(result);
}

std::string host_anchor(size_t host) {
  return "host-" + std::to_string(host);
}

std::string result_anchor(size_t host, size_t result) {
  return "r-" + std::to_string(host) + "-" + std::to_string(result);
}

std::string check_anchor(size_t check) {
  return "check-" + std::to_string(check);
}

std::string unscanned_anchor(size_t host) {
  return "unscanned-" + std::to_string(host);
}

std::string search_text(std::initializer_list<std::string_view> values) {
  std::string out;
  for (const auto value : values) {
    if (!value.empty()) {
      out += out.empty() ? "" : " ";
      out += value;
    }
  }
  return out;
}

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char* entity = nullptr;
    switch (text[i]) {
    case '&':
      entity = "&amp;";
      break;
    case '<':
      entity = "&lt;";
      break;
    case '>':
      entity = "&gt;";
      break;
    case '"':
      entity = "&quot;";
      break;
    case '\'':
      entity = "&apos;";
      break;
    default:
      continue;
    }
    out.append(text, start, i - start);
    out += entity;
    start = i + 1;
  }
  out.append(text, start, std::string::npos);
  return out;
}

} // namespace cisscan::reports::html
