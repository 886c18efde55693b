#include "catalog/probe_types.hpp"

#include "run_local.hpp"
#include "temp_dir.hpp"
#include "util/text.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

using test::Ran;
using test::run_local;

const ProbeType& type(const std::string& name) {
  const auto* t = find_probe_type(name);
  REQUIRE(t != nullptr);
  return *t;
}

std::string derive(std::string_view name, std::string_view facts, int& code) {
  return type("package").derive(name, facts, code).value();
}

} // namespace

TEST_CASE("the probe type table") {
  std::vector<std::string> names;
  for (const auto& t : probe_types()) {
    names.emplace_back(t.name);
    CHECK(find_probe_type(t.name) == &t);
    CHECK((t.validate != nullptr));
    CHECK((t.command != nullptr));
  }
  CHECK(names == std::vector<std::string>{"command", "file", "stat", "sysctl", "package",
                                          "packages", "service", "services", "mount", "accounts",
                                          "fswalk"});
  CHECK(find_probe_type("registry") == nullptr);
  CHECK_FALSE(type("command").typed);
  CHECK(type("file").typed);
  CHECK(std::string(type("package").derived_from) == "f-packages");
  CHECK(std::string(type("packages").derived_from) == "f-packages");
  CHECK(type("packages").typed);
}

TEST_CASE("probe commands quote their argument") {
  const TempDir dir;
  const auto nasty = dir.path() / "it's a \"file\" $(touch pwned) `x`;";
  {
    std::ofstream out(nasty);
    out << "line one\nline two\n";
  }
  chmod(nasty.c_str(), 0640);
  const auto path = nasty.string();

  SUBCASE("file reads the content") {
    REQUIRE(type("file").validate(path).empty());
    const auto ran = run_local(type("file").command(path));
    CHECK(ran.exit_code == 0);
    CHECK(ran.output == "line one\nline two\n");
    CHECK_FALSE(std::filesystem::exists(std::filesystem::current_path() / "pwned"));
  }
  SUBCASE("file: absent gives exit 3") {
    const auto ran = run_local(type("file").command(path + " missing"));
    CHECK(ran.exit_code == k_exit_absent);
    CHECK(ran.output.empty());
  }
  SUBCASE("file: unreadable gives exit 4") {
    chmod(nasty.c_str(), 0600);
    std::string command = type("file").command(path);
    if (geteuid() == 0) {
      // Root reads every file: read as nobody instead.
      chmod(dir.path().c_str(), 0755);
      command =
          "setpriv --reuid=65534 --regid=65534 --clear-groups sh -c " + util::shell_quote(command);
    } else {
      chmod(nasty.c_str(), 0);
    }
    const auto ran = run_local(command);
    CHECK(ran.exit_code == k_exit_denied);
    CHECK(ran.output.empty());
  }
  SUBCASE("stat reports mode, owner and type") {
    const auto ran = run_local(type("stat").command(path));
    CHECK(ran.exit_code == 0);
    const auto user = run_local("id -un").output;
    CHECK(ran.output.rfind("mode=640 uid=" + std::to_string(geteuid()) + " gid=", 0) == 0);
    CHECK(ran.output.find(" owner=" + std::string(util::trim(user)) + " ") != std::string::npos);
    CHECK(ran.output.find(" type=regular file") != std::string::npos);
    CHECK(run_local(type("stat").command(path + "x")).exit_code == k_exit_absent);
  }
  SUBCASE("stat sees a dangling symlink") {
    const auto link = dir.path() / "dangling 'link'";
    std::filesystem::create_symlink(dir.path() / "nowhere", link);
    const auto ran = run_local(type("stat").command(link.string()));
    CHECK(ran.exit_code == 0);
    CHECK(ran.output.find("type=symbolic link") != std::string::npos);
  }
  SUBCASE("mount on a path that is not a mount point gives exit 3") {
    CHECK(run_local(type("mount").command(path)).exit_code == k_exit_absent);
  }
  SUBCASE("service names are quoted") {
    const auto command = type("service").command("it's.service");
    CHECK(command.find(util::shell_quote("it's.service")) != std::string::npos);
    const auto ran = run_local(command);
    // No systemctl (exit 5) or no such unit (exit 3): never success.
    CHECK((ran.exit_code == 5 || ran.exit_code == k_exit_absent));
  }
  SUBCASE("package names are quoted") {
    const auto command = type("package").command("no-such-package-xyz");
    CHECK(command.find("'no-such-package-xyz'") != std::string::npos);
    CHECK(run_local(command).exit_code == k_exit_absent);
  }
  SUBCASE("command is passed through unchanged") {
    CHECK(type("command").command("echo 'a b' | wc -c") == "echo 'a b' | wc -c");
    CHECK(run_local(type("command").command("echo 'a b' | wc -c")).output == "4\n");
  }
}

