#include "catalog/probe_types.hpp"

#include "catalog/accounts_probe.hpp"
#include "catalog/check.hpp"
#include "catalog/fact_blocks.hpp"
#include "catalog/fswalk_probe.hpp"
#include "catalog/mount_probe.hpp"
#include "catalog/service_probe.hpp"
#include "catalog/stat_probe.hpp"
#include "catalog/sysctl_probe.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>

namespace cisscan {

namespace {

using util::shell_quote;

std::string validate_path(std::string_view path) {
  if (path.empty() || path.front() != '/') {
    return "an absolute path";
  }
  if (path.find('\n') != std::string_view::npos || path.find('\0') != std::string_view::npos) {
    return "a path without newlines";
  }
  return {};
}

bool all_chars(std::string_view text, std::string_view extra) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
  });
}

std::string validate_command(std::string_view command) {
  return util::trim(command).empty() ? "a non-empty shell command" : "";
}

std::string validate_sysctl(std::string_view name) {
  return all_chars(name, "._-") && name.find("..") == std::string_view::npos
             ? ""
             : "a sysctl name such as net.ipv4.ip_forward";
}

std::string validate_package(std::string_view name) {
  return all_chars(name, "+.-:") ? "" : "a Debian package name";
}

// Whitespace-separated package names, as a `packages` probe takes them.
std::vector<std::string_view> package_names(std::string_view names) {
  return util::split_words(names);
}

std::string validate_packages(std::string_view names) {
  const bool valid =
      util::every_word(names, [](auto name) { return validate_package(name).empty(); });
  return valid ? "" : "Debian package names separated by spaces";
}

std::string command_command(std::string_view command) {
  return std::string(command);
}

// Exit 3 only when the path is really absent: a folder on the way that the scanning user may not
// enter is "denied" (4), never "absent".
std::string missing_check(const std::string& quoted) {
  return "if [ ! -e " + quoted + " ] && [ ! -L " + quoted + " ]; then case $(stat -- " + quoted +
         " 2>&1) in *'ermission denied'*) exit 4;; esac; exit 3; fi; ";
}

// A regular file is read by `head -c` (as cheap as cat, and a huge file stops where a wrapped
// probe's output would), so the probe runs quick; anything else (a device, or a FIFO that would
// block) under the default probe timeout, where the host has `timeout`.
std::string file_command(std::string_view path) {
  const auto p = shell_quote(path);
  const auto head = "head -c " + std::to_string(k_probe_send_cap) + " -- " + p;
  return missing_check(p) + "[ -r " + p + " ] || exit 4; [ -f " + p + " ] && exec " + head +
         "; command -v timeout >/dev/null 2>&1 || exec " + head + "; exec timeout -k 2 " +
         std::to_string(ProbeSpec{}.timeout_seconds) + " " + head;
}

ProbeFields stat_fields(std::string_view output) {
  return read_stat_fields(output);
}

std::string stat_command(std::string_view path) {
  const auto p = shell_quote(path);
  return missing_check(p) + "stat -c " + shell_quote(k_stat_format) + " -- " + p + " || exit 4";
}

// dpkg's status abbreviation: the second letter is the package's state; only n (not installed)
// and c (configuration files only) leave no files on disk.
// dpkg-query exits 1 when the package is not in the database and 2 when the database cannot be
// read: only the first is "absent".
std::string package_command(std::string_view name) {
  return "command -v dpkg-query >/dev/null 2>&1 || exit 5; "
         "s=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}' -- " +
         shell_quote(name) +
         "); r=$?; [ $r -eq 1 ] && exit 3; [ $r -eq 0 ] || exit $r; echo \"$s\"; "
         "case \"$s\" in ?n*|?c*) exit 3;; esac; exit 0";
}

// The facts' package list read once for a host's package probes: each line dpkg-query listed
// (package_line) with its package, as util::Lines cuts them, by name and, within a name, in
// their order (dpkg-query lists by name already, so the sort is mostly a check).
struct PackageLines {
  std::vector<std::pair<std::string_view, std::string_view>> lines; // package, line

