#include "catalog/stat_probe.hpp"

#include "util/text.hpp"

namespace cisscan {

namespace {

// The folder a path is in: "/etc" for "/etc/shadow" and for "/etc/cron.d/", "/" for "/etc".
std::string parent_of(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') {
    path.remove_suffix(1);
  }
  const auto slash = path.rfind('/');
  return slash == 0 || slash == std::string_view::npos ? "/" : std::string(path.substr(0, slash));
}

} // namespace

// A path that neither exists nor is a dangling link, in a folder the shell can search, is absent
// for the stat probe's own command too: its `stat` fails with "No such file", not with a denial.
std::string stat_fact_command(const std::vector<std::string>& paths) {
  std::string quoted;
  std::string pairs;
  for (const auto& path : paths) {
    quoted += " " + util::shell_quote(path);
    pairs += " " + util::shell_quote(path) + " " + util::shell_quote(parent_of(path));
  }
  return "stat -c " + util::shell_quote("%n\t" + std::string(k_stat_format)) + " --" + quoted +
         " 2>/dev/null; set --" + pairs +
         "; while [ $# -gt 1 ]; do if [ ! -e \"$1\" ] && [ ! -L \"$1\" ] && [ -d \"$2\" ] && "
         "[ -x \"$2\" ]; then printf '%s\\t\\n' \"$1\"; fi; shift 2; done; exit 0";
}

std::optional<std::string> stat_derive(std::string_view path, const FactOutput& fact,
                                       int& exit_code) {
  const auto fact_output = fact.text();
  const std::string head = std::string(path) + "\t";
  size_t at = 0;
  while (at < fact_output.size()) {
    auto end = fact_output.find('\n', at);
    end = end == std::string_view::npos ? fact_output.size() : end;
    const auto line = fact_output.substr(at, end - at);
    at = end + 1;
    if (line.rfind(head, 0) != 0) {
      continue;
    }
    const auto rest = line.substr(head.size());
    if (rest.empty()) {
      exit_code = 3;
      return std::string();
    }
    if (rest.rfind("mode=", 0) == 0) {
      exit_code = 0;
      return std::string(rest) + "\n";
    }
  }
  return std::nullopt;
}

} // namespace cisscan