TEST_CASE("a probe that cannot see its target never reports it absent") {
  // "absent" lets `exists: false` pass; a probe that could not look must not say it.
  SUBCASE("package without dpkg-query (an Alpine container, a RHEL VM)") {
    const auto ran = run_local("PATH=/nonexistent-cisscan; " + type("package").command("telnet"));
    CHECK(ran.exit_code != 0);
    CHECK(ran.exit_code != k_exit_absent);
  }
  SUBCASE("package in a dpkg database that cannot be read") {
    // The real dpkg-query over a corrupt status file (DPKG_ADMINDIR points it there): it exits 2,
    // which is no answer; a package missing from a readable database (exit 1) is absent.
    const TempDir temp;
    const auto& dir = temp.path();
    std::filesystem::create_directories(dir / "broken");
    std::filesystem::create_directories(dir / "empty");
    std::ofstream(dir / "broken" / "status") << "not a dpkg status file\n";
    std::ofstream(dir / "empty" / "status") << "";
    const auto broken = run_local("DPKG_ADMINDIR='" + (dir / "broken").string() + "'; export " +
                                  "DPKG_ADMINDIR; " + type("package").command("telnet"));
    CHECK(broken.exit_code != 0);
    CHECK(broken.exit_code != k_exit_absent);
    const auto empty = run_local("DPKG_ADMINDIR='" + (dir / "empty").string() + "'; export " +
                                 "DPKG_ADMINDIR; " + type("package").command("telnet"));
    CHECK(empty.exit_code == k_exit_absent);
  }
  SUBCASE("mount without findmnt") {
    const auto ran = run_local("PATH=/nonexistent-cisscan; " + type("mount").command("/"));
    CHECK(ran.exit_code != 0);
    CHECK(ran.exit_code != k_exit_absent);
  }
  SUBCASE("file and stat below a folder the probe user cannot enter") {
    const TempDir dir;
    const auto locked = dir.path() / "locked";
    std::filesystem::create_directory(locked);
    const auto file = dir.write("locked/authorized_keys", "ssh-ed25519 AAAA\n");
    std::string prefix;
    if (geteuid() == 0) {
      // Root enters every folder: look as nobody instead.
      chmod(dir.path().c_str(), 0755);
      chmod(locked.c_str(), 0700);
      prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups sh -c ";
    } else {
      chmod(locked.c_str(), 0);
      prefix = "sh -c ";
    }
    for (const std::string name : {"file", "stat"}) {
      CAPTURE(name);
      const auto ran = run_local(prefix + util::shell_quote(type(name).command(file.string())));
      CHECK(ran.exit_code != 0);
      CHECK(ran.exit_code != k_exit_absent);
    }
    chmod(locked.c_str(), 0700);
  }
}