  // Calls `fn` with each line that lists package `name`, in order.
  template <class Fn> void each_line_of(std::string_view name, Fn fn) const {
    const auto by_name = [](const auto& a, const auto& b) { return a.first < b.first; };
    const auto [from, to] =
        std::equal_range(lines.begin(), lines.end(), std::pair(name, std::string_view()), by_name);
    for (auto it = from; it != to; ++it) {
      fn(it->second);
    }
  }
};

PackageLines read_package_lines(std::string_view dpkg_lines) {
  PackageLines table;
  for (const auto line : util::Lines(dpkg_lines)) {
    if (package_line(line)) {
      table.lines.emplace_back(package_of(line), line);
    }
  }
  const auto by_name = [](const auto& a, const auto& b) { return a.first < b.first; };
  if (!std::is_sorted(table.lines.begin(), table.lines.end(), by_name)) {
    std::stable_sort(table.lines.begin(), table.lines.end(), by_name);
  }
  return table;
}

// From the facts' package list ("ii  name version" lines): the package's line, exit 0 when it
// is installed, 3 when it is not.
std::optional<std::string> package_derive(std::string_view name, const FactOutput& fact_output,
                                          int& exit_code) {
  exit_code = k_exit_absent;
  std::optional<std::string> found;
  fact_output.table(read_package_lines).each_line_of(name, [&](std::string_view line) {
    if (!found) {
      exit_code = package_present(line) ? 0 : k_exit_absent;
      found = std::string(line) + "\n";
    }
  });
  return found ? found : std::string();
}

// A `packages` probe's line for one architecture of a package.
std::string package_state_line(std::string_view name, std::string_view word) {
  return "package " + std::string(name) + " " + std::string(word) + "\n";
}

// From the facts' package list: the named packages' lines; nothing listed is no line, exit 0.
std::optional<std::string> packages_derive(std::string_view names, const FactOutput& fact_output,
                                           int& exit_code) {
  exit_code = 0;
  const auto& table = fact_output.table(read_package_lines);
  std::string lines;
  for (const auto name : package_names(names)) {
    table.each_line_of(name, [&](std::string_view line) {
      lines += package_state_line(name, package_state_word(line[1]));
    });
  }
  return lines;
}

const std::vector<ProbeType> k_probe_types = {
    {"command", "a shell command; its output and exit code", validate_command, command_command,
     false, false, nullptr, nullptr, nullptr, 0},
    {"file", "the content of a file (absent: exit 3, unreadable: exit 4)", validate_path,
     file_command, true, true, nullptr, nullptr, nullptr, 0},
    {"stat",
     "mode, owner and group of a path: mode=640 uid=0 gid=42 owner=root group=shadow "
     "type=regular file",
     validate_path, stat_command, true, true, "f-stat", stat_derive, stat_fields, 0},
    {"sysctl",
     "a kernel parameter: running=VALUE (from /proc/sys) and configured=VALUE with "
     "configured_in=FILE (the last assignment across the sysctl.d files), or configured=(not "
     "set ...)",
     validate_sysctl, sysctl_command, true, true, "f-sysctl", fact_block, nullptr, 2},
    {"package",
     "a Debian package: its 'ii  name version' line from the facts' dpkg-query, exit 3 when "
     "not installed",
     validate_package, package_command, true, true, "f-packages", package_derive, nullptr, 0},
    {"packages",
     "several Debian packages: a 'package NAME STATE' line (dpkg's status word: installed, "
     "config-files, ...) for each one dpkg lists, from the facts' dpkg-query",
     validate_packages, package_states_command, true, true, "f-packages", packages_derive, nullptr,
     0},
    {"service",
     "a systemd unit: enabled=... and active=... lines (systemctl is-enabled and is-active), "
     "from the facts' systemctl is-active and list-unit-files where they answer it",
     validate_unit, service_command, true, false, "f-units", service_derive, nullptr, 2},
    {"services",
     "several systemd units: a 'service NAME enabled=STATE active=STATE' line each (is-enabled's "
     "and is-active's answers; enabled= empty: no unit file), from the facts' systemctl is-active "
     "and "
     "list-unit-files",
     validate_units, services_command, true, false, "f-units", services_derive, nullptr, 0},
    {"mount",
     "a mount point: target, source, fstype, options (findmnt's table), from the facts' one "
     "reading of the mount table where it can say exactly that",
     validate_path, mount_command, true, true, "f-mounts", mount_derive, nullptr, 0},
    {"accounts",
     "a question about the local accounts (/etc/passwd, /etc/group, /etc/shadow; never a "
     "password field): the names, or NAME:FIELD lines, that answer it, from the facts' one awk "
     "pass over those files",
     validate_account_query, accounts_command, true, true, "f-accounts", fact_block, nullptr, 0},
    {"fswalk",
     "one find -xdev pass over the local filesystems at and below a folder: 'total PART N' and "
     "up to 30 'PART TYPE MODE UID GID PATH' lines for world-writable, no-sticky, unowned, "
     "ungrouped, suid, sgid (needs root: exit 4)",
     validate_path, fswalk_command, true, false, nullptr, nullptr, nullptr, 0},
};

} // namespace

