#include "util/redact.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

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

// A DES crypt(3) hash (13 characters of ./0-9A-Za-z) or a BSDi one ("_" and 19 more), the
// schemes without a "$id$" prefix; "!" in front (a locked account) is kept.
bool des_hash(std::string_view field) {
  if (!field.empty() && field.front() == '!') {
    field.remove_prefix(1);
  }
  const auto salt_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/';
  };
  const bool bsdi = field.size() == 20 && field.front() == '_';
  if (field.size() != 13 && !bsdi) {
    return false;
  }
  for (size_t i = bsdi ? 1 : 0; i < field.size(); ++i) {
    if (!salt_char(field[i])) {
      return false;
    }
  }
  return true;
}

bool digits_or_empty(std::string_view field) {
  for (const char c : field) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

// Lines shaped like /etc/shadow (9 fields, 3-8 numbers or empty), /etc/passwd (7 fields, uid
// and gid numbers) or /etc/gshadow (4 fields): a DES hash in the second field is redacted.
std::string redact_des_line(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const auto colon = line.find(':', start);
    fields.push_back(line.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) {
      break;
    }
    start = colon + 1;
  }
  bool shaped = false;
  if (fields.size() == 9) {
    shaped = true;
    for (size_t i = 2; i < 8; ++i) {
      shaped = shaped && digits_or_empty(fields[i]);
    }
  } else if (fields.size() == 7) {
    shaped = !fields[2].empty() && !fields[3].empty() && digits_or_empty(fields[2]) &&
             digits_or_empty(fields[3]);
  } else {
    shaped = fields.size() == 4;
  }
  if (!shaped || fields[0].empty() || !des_hash(fields[1])) {
    return std::string(line);
  }
  std::string out(fields[0]);
  out += ':';
  out += fields[1].front() == '!' ? "!" : "";
  out += k_redacted;
  out += line.substr(fields[0].size() + 1 + fields[1].size());
  return out;
}

void redact_des(std::string& out) {
  std::string result;
  result.reserve(out.size());
  size_t start = 0;
  while (start < out.size()) {
    const auto end = std::min(out.find('\n', start), out.size());
    result += redact_des_line(std::string_view(out).substr(start, end - start));
    if (end < out.size()) {
      result += '\n';
    }
    start = end + 1;
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
  if (out.find(':') != std::string::npos) {
    redact_des(out);
  }
  if (out.find(k_pem_begin) != std::string::npos) {
    redact_pem(out);
  }
  return out;
}

} // namespace cisscan::util
