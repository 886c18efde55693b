#include "execute/known_hosts_filter.hpp"

#include "util/files.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <sys/stat.h>

namespace cisscan {

namespace {

// libssh reads a line into 8,192 bytes (fgets) and stops reading the file at a line that does
// not fit: from such a line on, everything is kept for libssh to stop at.
constexpr size_t k_libssh_line = 8192;

// keep: libssh decides; skip: libssh skips it (comment, blank, marker); hashed and plain: by name.
enum class Kind { keep, skip, hashed, plain };

// One line of the file, with what its host field asks.
struct Line {
  std::string_view text; // with its newline, if it has one
  Kind kind = Kind::keep;
  std::string salt;                    // hashed: the HMAC key, decoded
  std::string hash;                    // hashed: the HMAC of the name, decoded
  std::vector<std::string_view> names; // plain: the comma-separated names
};

struct Parsed {
  std::string text;
  std::vector<Line> lines;
};

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) {
    return std::nullopt;
  }
  const auto padding =
      static_cast<size_t>(text.end() - std::find_if(text.rbegin(), text.rend(), [](char c) {
                                         return c != '=';
                                       }).base());
  if (padding > 2) {
    return std::nullopt;
  }
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

// HMAC-SHA1 (RFC 2104) of `message` under `key`: OpenSSH's hashed host names.
std::optional<std::string> hmac_sha1(std::string_view key, std::string_view message) {
  static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                                 EVP_MD_CTX_free);
  if (sha1 == nullptr || ctx == nullptr || key.size() > 64) {
    return std::nullopt;
  }
  unsigned char inner_pad[64] = {};
  unsigned char outer_pad[64] = {};
  std::copy(key.begin(), key.end(), inner_pad);
  std::copy(key.begin(), key.end(), outer_pad);
  for (size_t i = 0; i < 64; ++i) {
    inner_pad[i] ^= 0x36;
    outer_pad[i] ^= 0x5c;
  }
  unsigned char inner[EVP_MAX_MD_SIZE];
  unsigned char outer[EVP_MAX_MD_SIZE];
  unsigned int inner_size = 0;
  unsigned int outer_size = 0;
  const bool ok = EVP_DigestInit_ex2(ctx.get(), sha1, nullptr) == 1 &&
                  EVP_DigestUpdate(ctx.get(), inner_pad, sizeof(inner_pad)) == 1 &&
                  EVP_DigestUpdate(ctx.get(), message.data(), message.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx.get(), inner, &inner_size) == 1 &&
                  EVP_DigestInit_ex2(ctx.get(), sha1, nullptr) == 1 &&
                  EVP_DigestUpdate(ctx.get(), outer_pad, sizeof(outer_pad)) == 1 &&
                  EVP_DigestUpdate(ctx.get(), inner, inner_size) == 1 &&
                  EVP_DigestFinal_ex(ctx.get(), outer, &outer_size) == 1;
  if (!ok) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(outer), outer_size);
}

bool plain_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '*' && c != '?' && c != '!';
  });
}

