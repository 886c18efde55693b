#include "util/redact.hpp"

#include <cctype>

namespace cisscan::util {

namespace {

constexpr std::string_view k_pem_begin = "-----BEGIN ";
constexpr std::string_view k_pem_end = "-----END ";
constexpr std::string_view k_redacted = "<redacted>";

bool hash_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/' || c == '$' ||
         c == '=' || c == '+' || c == '-' || c == ',';
}

// "$id$..." where id is a crypt scheme (1, 2a, 2b, 2y, 5, 6, y, gy, 7, sha1, md5).
size_t crypt_prefix(std::string_view text, size_t at) {
  static constexpr std::string_view k_ids[] = {"$2a$", "$2b$", "$2y$", "$sha1$", "$md5$", "$gy$",
                                               "$1$",  "$5$",  "$6$",  "$7$",    "$y$"};
  for (const auto id : k_ids) {
    if (text.substr(at, id.size()) == id) {
      return id.size();
    }
  }
  return 0;
}

void redact_hashes(std::string& out) {
  std::string result;
  result.reserve(out.size());
  size_t i = 0;
  while (i < out.size()) {
    const size_t prefix = out[i] == '$' ? crypt_prefix(out, i) : 0;
    if (prefix > 0) {
      size_t end = i + prefix;
      while (end < out.size() && hash_char(out[end])) {
        ++end;
      }
      if (end - i - prefix >= 8) {
        result.append(out, i, prefix);
        result += k_redacted;
        i = end;
        continue;
      }
    }
    result += out[i++];
  }
  out = std::move(result);
}

void redact_pem(std::string& out) {
  size_t pos = 0;
  while ((pos = out.find(k_pem_begin, pos)) != std::string::npos) {
    const auto header_end = out.find("-----", pos + k_pem_begin.size());
    if (header_end == std::string::npos) {
      break;
    }
    const auto label = out.substr(pos + k_pem_begin.size(), header_end - pos - k_pem_begin.size());
    const auto body_start = header_end + 5;
    if (label.find("PRIVATE KEY") == std::string::npos) {
      pos = body_start;
      continue;
    }
    auto body_end = out.find(k_pem_end, body_start);
    if (body_end == std::string::npos) {
      body_end = out.size();
    }
    out.replace(body_start, body_end - body_start, "\n" + std::string(k_redacted) + "\n");
    pos = body_start + k_redacted.size() + 2;
  }
}

} // namespace

std::string redact_secrets(std::string_view text) {
  std::string out(text);
  if (out.find('$') != std::string::npos) {
    redact_hashes(out);
  }
  if (out.find(k_pem_begin) != std::string::npos) {
    redact_pem(out);
  }
  return out;
}

} // namespace cisscan::util