TEST_CASE("probe argument validation") {
  SUBCASE("paths must be absolute") {
    for (const std::string name : {"file", "stat", "mount"}) {
      CAPTURE(name);
      CHECK(type(name).validate("/etc/shadow").empty());
      CHECK(type(name).validate("/etc/with space/it's").empty());
      CHECK(type(name).validate("etc/shadow") == "an absolute path");
      CHECK(type(name).validate("./shadow") == "an absolute path");
      CHECK(type(name).validate("~/x") == "an absolute path");
      CHECK(type(name).validate("") == "an absolute path");
      CHECK(type(name).validate("/etc/a\nb") == "a path without newlines");
      CHECK(type(name).validate(std::string_view("/etc/a\0b", 8)) == "a path without newlines");
    }
  }
  SUBCASE("sysctl names") {
    const auto& t = type("sysctl");
    CHECK(t.validate("net.ipv4.ip_forward").empty());
    CHECK(t.validate("net.ipv4.conf.all.accept_redirects").empty());
    CHECK(t.validate("kernel.randomize_va_space").empty());
    CHECK(t.validate("fs.suid-dumpable").empty());
    for (const std::string bad : {"", "net ipv4", "../../etc/shadow", "net..ipv4", "kernel/ostype",
                                  "a;b", "$(id)", "x'y"}) {
      CAPTURE(bad);
      CHECK_FALSE(t.validate(bad).empty());
    }
  }
  SUBCASE("package names") {
    const auto& t = type("package");
    CHECK(t.validate("telnet").empty());
    CHECK(t.validate("libc6:amd64").empty());
    CHECK(t.validate("g++").empty());
    CHECK(t.validate("openssh-server").empty());
    for (const std::string bad : {"", "foo bar", "x;rm -rf /", "$(id)", "a'b", "a/b", "a*"}) {
      CAPTURE(bad);
      CHECK(t.validate(bad) == "a Debian package name");
    }
  }
  SUBCASE("lists of package names") {
    const auto& t = type("packages");
    CHECK(t.validate("telnet").empty());
    CHECK(t.validate("nis ypbind-mt  g++\nlibc6:amd64").empty());
    for (const std::string bad : {"", "  \n", "nis x;rm", "nis $(id)", "a'b nis", "nis a/b"}) {
      CAPTURE(bad);
      CHECK(t.validate(bad) == "Debian package names separated by spaces");
    }
  }
  SUBCASE("unit names") {
    const auto& t = type("service");
    CHECK(t.validate("ssh").empty());
    CHECK(t.validate("getty@tty1.service").empty());
    CHECK_FALSE(t.validate("a b").empty());
    CHECK_FALSE(t.validate("").empty());
  }
  SUBCASE("commands") {
    CHECK(type("command").validate("sshd -T").empty());
    CHECK_FALSE(type("command").validate("   ").empty());
  }
}

TEST_CASE("package state from the facts' dpkg-query lines") {
  SUBCASE("lines that are not dpkg-query's name no package") {
    int c = -1;
    CHECK(derive("query:", "dpkg-query: error: parsing file\n", c).empty());
    CHECK(c == k_exit_absent);
    CHECK(package_line("ii  telnet 0.17"));
    CHECK(package_line("iHR telnet 0.17"));
    CHECK_FALSE(package_line("dpkg-query: error"));
    CHECK_FALSE(package_line("xi  telnet 0.17"));
    CHECK_FALSE(package_present("rc  nis 1.0"));
  }
  const std::string facts = "ii  telnet 0.17 \n"
                            "rc  nis 1.0\n"
                            "ii  libc6:amd64 2.36\n"
                            "hi  held-pkg 1.0\n"
                            "ii  telnetd 0.17\n";
  int code = -1;
  SUBCASE("installed") {
    CHECK(derive("telnet", facts, code) == "ii  telnet 0.17 \n");
    CHECK(code == 0);
  }
  SUBCASE("removed, config files remain") {
    CHECK(derive("nis", facts, code) == "rc  nis 1.0\n");
    CHECK(code == k_exit_absent);
  }
  SUBCASE("architecture-qualified") {
    CHECK(derive("libc6", facts, code) == "ii  libc6:amd64 2.36\n");
    CHECK(code == 0);
  }
  SUBCASE("held") {
    derive("held-pkg", facts, code);
    CHECK(code == 0);
  }
  SUBCASE("installed with another wanted state") {
    // Status-Abbrev is want, status, error: the second letter says whether it is installed.
    // "ri" is installed with its removal requested; "iU"/"iF" are unpacked, files on disk.
    const std::string pending = "ri  telnet 0.17\n"
                                "pi  nis 1.0\n"
                                "iU  talk 1.0\n"
                                "iF  rsh-client 1.0\n";
    derive("telnet", pending, code);
    CHECK(code == 0);
    derive("nis", pending, code);
    CHECK(code == 0);
    derive("talk", pending, code);
    CHECK(code != k_exit_absent);
    derive("rsh-client", pending, code);
    CHECK(code != k_exit_absent);
  }
  SUBCASE("not listed") {
    CHECK(derive("talk", facts, code).empty());
    CHECK(code == k_exit_absent);
    code = -1;
    CHECK(derive("teln", facts, code).empty());
    CHECK(code == k_exit_absent);
  }
  SUBCASE("no facts at all") {
    CHECK(derive("telnet", "", code).empty());
    CHECK(code == k_exit_absent);
  }
}

