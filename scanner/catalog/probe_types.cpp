#include "catalog/probe_types.hpp"

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

std::string validate_unit(std::string_view name) {
  return all_chars(name, "@._-:\\") ? "" : "a systemd unit name";
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

std::string file_command(std::string_view path) {
  const auto p = shell_quote(path);
  return missing_check(p) + "[ -r " + p + " ] || exit 4; cat -- " + p;
}

std::string stat_command(std::string_view path) {
  const auto p = shell_quote(path);
  return missing_check(p) + "stat -c " +
         shell_quote("mode=%a uid=%u gid=%g owner=%U group=%G type=%F") + " -- " + p + " || exit 4";
}

// Shell builtins only: no process is started to read a kernel parameter.
std::string sysctl_command(std::string_view name) {
  std::string path = "/proc/sys/";
  for (const char c : name) {
    path += c == '.' ? '/' : c;
  }
  const auto p = shell_quote(path);
  return "[ -e " + p + " ] || exit 3; [ -r " + p + " ] || exit 4; while IFS= read -r l; do " +
         "printf '%s\\n' \"$l\"; done < " + p;
}

// dpkg's status abbreviation: the second letter is the package's state; only n (not installed)
// and c (configuration files only) leave no files on disk.
std::string package_command(std::string_view name) {
  return "command -v dpkg-query >/dev/null 2>&1 || exit 5; "
         "s=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}' -- " +
         shell_quote(name) +
         " 2>/dev/null) || exit 3; echo \"$s\"; case \"$s\" in ?n*|?c*) exit 3;; esac; exit 0";
}

// From the facts' package list ("ii  name version" lines): the package's line, exit 0 when it
// is installed, 3 when it is not.
std::string package_derive(std::string_view name, std::string_view fact_output, int& exit_code) {
  exit_code = k_exit_absent;
  for (const auto line : util::split_lines(fact_output)) {
    if (line.size() < 4) {
      continue;
    }
    auto rest = util::trim(line.substr(3));
    auto package = rest.substr(0, rest.find(' '));
    package = package.substr(0, package.find(':'));
    if (package == name) {
      const bool installed = package_present(line);
      exit_code = installed ? 0 : k_exit_absent;
      return std::string(line) + "\n";
    }
  }
  return {};
}

std::string service_command(std::string_view name) {
  const auto n = shell_quote(name);
  return "command -v systemctl >/dev/null 2>&1 || exit 5; e=$(systemctl is-enabled -- " + n +
         " 2>/dev/null); [ -n \"$e\" ] || exit 3; a=$(systemctl is-active -- " + n +
         " 2>/dev/null); echo \"enabled=$e\"; echo \"active=$a\"";
}

std::string mount_command(std::string_view target) {
  return "command -v findmnt >/dev/null 2>&1 || exit 5; findmnt -kn -o "
         "TARGET,SOURCE,FSTYPE,OPTIONS -- " +
         shell_quote(target) + " || exit 3";
}

const std::vector<ProbeType> k_probe_types = {
    {"command", "a shell command; its output and exit code", validate_command, command_command,
     false, false, nullptr, nullptr},
    {"file", "the content of a file (absent: exit 3, unreadable: exit 4)", validate_path,
     file_command, true, false, nullptr, nullptr},
    {"stat",
     "mode, owner and group of a path: mode=640 uid=0 gid=42 owner=root group=shadow "
     "type=regular file",
     validate_path, stat_command, true, true, nullptr, nullptr},
    {"sysctl", "a kernel parameter read from /proc/sys", validate_sysctl, sysctl_command, true,
     true, nullptr, nullptr},
    {"package",
     "a Debian package: its 'ii  name version' line from the facts' dpkg-query, exit 3 when "
     "not installed",
     validate_package, package_command, true, true, "f-packages", package_derive},
    {"service", "a systemd unit: enabled=... and active=... lines", validate_unit, service_command,
     true, false, nullptr, nullptr},
    {"mount", "a mount point: target, source, fstype, options", validate_path, mount_command, true,
     false, nullptr, nullptr},
};

} // namespace

const std::vector<ProbeType>& probe_types() {
  return k_probe_types;
}

bool package_present(std::string_view status_line) {
  return status_line.size() >= 2 && status_line[1] != 'n' && status_line[1] != 'c' &&
         status_line[1] != ' ';
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
