// The typed probes against this machine's own interfaces (/proc/sys, stat, systemd, findmnt,
// dpkg), no fixture substituted: each probe's value must agree with the canonical tool's.
#include "catalog/check.hpp"
#include "catalog/fact_blocks.hpp"
#include "catalog/loader.hpp"
#include "catalog/mount_probe.hpp"
#include "catalog/probe_types.hpp"
#include "catalog/stat_probe.hpp"
#include "catalog/sysctl_probe.hpp"

#include "run_local.hpp"
#include "shipped_controls.hpp"
#include "temp_dir.hpp"
#include "util/text.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace cisscan;

namespace {

using test::Ran;

// Runs the probe type's command for `argument` with /bin/sh (dash on Debian) on this machine.
Ran run_probe(const std::string& type, const std::string& argument) {
  const auto* t = find_probe_type(type);
  REQUIRE(t != nullptr);
  return test::run_local(t->command(argument));
}

// The canonical tool's stdout, as it prints it.
std::string tool(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    out.append(buffer, n);
  }
  pclose(pipe);
  return out;
}

std::string value_of(const std::string& output, const std::string& key) {
  for (const auto line : util::split_lines(output)) {
    if (line.rfind(key + "=", 0) == 0) {
      return std::string(line.substr(key.size() + 1));
    }
  }
  return "(no " + key + " line)";
}

// The last assignment of each key in `systemd-sysctl --cat-config`: the files in the order
// systemd-sysctl applies them, the canonical answer to "what is configured for the next boot".
std::map<std::string, std::string>
systemd_sysctl_config(const std::string& command = "/lib/systemd/systemd-sysctl --cat-config") {
  std::map<std::string, std::string> values;
  std::istringstream in(tool(command + " 2>/dev/null"));
  std::string line;
  while (std::getline(in, line)) {
    const auto text = std::string(util::trim(line));
    const auto eq = text.find('=');
    if (text.empty() || text[0] == '#' || text[0] == ';' || eq == std::string::npos) {
      continue;
    }
    auto key = std::string(util::trim(std::string_view(text).substr(0, eq)));
    if (!key.empty() && key[0] == '-') {
      key.erase(0, 1);
    }
    values[key] = std::string(util::trim(std::string_view(text).substr(eq + 1)));
  }
  return values;
}

// The arguments of the shipped catalog's probes of `type`.
std::vector<std::string> shipped_arguments(const std::string& type) {
  const auto shipped = load_catalog({CISSCAN_SOURCE_DIR "/checks"}, test::shipped_controls(),
                                    [](const std::string&) { return true; });
  std::vector<std::string> arguments;
  for (const auto& check : shipped.catalog.checks) {
    if (check->probe && check->probe->type == type) {
      arguments.push_back(check->probe->argument);
    }
  }
  return arguments;
}

} // namespace

TEST_CASE("sysctl: the running value is what `sysctl -n` prints, integer sysctls included") {
  // Integer sysctls answer end-of-file to a read at a non-zero offset: a byte-by-byte read
  // loses them. A string, a multi-field (tab) value and keys CIS audits.
  for (const std::string key :
       {"net.ipv4.ip_forward", "net.ipv4.tcp_syncookies", "kernel.randomize_va_space",
        "net.ipv4.conf.all.send_redirects", "net.ipv4.conf.all.accept_redirects",
        "net.ipv4.ip_local_port_range", "kernel.ostype", "kernel.pid_max",
        "fs.protected_regular"}) {
    CAPTURE(key);
    const auto ran = run_probe("sysctl", key);
    REQUIRE(ran.exit_code == 0);
    auto expected = tool("sysctl -n " + key);
    REQUIRE(!expected.empty());
    expected.pop_back(); // its newline
    CHECK(value_of(ran.output, "running") == expected);
  }
  CHECK(run_probe("sysctl", "kernel.no_such_key_xyz").exit_code == k_exit_absent);
}