namespace {

// The package and packages probes find a name's lines by searching for it: what they give must
// be what a read of every line gives (read_package_states, the facts' own reading), on lines that
// name packages whose names hold one another, at the first and the last line, with and without
// an architecture or a carriage return, and in text that is no package line.
void check_searched_like_read(const std::string& facts, const std::vector<std::string>& names) {
  const auto states = read_package_states(facts);
  std::string all;
  for (const auto& name : names) {
    CAPTURE(name);
    int code = -1;
    const auto line = type("package").derive(name, facts, code).value();
    // The first line that lists it, read line by line.
    std::string first;
    for (const auto l : util::split_lines(facts)) {
      auto rest = util::trim(l.size() > 3 ? l.substr(3) : "");
      rest = rest.substr(0, rest.find(' '));
      if (package_line(l) && rest.substr(0, rest.find(':')) == name) {
        first = std::string(l) + "\n";
        break;
      }
    }
    CHECK(line == first);
    CHECK(code == (!first.empty() && package_present(first) ? 0 : k_exit_absent));
    int codes = -1;
    CHECK(type("packages").derive(name, facts, codes).value() == package_state_lines(name, states));
    all += name + " ";
  }
  int code = -1;
  CHECK(type("packages").derive(all, facts, code).value() == package_state_lines(all, states));
}

} // namespace

TEST_CASE("package and packages from the facts: the lines a read of every line finds") {
  const std::string facts = "ii  apt 2.6.1\n"
                            "ii  apt-utils 2.6.1\n"
                            "rc  libapt 1.0 apt\n"
                            "dpkg-query: no apt here\n"
                            "ii  xapt 1.0\r\n"
                            "ii  libc6:amd64 2.36\n"
                            "rc  libc6:i386 2.36\n"
                            "ii  zz-apt 1.0 libc6\n"
                            "ii  last 1.0\r";
  check_searched_like_read(facts, {"apt", "apt-utils", "libapt", "xapt", "libc6", "zz-apt", "last",
                                   "utils", "a", "no-such", "dpkg-query"});
}

TEST_CASE("package and packages from this machine's dpkg-query: a read of every line agrees") {
  const auto facts =
      run_local("dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\\n'").output;
  std::vector<std::string> names;
  const auto states = read_package_states(facts); // names() are views into it
  for (const auto name : states.names()) {
    names.emplace_back(name);
  }
  REQUIRE(names.size() > 50);
  names.emplace_back("no-such-package-xyz");
  check_searched_like_read(facts, names);
}

TEST_CASE("the facts' package table: by name, a name's architectures in their listed order") {
  // Not in dpkg-query's order: a name that is another's prefix, a name listed apart.
  const PackageStates states("ii  libc6:i386 2.36\n"
                             "rc  zlib 1.0\n"
                             "ii  apt-utils 2.6\n"
                             "rc  libc6:amd64 2.36\n"
                             "ii  apt 2.6\n"
                             "not a package line\n"
                             "iU  libc6:arm64 2.36\n");
  CHECK(states.names() == std::vector<std::string_view>{"apt", "apt-utils", "libc6", "zlib"});
  CHECK(states.words_of("libc6") ==
        std::vector<std::string_view>{"installed", "config-files", "unpacked"});
  CHECK(states.words_of("ap").empty());
  CHECK(states.words_of("zz").empty());
  CHECK(states.present("apt"));
  CHECK(states.present("libc6"));
  CHECK_FALSE(states.present("zlib"));
  CHECK_FALSE(states.present("no-such"));
  CHECK(states.present_count() == 3);
  CHECK_FALSE(states.empty());
  CHECK(PackageStates("dpkg-query: error\n").empty());
  // Copied and moved, it reads the same (its names are its own).
  auto copy = states;
  const auto moved = std::move(copy);
  CHECK(moved.words_of("apt-utils") == std::vector<std::string_view>{"installed"});
}

