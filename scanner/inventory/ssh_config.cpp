#include "inventory/ssh_config.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <charconv>
#include <fstream>
#include <set>

#include <fnmatch.h>
#include <pwd.h>
#include <unistd.h>

namespace cisscan {

namespace {

const std::set<std::string> k_used = {"hostname",     "port",      "user",
                                      "identityfile", "proxyjump", "userknownhostsfile"};
const std::set<std::string> k_unsupported = {"match", "include", "proxycommand"};

// "Keyword value", "Keyword=value", "Keyword = \"quoted value\"".
bool split_option(std::string_view line, std::string& keyword, std::string& value) {
  line = util::trim(line);
  if (line.empty() || line.front() == '#') {
    return false;
  }
  const auto end = line.find_first_of(" \t=");
  keyword = util::to_lower(line.substr(0, end));
  auto rest = end == std::string_view::npos ? std::string_view() : line.substr(end);
  rest = util::trim(rest);
  if (!rest.empty() && rest.front() == '=') {
    rest = util::trim(rest.substr(1));
  }
  value = std::string(rest);
  return true;
}

// Whitespace-separated words; "a quoted one" is one word.
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  bool quoted = false;
  bool any = false;
  for (const char c : text) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if ((c == ' ' || c == '\t') && !quoted) {
      if (any) {
        out.push_back(word);
      }
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) {
    out.push_back(word);
  }
  return out;
}

std::string home() {
  const char* env = std::getenv("HOME");
  if (env != nullptr && *env != '\0') {
    return env;
  }
  const auto* pw = getpwuid(getuid());
  return pw != nullptr ? pw->pw_dir : "/";
}

std::string first_word(const std::string& text) {
  const auto all = words(text);
  return all.empty() ? std::string() : all.front();
}

// Expands ~ and the tokens cisscan knows; false when another %-token is left.
bool expand(std::string& value, const std::string& host, const std::string& user) {
  if (value.rfind("~/", 0) == 0) {
    value = home() + value.substr(1);
  }
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%' || i + 1 == value.size()) {
      out += value[i];
      continue;
    }
    const char token = value[++i];
    if (token == 'h') {
      out += host;
    } else if (token == 'u' || token == 'r') {
      out += user;
    } else if (token == 'd') {
      out += home();
    } else if (token == '%') {
      out += '%';
    } else {
      return false;
    }
  }
  value = out;
  return true;
}

// The first %-token cisscan does not expand ("%C"), or empty.
std::string unknown_token(const std::string& value) {
  for (size_t i = 0; i + 1 < value.size(); ++i) {
    if (value[i] == '%') {
      const char token = value[i + 1];
      if (std::string_view("hurd%").find(token) == std::string_view::npos) {
        return std::string("%") + token;
      }
      ++i;
    }
  }
  return {};
}

} // namespace

bool ssh_host_matches(const std::vector<std::string>& patterns, const std::string& host) {
  bool matched = false;
  for (const auto& pattern : patterns) {
    const bool negated = !pattern.empty() && pattern.front() == '!';
    const auto glob = negated ? pattern.substr(1) : pattern;
    if (fnmatch(glob.c_str(), host.c_str(), 0) == 0) {
      if (negated) {
        return false;
      }
      matched = true;
    }
  }
  return matched;
}

SshConfig SshConfig::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw ConfigError(path.string() + ": cannot read the SSH configuration file");
  }
  SshConfig config;
  config.m_file = path.string();
  // Lines before the first Host apply to every host.
  config.m_blocks.push_back({{"*"}, {}});
  bool skipping = false; // inside a Match block
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    std::string keyword;
    std::string value;
    if (!split_option(line, keyword, value)) {
      continue;
    }
    const auto where = config.m_file + ":" + std::to_string(number) + ": ";
    if (keyword == "host") {
      config.m_blocks.push_back({words(value), {}});
      skipping = false;
    } else if (keyword == "match") {
      config.m_warnings.push_back(where + "Match blocks are not supported: ignored up to the " +
                                  "next Host line");
      skipping = true;
    } else if (skipping) {
      continue;
    } else if (k_unsupported.count(keyword) != 0) {
      config.m_warnings.push_back(where + keyword + " is not supported by cisscan: ignored");
    } else if (k_used.count(keyword) != 0) {
      if (const auto token = unknown_token(value); !token.empty()) {
        config.m_warnings.push_back(where + "the token " + token + " in " + keyword +
                                    " is not supported by cisscan: ignored");
        continue;
      }
      config.m_blocks.back().options.push_back({keyword, value, number});
    }
  }
  return config;
}

SshConfigEntry SshConfig::lookup(const std::string& alias) const {
  SshConfigEntry entry;
  std::set<std::string> seen;
  for (const auto& block : m_blocks) {
    if (!ssh_host_matches(block.patterns, alias)) {
      continue;
    }
    for (const auto& option : block.options) {
      if (!seen.insert(option.keyword).second) {
        continue; // the first value obtained wins
      }
      const auto& value = option.value;
      if (option.keyword == "port") {
        const auto [ptr, ec] =
            std::from_chars(value.data(), value.data() + value.size(), entry.port);
        if (ec != std::errc() || ptr != value.data() + value.size() || entry.port < 1 ||
            entry.port > 65535) {
          throw ConfigError(m_file + ":" + std::to_string(option.line) + ": Port must be 1..65535");
        }
      } else if (option.keyword == "hostname") {
        entry.hostname = first_word(value);
        expand(entry.hostname, alias, entry.user);
      } else if (option.keyword == "user") {
        entry.user = first_word(value);
      } else if (option.keyword == "identityfile") {
        entry.identity_file = first_word(value);
      } else if (option.keyword == "proxyjump") {
        entry.proxy_jump = first_word(value);
      } else if (option.keyword == "userknownhostsfile") {
        entry.known_hosts = first_word(value);
      }
    }
  }
  const auto host = entry.hostname.empty() ? alias : entry.hostname;
  for (auto* value : {&entry.identity_file, &entry.known_hosts}) {
    expand(*value, host, entry.user);
  }
  return entry;
}

} // namespace cisscan