TEST_CASE("sysctl: the configured value is the last one systemd-sysctl would apply") {
  const auto configured = systemd_sysctl_config();
  // Keys this machine configures (systemd's own files) and CIS keys a stock install leaves alone.
  for (const std::string key : {"kernel.pid_max", "fs.protected_regular", "fs.protected_symlinks",
                                "net.ipv4.ip_forward", "net.ipv4.tcp_syncookies"}) {
    CAPTURE(key);
    const auto ran = run_probe("sysctl", key);
    REQUIRE(ran.exit_code == 0);
    const auto it = configured.find(key);
    if (it == configured.end()) {
      CHECK(value_of(ran.output, "configured") == "(not set in any sysctl configuration file)");
    } else {
      CHECK(value_of(ran.output, "configured") == it->second);
      CHECK(value_of(ran.output, "configured_in").rfind('/', 0) == 0);
    }
  }
}

TEST_CASE("sysctl: files across the folders, in the order systemd-sysctl reads them") {
  if (geteuid() != 0) {
    MESSAGE("not root: no private mount namespace to mount in");
    return;
  }
  // In a private mount namespace, files in every folder systemd-sysctl reads: a name in an
  // earlier folder hides the same name further down, and the files apply sorted by name across
  // the folders, whichever folder each is in.
  const std::string files =
      "mount -t tmpfs a /etc/sysctl.d && mount -t tmpfs b /usr/lib/sysctl.d && "
      "mount -t tmpfs c /run && mkdir /run/sysctl.d && mount -t tmpfs d /usr/local/lib && "
      "mkdir /usr/local/lib/sysctl.d && "
      "echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/20-b.conf && "
      "echo 'net.ipv4.ip_forward = 0' > /usr/lib/sysctl.d/20-b.conf && "
      "printf 'kernel.pid_max = 11111\\nnet.ipv4.tcp_syncookies = 0\\n' > "
      "/usr/lib/sysctl.d/10-a.conf && "
      "echo 'kernel.pid_max = 22222' > /run/sysctl.d/30-c.conf && "
      "printf 'net.ipv4.tcp_syncookies = 1\\nfs.protected_regular = 2\\n' > "
      "/usr/local/lib/sysctl.d/15-x.conf && "
      "echo 'fs.protected_regular=1' > /usr/lib/sysctl.d/40-z.conf && ";
  const auto wrap = [&](const std::string& command) {
    return "unshare -m sh -c " + util::shell_quote(files + command);
  };
  const auto configured = systemd_sysctl_config(wrap("/lib/systemd/systemd-sysctl --cat-config"));
  const std::map<std::string, std::string> expected = {{"net.ipv4.ip_forward", "1"},
                                                       {"kernel.pid_max", "22222"},
                                                       {"net.ipv4.tcp_syncookies", "1"},
                                                       {"fs.protected_regular", "1"}};
  std::vector<std::string> keys;
  for (const auto& entry : expected) {
    const auto& key = entry.first;
    const auto& value = entry.second;
    CAPTURE(key);
    keys.push_back(key);
    CHECK(configured.at(key) == value); // the canonical tool, in the same namespace
    const auto ran = test::run_local(wrap(sysctl_command(key)));
    REQUIRE(ran.exit_code == 0);
    CHECK(value_of(ran.output, "configured") == value);
  }
  CHECK(value_of(test::run_local(wrap(sysctl_command("net.ipv4.ip_forward"))).output,
                 "configured_in") == "/etc/sysctl.d/20-b.conf");
  const auto fact = test::run_local(wrap(sysctl_fact_command(keys)));
  REQUIRE(fact.exit_code == 0);
  for (const auto& key : keys) {
    CAPTURE(key);
    int exit_code = -1;
    const auto derived = fact_block(key, fact.output, exit_code);
    REQUIRE(derived);
    CHECK(*derived == test::run_local(wrap(sysctl_command(key))).output);
  }
}

