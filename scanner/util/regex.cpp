#define PCRE2_CODE_UNIT_WIDTH 8
#include "util/regex.hpp"

#include <pcre2.h>

#include <algorithm>
#include <new>
#include <stdexcept>

namespace cisscan::util {

namespace {

constexpr uint32_t k_match_limit = 1'000'000;
constexpr uint32_t k_depth_limit = 10'000;

pcre2_code* code_of(void* p) {
  return static_cast<pcre2_code*>(p);
}

// A thread's match context (the limits) and match data, kept from match to match: made and
// freed for each one, they cost a third of matching a check's output.
struct Scratch {
  pcre2_match_context* context = nullptr;
  pcre2_match_data* data = nullptr;
  Scratch() {
    context = pcre2_match_context_create(nullptr);
    if (context == nullptr) {
      throw std::bad_alloc();
    }
    pcre2_set_match_limit(context, k_match_limit);
    pcre2_set_depth_limit(context, k_depth_limit);
  }
  ~Scratch() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // Match data with room for `groups` capture groups and the whole match.
  pcre2_match_data* data_for(uint32_t groups) {
    if (data == nullptr || pcre2_get_ovector_count(data) < groups + 1) {
      pcre2_match_data_free(data);
      data = pcre2_match_data_create(std::max<uint32_t>(groups + 1, 16), nullptr);
      if (data == nullptr) {
        throw std::bad_alloc();
      }
    }
    return data;
  }
};

thread_local Scratch t_scratch;

} // namespace

Regex::Regex(const std::string& pattern) : m_pattern(pattern) {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  auto* code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error_code, &error_offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof(message));
    throw std::invalid_argument(std::string(reinterpret_cast<char*>(message)) + " at offset " +
                                std::to_string(error_offset));
  }
  m_code = code;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &m_groups);
}

Regex::~Regex() {
  pcre2_code_free(code_of(m_code));
}

int Regex::match(std::string_view subject) const {
  // Compiled to machine code at its first match, not when the catalog is read: a catalog's
  // ~600 patterns cost a third of its load that way, and a command that matches nothing (list,
  // lint) or a check that does not apply never needs it.
  std::call_once(
      m_jit, [this] { m_jitted = pcre2_jit_compile(code_of(m_code), PCRE2_JIT_COMPLETE) == 0; });
  auto* match_data = t_scratch.data_for(m_groups);
  const auto* text = reinterpret_cast<PCRE2_SPTR>(subject.data());
  // A judged output is matched line by line, thousands of calls a host: where the pattern has
  // its machine code, pcre2_jit_match skips pcre2_match's checks of what was checked at compile.
  const int rc = m_jitted ? pcre2_jit_match(code_of(m_code), text, subject.size(), 0, 0, match_data,
                                            t_scratch.context)
                          : pcre2_match(code_of(m_code), text, subject.size(), 0, 0, match_data,
                                        t_scratch.context);
  if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
    throw std::runtime_error("regular expression /" + m_pattern + "/ could not be matched (error " +
                             std::to_string(rc) + ")");
  }
  return rc;
}

bool Regex::matches(std::string_view subject) const {
  return match(subject) > 0;
}

std::optional<std::vector<std::string>> Regex::search(std::string_view subject) const {
  const int rc = match(subject);
  if (rc <= 0) {
    return std::nullopt;
  }
  const auto* ovector = pcre2_get_ovector_pointer(t_scratch.data); // this thread's, just filled
  std::vector<std::string> groups;
  for (int i = 0; i < rc; ++i) {
    if (ovector[2 * i] == PCRE2_UNSET) {
      groups.emplace_back();
    } else {
      groups.emplace_back(subject.substr(ovector[2 * i], ovector[2 * i + 1] - ovector[2 * i]));
    }
  }
  return groups;
}

} // namespace cisscan::util