// The package a dpkg-query line (package_line) lists, without its architecture.
std::string_view package_of(std::string_view line) {
  auto name = util::trim(line.substr(3));
  name = name.substr(0, name.find(' '));
  return name.substr(0, name.find(':'));
}

// dpkg's status word for the state letter of ${db:Status-Abbrev} (package_line's second letter).
std::string_view package_state_word(char state) {
  switch (state) {
  case 'n':
    return "not-installed";
  case 'c':
    return "config-files";
  case 'H':
    return "half-installed";
  case 'U':
    return "unpacked";
  case 'F':
    return "half-configured";
  case 'W':
    return "triggers-awaited";
  case 't':
    return "triggers-pending";
  default: // 'i', the one other letter package_line accepts
    return "installed";
  }
}

const std::vector<ProbeType>& probe_types() {
  return k_probe_types;
}

bool package_line(std::string_view line) {
  // ${db:Status-Abbrev}: the wanted action, the state, the error flag, e.g. "ii ", "rc ", "iHR".
  return line.size() >= 4 && std::string_view("uihrp").find(line[0]) != std::string_view::npos &&
         std::string_view("ncHUFWti").find(line[1]) != std::string_view::npos &&
         (line[2] == ' ' || line[2] == 'R') && line[3] == ' ';
}

bool package_present(std::string_view status_line) {
  return package_line(status_line) && status_line[1] != 'n' && status_line[1] != 'c';
}

PackageStates read_package_states(std::string_view dpkg_lines) {
  return PackageStates(dpkg_lines);
}

bool package_word_present(std::string_view word) {
  return word != package_state_word('n') && word != package_state_word('c');
}

std::string package_state_lines(std::string_view names, const PackageStates& states) {
  std::string lines;
  for (const auto name : package_names(names)) {
    states.each_word_of(name,
                        [&](std::string_view word) { lines += package_state_line(name, word); });
  }
  return lines;
}

// dpkg-query -s exits 1 when some of the packages are unknown to it (the usual case) and 2 when
// it cannot read its database: then an empty list would read as "none installed", so exit 2
// with a line saying why (the check's reason).
std::string package_states_command(std::string_view names) {
  const auto quoted = util::shell_quote_words(names);
  return "command -v dpkg-query >/dev/null 2>&1 || exit 127; pkgs=$(dpkg-query -s --" + quoted +
         " 2>/dev/null); [ $? -le 1 ] || { echo 'the installed packages could not be read' >&2; "
         "exit 2; }; printf '%s\\n' \"$pkgs\" | awk '/^Package: "
         "/{p=$2} /^Status: /{print \"package\", p, $4}'";
}

std::string package_states_from_facts(std::string_view names, const PackageStates& states) {
  std::vector<std::string> list;
  for (const auto name : package_names(names)) {
    list.emplace_back(name);
  }
  return util::print_lines_command("the dpkg states of " + util::join(list, " ") +
                                       ", from the facts' package list (probe f-packages)",
                                   package_state_lines(names, states));
}

const ProbeType* find_probe_type(std::string_view name) {
  for (const auto& type : k_probe_types) {
    if (type.name == name) {
      return &type;
    }
  }
  return nullptr;
}

} // namespace cisscan