TEST_CASE("sysctl: answered from the facts' one reading, exactly what its own command prints") {
  // Every key of the shipped catalog, and keys of the other shapes: a string, tab-separated
  // fields, one root cannot read (write-only), one this kernel does not have.
  std::vector<std::string> keys = {"kernel.ostype", "net.ipv4.tcp_rmem", "kernel.printk",
                                   "vm.drop_caches", "kernel.no_such_key_xyz"};
  const auto shipped = shipped_arguments("sysctl");
  keys.insert(keys.end(), shipped.begin(), shipped.end());
  REQUIRE(shipped.size() > 15);
  const auto fact = test::run_local(sysctl_fact_command(keys));
  REQUIRE(fact.exit_code == 0);
  const FactOutput read_once(fact.output); // as a scan reads it: once for all its probes
  for (const auto& key : keys) {
    CAPTURE(key);
    const auto ran = run_probe("sysctl", key);
    int exit_code = -1;
    const auto derived = fact_block(key, read_once, exit_code);
    REQUIRE(derived);
    CHECK(*derived == ran.output);
    CHECK(exit_code == ran.exit_code);
  }
  int exit_code = -1;
  CHECK(fact_block("vm.drop_caches", fact.output, exit_code) == std::string());
  CHECK(exit_code == k_exit_denied);
  CHECK(fact_block("kernel.no_such_key_xyz", fact.output, exit_code) == std::string());
  CHECK(exit_code == k_exit_absent);
  CHECK_FALSE(fact_block("kernel.not_asked", fact.output, exit_code));
}

TEST_CASE("stat: answered from the facts' one reading, exactly what its own command prints") {
  // Every path of the shipped catalog, and paths of the other shapes: a folder, a device, a
  // dangling link, a name with a space, a file absent from a folder that exists, one whose
  // folder is absent too (the fact cannot tell: the probe runs itself), a trailing slash.
  const test::TempDir dir;
  const auto spaced = dir.write("a file", "x").string();
  const auto dangling = (dir.path() / "dangling").string();
  REQUIRE(symlink("/nonexistent-target", dangling.c_str()) == 0);
  std::vector<std::string> paths = {"/etc", "/dev/null", "/etc/no-such-file", "/no-such-folder/x",
                                    spaced, dangling,    "/etc/ssh/",         "/etc/shadow"};
  const auto shipped = shipped_arguments("stat");
  paths.insert(paths.end(), shipped.begin(), shipped.end());
  REQUIRE(shipped.size() > 15);
  const auto fact = test::run_local(stat_fact_command(paths));
  REQUIRE(fact.exit_code == 0);
  const FactOutput read_once(fact.output);
  for (const auto& path : paths) {
    CAPTURE(path);
    int exit_code = -1;
    const auto derived = stat_derive(path, read_once, exit_code);
    if (!derived) {
      // Only where neither the path nor its folder exists (here: /no-such-folder, and /boot/grub
      // on a machine without GRUB).
      CHECK_FALSE(std::filesystem::exists(std::filesystem::path(path).parent_path()));
      continue;
    }
    const auto ran = run_probe("stat", path);
    CHECK(*derived == ran.output);
    CHECK(exit_code == ran.exit_code);
  }
  int exit_code = -1;
  CHECK_FALSE(stat_derive("/no-such-folder/x", fact.output, exit_code));
  CHECK(stat_derive("/etc/no-such-file", fact.output, exit_code) == std::string());
  CHECK(exit_code == k_exit_absent);
  CHECK(stat_derive(dangling, fact.output, exit_code).value_or("").find("type=symbolic link") !=
        std::string::npos);
}

TEST_CASE("stat: mode, owner and group are what stat(1) prints") {
  for (const std::string path :
       {"/etc/passwd", "/etc/shadow", "/tmp", "/proc/sys/net/ipv4/ip_forward", "/usr/bin/su"}) {
    CAPTURE(path);
    const auto ran = run_probe("stat", path);
    REQUIRE(ran.exit_code == 0);
    CHECK(ran.output == tool("stat -c 'mode=%a uid=%u gid=%g owner=%U group=%G type=%F' " + path));
  }
}

