#include "catalog/mount_probe.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

namespace cisscan {

namespace {

constexpr std::string_view k_columns = "TARGET,SOURCE,FSTYPE,OPTIONS";
constexpr std::array<std::string_view, 4> k_names = {"TARGET", "SOURCE", "FSTYPE", "OPTIONS"};
using Row = std::array<std::string_view, 4>;

bool plain_path(std::string_view path) {
  return !path.empty() && std::all_of(path.begin(), path.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("/._-").find(c) != std::string_view::npos;
  });
}

// One `findmnt -P` line: TARGET="..." SOURCE="..." FSTYPE="..." OPTIONS="..." (findmnt escapes a
// quote inside a value as \x22, so a value ends at the next quote).
std::optional<Row> read_pairs(std::string_view line) {
  Row row;
  size_t at = 0;
  for (size_t i = 0; i < k_names.size(); ++i) {
    const auto key = k_names[i];
    if (line.compare(at, key.size(), key) != 0 || line.compare(at + key.size(), 2, "=\"") != 0) {
      return std::nullopt;
    }
    at += key.size() + 2;
    const auto close = line.find('"', at);
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    row[i] = line.substr(at, close - at);
    at = close + 1;
    if (at < line.size() && line[at] == ' ') {
      ++at;
    }
  }
  return at == line.size() ? std::optional<Row>(row) : std::nullopt;
}

// Printed as findmnt prints its table: each column as wide as its header or its widest value,
// one space between, the last one not padded. Only printable ASCII, whose width is its length,
// and nothing findmnt would escape.
bool printable(std::string_view value) {
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return c > ' ' && c < 0x7f && c != '\\' && c != '"'; });
}

} // namespace

std::string mount_command(std::string_view target) {
  return "command -v findmnt >/dev/null 2>&1 || exit 5; findmnt -kn -o " + std::string(k_columns) +
         " -- " + util::shell_quote(target) + " || exit 3";
}

std::string mount_fact_command(const std::vector<std::string>& targets) {
  std::string paths;
  for (const auto& target : targets) {
    if (plain_path(target)) {
      paths += " " + target;
    }
  }
  return "command -v findmnt >/dev/null 2>&1 || exit 5; for t in" + paths +
         "; do if [ -d \"$t\" ]; then if cd -P -- \"$t\" 2>/dev/null; then c=$PWD; else c=; fi; "
         "echo \"path $t dir $c\"; elif [ -e \"$t\" ] || [ -L \"$t\" ]; then echo \"path $t "
         "other\"; "
         "else echo \"path $t none\"; fi; done; findmnt -knP -o " +
         std::string(k_columns);
}

namespace {

// The fact's output read once: its mount table and its "path" lines by path (the last line of
// a path), or not `whole` when a line of the table is not findmnt's.
struct MountFact {
  bool whole = true;
  std::vector<Row> rows;
  std::unordered_map<std::string_view, std::vector<std::string_view>> paths;
};

MountFact read_mount_fact(std::string_view fact_output) {
  MountFact fact;
  for (const auto line : util::Lines(fact_output)) {
    if (line.rfind("path ", 0) == 0) {
      auto words = util::split_words(line);
      if (words.size() >= 3) {
        const auto path = words[1];
        fact.paths[path] = std::move(words);
      }
      continue;
    }
    const auto row = read_pairs(line);
    if (!row) {
      fact.whole = false;
      return fact;
    }
    fact.rows.push_back(*row);
  }
  return fact;
}

} // namespace

std::optional<std::string> mount_derive(std::string_view target, const FactOutput& fact_output,
                                        int& exit_code) {
  const auto& fact = fact_output.table(read_mount_fact);
  if (!fact.whole) {
    return std::nullopt;
  }
  std::vector<Row> rows;
  for (const auto& row : fact.rows) {
    if (row[1] == target) {
      return std::nullopt; // findmnt may take the path for this mount's source
    }
    if (row[0] == target) {
      rows.push_back(row);
    }
  }
  const auto found = fact.paths.find(target);
  const auto* path = found == fact.paths.end() ? nullptr : &found->second;
  // findmnt resolves the path first: only a folder that is its own canonical path, or nothing
  // at all, compares as it is.
  if (!path || !plain_path(target)) {
    return std::nullopt;
  }
  const auto& words = *path;
  const bool canonical = words[2] == "dir" && words.size() == 4 && words[3] == target;
  if (!canonical && !(words[2] == "none" && rows.empty())) {
    return std::nullopt;
  }
  if (rows.empty()) {
    exit_code = 3;
    return std::string();
  }
  std::array<size_t, 4> width{};
  for (size_t i = 0; i < width.size(); ++i) {
    width[i] = k_names[i].size();
    for (const auto& row : rows) {
      if (!printable(row[i])) {
        return std::nullopt;
      }
      width[i] = std::max(width[i], row[i].size());
    }
  }
  std::string text;
  for (const auto& row : rows) {
    for (size_t i = 0; i + 1 < row.size(); ++i) {
      text += std::string(row[i]) + std::string(width[i] - row[i].size() + 1, ' ');
    }
    text += std::string(row.back()) + "\n";
  }
  exit_code = 0;
  return text;
}

} // namespace cisscan
