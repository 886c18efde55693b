#include "util/redact.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <utility>

namespace cisscan::util {

namespace {

constexpr std::string_view k_redacted = "<redacted>";

bool hash_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/' || c == '$' ||
         c == '=' || c == '+' || c == '-' || c == ',';
}

bool id_char(char c) {
  return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
}

// Length of a crypt scheme prefix at `at`: "$id$" or "$id," for a known id (1, 2a, 2b, 2x, 2y,
// 3, 5, 6, 7, y, gy, sha1, md5, ...), or "$id$" of any short lowercase id when a "$salt$hash"
// with a long hash follows (schemes we do not know by name). 0 when there is none.
size_t crypt_prefix(std::string_view text, size_t at) {
  static constexpr std::string_view k_ids[] = {"2a", "2b", "2x", "2y", "sha1", "md5", "gy",
                                               "1",  "3",  "5",  "6",  "7",    "y"};
  size_t end = at + 1;
  while (end < text.size() && end - at <= 10 && id_char(text[end])) {
    ++end;
  }
  if (end == at + 1 || end >= text.size() || (text[end] != '$' && text[end] != ',')) {
    return 0;
  }
  const auto id = text.substr(at + 1, end - at - 1);
  if (std::find(std::begin(k_ids), std::end(k_ids), id) != std::end(k_ids)) {
    return end - at + 1;
  }
  // Unknown id: "$id$salt$hash" with at least 16 hash characters, all one run of hash
  // characters. The verdict reads nothing past that run, so what other redactions change
  // elsewhere cannot change it, and redacting redacted text changes nothing.
  if (text[end] != '$') {
    return 0;
  }
  size_t run_end = end + 1;
  while (run_end < text.size() && hash_char(text[run_end])) {
    ++run_end;
  }
  const auto salt_end = text.substr(0, run_end).find('$', end + 1);
  if (salt_end == std::string_view::npos || salt_end - end > 65) {
    return 0;
  }
  return run_end - salt_end - 1 >= 16 ? end - at + 1 : 0;
}

// The text with its [from, to) pieces each replaced by `with`, in order: a copy made only when a
// pass found something to redact, the text between pieces appended whole.
class Rewrite {
public:
  explicit Rewrite(std::string& text) : m_text(text) {}
  void replace(size_t from, size_t to, std::string_view with) {
    if (m_result.empty()) {
      m_result.reserve(m_text.size());
    }
    m_result.append(m_text, m_copied, from - m_copied);
    m_result += with;
    m_copied = to;
    m_changed = true;
  }
  // Puts the rewritten text in place, if anything was replaced.
  void finish() {
    if (m_changed) {
      m_result.append(m_text, m_copied);
      m_text = std::move(m_result);
    }
  }

private:
  std::string& m_text;
  std::string m_result;
  size_t m_copied = 0;
  bool m_changed = false;
};

void redact_hashes(std::string& out) {
  Rewrite rewrite(out);
  size_t i = out.find('$');
  while (i != std::string::npos) {
    const size_t prefix = crypt_prefix(out, i);
    size_t next = i + 1;
    if (prefix > 0) {
      size_t end = i + prefix;
      while (end < out.size() && hash_char(out[end])) {
        ++end;
      }
      if (end - i - prefix >= 8) {
        rewrite.replace(i + prefix, end, k_redacted);
        next = end;
      }
    }
    i = out.find('$', next);
  }
  rewrite.finish();
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
  return std::all_of(field.begin(), field.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// Lines shaped like /etc/shadow (9 fields, 3-8 numbers or empty), /etc/passwd (7 fields, uid
// and gid numbers) or /etc/gshadow (4 fields): a DES hash in the second field is redacted. The
// length of the line's first field and its colon, and of its hash (with the "!" of a locked
// account), when the line has one; every line of every probe output passes here, so nothing is
// allocated for one.
std::optional<std::pair<size_t, size_t>> des_field(std::string_view line) {
  std::array<std::string_view, 10> fields; // ten: more than nine, which no shape has
  size_t count = 0;
  size_t start = 0;
  while (count < fields.size()) {
    const auto colon = line.find(':', start);
    fields[count++] = line.substr(start, colon == std::string_view::npos ? colon : colon - start);
    if (colon == std::string_view::npos) {
      break;
    }
    start = colon + 1;
  }
  bool shaped = false;
  if (count == 9) {
    shaped = true;
    for (size_t i = 2; i < 8; ++i) {
      shaped = shaped && digits_or_empty(fields[i]);
    }
  } else if (count == 7) {
    shaped = !fields[2].empty() && !fields[3].empty() && digits_or_empty(fields[2]) &&
             digits_or_empty(fields[3]);
  } else {
    shaped = count == 4;
  }
  if (!shaped || fields[0].empty() || !des_hash(fields[1])) {
    return std::nullopt;
  }
  return std::pair(fields[0].size() + 1, fields[1].size());
}

void redact_des(std::string& out) {
  Rewrite rewrite(out);
  size_t start = 0;
  while (start < out.size()) {
    const auto end = std::min(out.find('\n', start), out.size());
    if (const auto hash = des_field(std::string_view(out).substr(start, end - start))) {
      const auto at = start + hash->first;
      // A locked account's "!" stays.
      rewrite.replace(at, at + hash->second, out[at] == '!' ? "!<redacted>" : k_redacted);
    }
    start = end + 1;
  }
  rewrite.finish();
}

// Position of `word` (upper case letters) in `line` at or after `from`, ignoring case; npos
// when absent. Every probe output is searched for "PRIVATE": the places to compare are found by
// memchr of the first letter in both cases, not by comparing at every byte.
size_t find_word(std::string_view line, std::string_view word, size_t from = 0) {
  const char upper = word.front();
  const char lower = static_cast<char>(upper - 'A' + 'a');
  size_t next_upper = line.find(upper, from);
  size_t next_lower = line.find(lower, from);
  while (true) {
    const auto at = std::min(next_upper, next_lower);
    if (at == std::string_view::npos || line.size() - at < word.size()) {
      return std::string_view::npos;
    }
    if (std::equal(
            word.begin(), word.end(), line.begin() + static_cast<std::ptrdiff_t>(at),
            [](char w, char c) { return (c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c) == w; })) {
      return at;
    }
    (at == next_upper ? next_upper : next_lower) =
        line.find(at == next_upper ? upper : lower, at + 1);
  }
}

// "BEGIN", then "PRIVATE", then "KEY" on one line, whatever the dashes around them: the line that
// opens a private key (PEM, PKCS#8, OpenSSH, PGP), well formed or not. `edge` is BEGIN or END.
bool private_key_line(std::string_view line, std::string_view edge) {
  const auto at = find_word(line, edge);
  if (at == std::string_view::npos) {
    return false;
  }
  const auto priv = find_word(line, "PRIVATE", at + edge.size());
  return priv != std::string_view::npos &&
         find_word(line, "KEY", priv + 7) != std::string_view::npos;
}

// Every line after a private key's opening line, up to its closing line (or the end of the
// text), becomes one "<redacted>" line. Each line is judged on its own, so a stray or broken
// header earlier in the text cannot hide the real one.
void redact_keys(std::string& out) {
  std::string result;
  result.reserve(out.size());
  bool inside = false;
  size_t start = 0;
  while (start < out.size()) {
    const auto newline = out.find('\n', start);
    const auto end = newline == std::string::npos ? out.size() : newline + 1;
    const std::string_view line(out.data() + start, end - start);
    if (inside && private_key_line(line, "END")) {
      result += k_redacted;
      result += '\n';
      inside = false;
    }
    if (!inside) {
      result += line;
      if (private_key_line(line, "BEGIN")) {
        inside = true;
        if (line.back() != '\n') {
          result += '\n';
        }
      }
    }
    start = end;
  }
  if (inside) {
    result += k_redacted;
    result += '\n';
  }
  out = std::move(result);
}

} // namespace

std::string redact_secrets(std::string_view text) {
  std::string out(text);
  redact_secrets_in(out);
  return out;
}

void redact_secrets_in(std::string& out) {
  if (out.find('$') != std::string::npos) {
    redact_hashes(out);
  }
  if (out.find(':') != std::string::npos) {
    redact_des(out);
  }
  if (find_word(out, "PRIVATE") != std::string::npos) {
    redact_keys(out);
  }
}

std::string host_line(std::string_view text, size_t max_bytes) {
  const auto clean = to_valid_utf8(redact_secrets(trim(text)));
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < clean.size(); ++i) {
    const char c = clean[i];
    const auto u = static_cast<unsigned char>(c);
    const auto next = i + 1 < clean.size() ? static_cast<unsigned char>(clean[i + 1]) : 0;
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') {
        out += ' ';
      }
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    } else if (u == 0xC2 && next >= 0x80 && next <= 0x9F) {
      // C1 controls (U+0080..U+009F): CSI and friends are terminal escapes too.
      out += "\\u00";
      out += k_hex[next >> 4];
      out += k_hex[next & 15];
      ++i;
    } else {
      out += c;
    }
  }
  if (out.size() > max_bytes) {
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    out.resize(cut);
    out += "...";
  }
  return out;
}

} // namespace cisscan::util