TEST_CASE("file: the content is the file's, /proc files included") {
  for (const std::string path : {"/etc/os-release", "/proc/sys/net/ipv4/tcp_syncookies",
                                 "/proc/sys/kernel/randomize_va_space", "/etc/login.defs"}) {
    CAPTURE(path);
    const auto ran = run_probe("file", path);
    REQUIRE(ran.exit_code == 0);
    std::ifstream in(path);
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    CHECK(ran.output == content);
    CHECK(!ran.output.empty());
  }
}

TEST_CASE("file: not a regular file, or one past what a probe may send") {
  // The quick path is for regular files; a device goes through `timeout`, as a FIFO would.
  const auto null = run_probe("file", "/dev/null");
  CHECK(null.exit_code == 0);
  CHECK(null.output.empty());
  const test::TempDir dir;
  const auto big = dir.write("big", std::string(k_probe_send_cap + 10, 'x'));
  const auto ran = run_probe("file", big.string());
  CHECK(ran.exit_code == 0);
  CHECK(ran.output == std::string(k_probe_send_cap, 'x'));
}

TEST_CASE("service: enabled and active are what systemctl says") {
  for (const std::string unit : {"ssh.service", "cron.service", "getty@.service"}) {
    CAPTURE(unit);
    const auto enabled = tool("systemctl is-enabled " + unit + " 2>/dev/null");
    const auto ran = run_probe("service", unit);
    if (enabled.empty()) {
      CHECK(ran.exit_code == k_exit_absent);
      continue;
    }
    REQUIRE(ran.exit_code == 0);
    CHECK(value_of(ran.output, "enabled") + "\n" == enabled);
    auto active = tool("systemctl is-active " + unit + " 2>/dev/null");
    if (!active.empty()) {
      active.pop_back();
    }
    CHECK(value_of(ran.output, "active") == active);
  }
  CHECK(run_probe("service", "no-such-unit-xyz.service").exit_code == k_exit_absent);
}

TEST_CASE("mount: the line findmnt prints for the mount point") {
  for (const std::string target : {"/", "/proc", "/dev"}) {
    CAPTURE(target);
    const auto expected = tool("findmnt -kn -o TARGET,SOURCE,FSTYPE,OPTIONS " + target);
    if (expected.empty()) {
      continue; // not a mount point here
    }
    const auto ran = run_probe("mount", target);
    REQUIRE(ran.exit_code == 0);
    CHECK(ran.output == expected);
  }
  CHECK(run_probe("mount", "/etc/passwd").exit_code == k_exit_absent);
}

namespace {

// Each target's answer from the fact, wherever it gives one, against the probe's own command
// (findmnt's own lookup and table); returns how many the fact answered. `wrap` runs a command
// where the test wants it (a private mount namespace).
size_t derived_mounts_agree(const std::vector<std::string>& targets,
                            const std::function<std::string(const std::string&)>& wrap) {
  const auto fact = test::run_local(wrap(mount_fact_command(targets)));
  REQUIRE(fact.exit_code == 0);
  const FactOutput read_once(fact.output);
  size_t answered = 0;
  for (const auto& target : targets) {
    CAPTURE(target);
    int exit_code = -1;
    const auto derived = mount_derive(target, read_once, exit_code);
    if (!derived) {
      continue;
    }
    ++answered;
    const auto ran = test::run_local(wrap(mount_command(target)));
    CHECK(*derived == ran.output);
    CHECK(exit_code == ran.exit_code);
  }
  return answered;
}

} // namespace