TEST_CASE("several packages' states from the facts' dpkg-query lines") {
  const std::string facts = "ii  telnet 0.17\n"
                            "rc  nis 1.0\n"
                            "ii  libc6:amd64 2.36\n"
                            "ii  libc6:i386 2.36\n"
                            "hi  held-pkg 1.0\n"
                            "iU  talk 1.0\n"
                            "iHR broken 1.0\n"
                            "dpkg-query: warning: something\n";
  const auto states = read_package_states(facts);
  SUBCASE("dpkg's status word for each package, one per architecture") {
    CHECK(states.words_of("telnet") == std::vector<std::string_view>{"installed"});
    CHECK(states.words_of("nis") == std::vector<std::string_view>{"config-files"});
    CHECK(states.words_of("libc6") == std::vector<std::string_view>{"installed", "installed"});
    CHECK(states.words_of("held-pkg") == std::vector<std::string_view>{"installed"});
    CHECK(states.words_of("talk") == std::vector<std::string_view>{"unpacked"});
    CHECK(states.words_of("broken") == std::vector<std::string_view>{"half-installed"});
    CHECK(states.names().size() == 6);
    CHECK(states.present_count() == 5); // nis: config files only
  }
  SUBCASE("the lines, in the order named; a package dpkg does not list has none") {
    CHECK(package_state_lines("nis telnet  no-such\nlibc6", states) ==
          "package nis config-files\npackage telnet installed\n"
          "package libc6 installed\npackage libc6 installed\n");
    CHECK(package_state_lines("no-such", states).empty());
  }
  SUBCASE("the packages probe type answers with those lines, exit 0") {
    int code = -1;
    CHECK(type("packages").derive("held-pkg talk", facts, code) ==
          "package held-pkg installed\npackage talk unpacked\n");
    CHECK(code == 0);
    code = -1;
    CHECK(type("packages").derive("no-such", facts, code)->empty());
    CHECK(code == 0);
  }
  SUBCASE("printed for a command probe: a comment saying where from, then the lines") {
    const auto command = package_states_from_facts("nis\ntelnet no-such", states);
    CHECK(command == "# the dpkg states of nis telnet no-such, from the facts' package list "
                     "(probe f-packages)\n"
                     "printf '%s\\n' 'package nis config-files' 'package telnet installed'\n");
    CHECK(run_local(command + "echo done").output ==
          "package nis config-files\npackage telnet installed\ndone\n");
    const auto none = package_states_from_facts("no-such", states);
    CHECK(run_local(none + "echo done").output == "done\n");
  }
}

TEST_CASE("several packages' states read on the host") {
  // Where the facts could not list the packages: dpkg-query over the named status file.
  const TempDir temp;
  const auto& dir = temp.path();
  std::filesystem::create_directories(dir / "db");
  std::filesystem::create_directories(dir / "broken");
  std::ofstream(dir / "db" / "status")
      << "Package: telnet\nStatus: install ok installed\nVersion: 0.17\nArchitecture: all\n"
         "Description: x\n\n"
         "Package: nis\nStatus: deinstall ok config-files\nVersion: 1.0\nArchitecture: all\n"
         "Description: x\n\n"
         "Package: held-pkg\nStatus: hold ok installed\nVersion: 1.0\nArchitecture: all\n"
         "Description: x\n";
  std::ofstream(dir / "broken" / "status") << "not a dpkg status file\n";
  const auto in = [&](const std::string& db, const std::string& command) {
    return run_local("DPKG_ADMINDIR='" + (dir / db).string() + "'; export DPKG_ADMINDIR; " +
                     command);
  };
  const std::string names = "nis no-such telnet held-pkg";
  SUBCASE("the same lines as from the facts") {
    const auto ran = in("db", package_states_command(names));
    CHECK(ran.exit_code == 0);
    const auto listed = in("db", "dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\\n'");
    CHECK(ran.output == package_state_lines(names, read_package_states(listed.output)));
    CHECK(ran.output ==
          "package nis config-files\npackage telnet installed\npackage held-pkg installed\n");
    CHECK(type("packages").command(names) == package_states_command(names));
  }
  SUBCASE("none of them known") {
    const auto ran = in("db", package_states_command("no-such other-one"));
    CHECK(ran.exit_code == 0);
    CHECK(ran.output.empty());
  }
  SUBCASE("a database dpkg-query cannot read is exit 2, never an empty list") {
    // Its stderr, merged into the output as the probe script does, says why.
    const auto ran = in("broken", "{ " + package_states_command(names) + "; } 2>&1");
    CHECK(ran.exit_code == 2);
    CHECK(ran.output == "the installed packages could not be read\n");
  }
  SUBCASE("no dpkg-query") {
    const auto ran = run_local("PATH=/nonexistent-cisscan; " + package_states_command(names));
    CHECK(ran.exit_code == 127);
  }
}