bool equal_ci(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// What libssh (0.10, known_hosts.c) does with a line before it looks at the key: leading white
// space skipped, then empty, "#" and "@" lines skipped; the host field is what precedes the
// first space; "|1|SALT|HASH" is matched by HMAC, the field's comma-separated names by pattern.
Line read_line(std::string_view text) {
  Line line;
  line.text = text;
  auto body = text;
  if (!body.empty() && body.back() == '\n') {
    body.remove_suffix(1);
  }
  const auto first = std::find_if(body.begin(), body.end(), [](char c) {
    return !std::isspace(static_cast<unsigned char>(c));
  });
  if (first == body.end() || *first == '#' || *first == '@') {
    line.kind = Kind::skip;
    return line;
  }
  // libssh splits the line with strtok(" "): spaces only, so a tab stays in the field.
  auto field = body.substr(std::min(body.find_first_not_of(' '), body.size()));
  field = field.substr(0, field.find(' '));
  if (field.rfind("|1|", 0) == 0) {
    const auto rest = field.substr(3);
    const auto bar = rest.find('|');
    if (bar == std::string_view::npos || rest.find(',') != std::string_view::npos) {
      return line;
    }
    auto salt = base64_decode(rest.substr(0, bar));
    auto hash = base64_decode(rest.substr(bar + 1));
    if (!salt || !hash || salt->size() > 64) {
      return line;
    }
    line.kind = Kind::hashed;
    line.salt = std::move(*salt);
    line.hash = std::move(*hash);
    return line;
  }
  size_t start = 0;
  while (start <= field.size()) {
    const auto comma = std::min(field.find(',', start), field.size());
    const auto name = field.substr(start, comma - start);
    if (!name.empty()) {
      if (!plain_name(name)) {
        line.names.clear();
        return line; // a pattern, a negation or odd bytes: libssh decides
      }
      line.names.push_back(name);
    }
    start = comma + 1;
  }
  line.kind = Kind::plain;
  return line;
}

std::optional<Parsed> parse(std::string text) {
  if (text.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  Parsed parsed{std::move(text), {}};
  const std::string_view all = parsed.text;
  size_t start = 0;
  bool overlong = false;
  while (start < all.size()) {
    const auto end = std::min(all.find('\n', start), all.size() - 1) + 1;
    const auto text_of_line = all.substr(start, end - start);
    overlong = overlong || text_of_line.size() >= k_libssh_line - 1;
    if (overlong) {
      parsed.lines.emplace_back().text = text_of_line;
    } else {
      parsed.lines.push_back(read_line(text_of_line));
    }
    start = end;
  }
  return parsed;
}

bool may_match(const Line& line, std::string_view name, std::string_view name_on_22) {
  switch (line.kind) {
  case Kind::keep:
    return true;
  case Kind::skip:
    return false;
  case Kind::hashed: {
    const auto hmac = hmac_sha1(line.salt, name);
    return !hmac || *hmac == line.hash;
  }
  case Kind::plain:
    return std::any_of(line.names.begin(), line.names.end(), [&](std::string_view n) {
      // libssh's corner case: a bracketed name is compared with "[name]:22" when the name
      // looked up has no port.
      return equal_ci(n, n.front() == '[' && name.front() != '[' ? name_on_22 : name);
    });
  }
  return true;
}

std::string filtered(const Parsed& parsed, std::string_view name) {
  const auto name_on_22 = "[" + std::string(name) + "]:22";
  std::string out;
  for (const auto& line : parsed.lines) {
    if (may_match(line, name, name_on_22)) {
      out += line.text;
      if (out.back() != '\n') {
        out += '\n';
      }
    }
  }
  return out;
}

struct Cached {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  timespec modified{};
  std::shared_ptr<const Parsed> parsed;
};

bool same_file(const Cached& cached, const struct stat& now) {
  return cached.device == now.st_dev && cached.inode == now.st_ino && cached.size == now.st_size &&
         cached.modified.tv_sec == now.st_mtim.tv_sec &&
         cached.modified.tv_nsec == now.st_mtim.tv_nsec;
}

} // namespace

std::string known_hosts_name(std::string_view address, int port) {
  std::string name(address);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (port == 0 || port == 22) {
    return name;
  }
  return "[" + name + "]:" + std::to_string(port);
}

std::optional<std::string> known_hosts_lines_for(std::string_view text, std::string_view name) {
  if (name.empty()) {
    return std::nullopt;
  }
  const auto parsed = parse(std::string(text));
  if (!parsed) {
    return std::nullopt;
  }
  return filtered(*parsed, name);
}

std::optional<std::string> known_hosts_lines_for_file(const std::string& path,
                                                      std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, Cached> cache;
  if (name.empty()) {
    return std::nullopt;
  }
  std::shared_ptr<const Parsed> parsed;
  {
    const std::lock_guard lock(mutex);
    struct stat now {};
    if (::stat(path.c_str(), &now) != 0 || !S_ISREG(now.st_mode)) {
      return std::nullopt;
    }
    auto& cached = cache[path];
    if (!cached.parsed || !same_file(cached, now)) {
      std::optional<Parsed> fresh;
      try {
        fresh = parse(util::read_file(path));
      } catch (const std::exception&) {
      }
      if (!fresh) {
        cache.erase(path);
        return std::nullopt;
      }
      cached = {now.st_dev, now.st_ino, now.st_size, now.st_mtim,
                std::make_shared<const Parsed>(std::move(*fresh))};
    }
    parsed = cached.parsed;
  }
  return filtered(*parsed, name);
}

} // namespace cisscan