TEST_CASE("mount: answered from the facts' one reading, exactly what its own command prints") {
  // Every mount point of this machine, the shipped catalog's, and paths of the other shapes: a
  // folder that is no mount point, nothing at all, a trailing slash and a symlink to a mount
  // point (findmnt resolves both: the fact must not answer them), a path that is a source.
  const test::TempDir dir;
  const auto link = (dir.path() / "proc-link").string();
  REQUIRE(symlink("/proc", link.c_str()) == 0);
  std::vector<std::string> targets = {"/usr", "/etc", "/no-such-folder", "/proc/", link, "proc"};
  const auto table = tool("findmnt -knr -o TARGET");
  for (const auto line : util::split_lines(table)) {
    targets.emplace_back(line);
  }
  const auto shipped = shipped_arguments("mount");
  REQUIRE(shipped.size() > 5);
  targets.insert(targets.end(), shipped.begin(), shipped.end());
  const auto same = [](const std::string& command) { return command; };
  CHECK(derived_mounts_agree(targets, same) > 10);
  const auto fact = test::run_local(mount_fact_command(targets));
  int exit_code = -1;
  CHECK_FALSE(mount_derive("/proc/", fact.output, exit_code));
  CHECK_FALSE(mount_derive(link, fact.output, exit_code));
  CHECK(mount_derive("/no-such-folder", fact.output, exit_code) == std::string());
  CHECK(exit_code == k_exit_absent);
  CHECK(mount_derive("/proc", fact.output, exit_code).value_or("").rfind("/proc ", 0) == 0);
}

TEST_CASE("mount: stacked and bound mounts, answered as findmnt answers them") {
  if (geteuid() != 0) {
    MESSAGE("not root: no private mount namespace to mount in");
    return;
  }
  // Two filesystems stacked on one folder (findmnt lists both), a folder bound onto another
  // (its source DEVICE[/path]), a long option list: in a private mount namespace.
  const test::TempDir dir;
  const auto stacked = (dir.path() / "stacked").string();
  const auto bound = (dir.path() / "bound").string();
  const auto plain = (dir.path() / "plain").string();
  for (const auto& folder : {stacked, bound, plain}) {
    std::filesystem::create_directories(folder);
  }
  const auto mounts = "mount -t tmpfs -o size=1m a " + stacked + " && mount -t tmpfs -o " +
                      "size=2m,noexec,nosuid,nodev,mode=1777 bb " + stacked + " && mount --bind " +
                      plain + " " + bound + " && ";
  const auto wrap = [&](const std::string& command) {
    return "unshare -m sh -c " + util::shell_quote(mounts + command);
  };
  CHECK(derived_mounts_agree({stacked, bound, plain, "/proc"}, wrap) == 4);
  const auto fact = test::run_local(wrap(mount_fact_command({stacked})));
  int exit_code = -1;
  const auto two = mount_derive(stacked, fact.output, exit_code).value_or("");
  CHECK(util::split_lines(two).size() == 2);
}

TEST_CASE("package: installed exactly when dpkg-query says ii") {
  const auto facts = tool("dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\\n'");
  REQUIRE(!facts.empty());
  const auto* type = find_probe_type("package");
  const FactOutput read_once(facts);
  for (const std::string name : {"dpkg", "coreutils", "openssh-server", "telnet",
                                 "inetutils-telnet", "no-such-package-xyz"}) {
    CAPTURE(name);
    int code = -1;
    type->derive(name, read_once, code);
    const auto status = tool("dpkg-query -W -f='${db:Status-Abbrev}' " + name + " 2>/dev/null");
    CHECK((code == 0) == (status.rfind("ii", 0) == 0));
    // The probe's own command (run where no facts answer it) agrees too.
    const auto ran = run_probe("package", name);
    CHECK(ran.exit_code == code);
  }
}

TEST_CASE("packages: the lines from the facts are those dpkg-query -s gives") {
  const auto facts = tool("dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\\n'");
  REQUIRE(!facts.empty());
  const std::string names =
      "dpkg coreutils telnet inetutils-telnet no-such-package-xyz libc6 openssh-server nftables "
      "iptables ufw";
  int code = -1;
  const auto derived = find_probe_type("packages")->derive(names, facts, code).value();
  CHECK(code == 0);
  CHECK(derived.find("package dpkg installed\n") != std::string::npos);
  const auto ran = run_probe("packages", names);
  REQUIRE(ran.exit_code == 0);
  CHECK(ran.output == derived);
}
