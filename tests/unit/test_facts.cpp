#include "plan/facts.hpp"

#include "execute/script.hpp"
#include "run_local.hpp"
#include "temp_dir.hpp"
#include "util/text.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

using namespace cisscan;

namespace {

ProbeOutput out(const std::string& id, const std::string& text, int exit_code = 0) {
  ProbeOutput o;
  o.id = id;
  o.output = text;
  o.exit_code = exit_code;
  o.complete = true;
  return o;
}

const std::string k_os_release = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                                 "NAME=\"Debian GNU/Linux\"\n"
                                 "VERSION_ID=\"12\"\n"
                                 "VERSION=\"12 (bookworm)\"\n"
                                 "VERSION_CODENAME=bookworm\n"
                                 "ID=debian\n"
                                 "HOME_URL=\"https://www.debian.org/\"\n";

Facts with_virt(const std::string& virt) {
  return parse_facts({out("f-virt", virt), out("f-pve", "pve=no\n")});
}

} // namespace

TEST_CASE("fact probes") {
  std::vector<std::string> ids;
  for (const auto& probe : fact_probes()) {
    ids.push_back(probe.id);
    CHECK(probe.type == "command");
    CHECK(probe.quick);
    CHECK_FALSE(probe.command.empty());
  }
  CHECK(ids == std::vector<std::string>{"f-os-release", "f-kernel", "f-virt", "f-machine-id",
                                        "f-pve", "f-user", "f-packages", "f-services"});
}

TEST_CASE("the facts' lanes: f-units, the heaviest, has one to itself") {
  Catalog catalog;
  auto check = std::make_shared<Check>();
  check->probe = ProbeSpec{"p-svc", "service", "ssh.service", "true"};
  catalog.checks.push_back(check);
  const auto probes = fact_probes(catalog);
  // f-units (14) outweighs the other eight (9 together): it runs alone in the first lane, the
  // others side by side with it in the second, in their order.
  std::vector<std::string> expected = {"f-units"};
  for (const auto& probe : fact_probes()) {
    expected.push_back(probe.id);
  }
  CHECK(frame_order(probes, 2) == expected);
  // Without the costs, quick probes all weigh 1: f-units would share a lane with four others.
  auto uncosted = probes;
  for (auto& probe : uncosted) {
    probe.cost = 0;
  }
  CHECK(frame_order(uncosted, 2) != expected);
}

TEST_CASE("os-release and the machine id: the files' bytes, read by the shell") {
  const auto fact = [](const std::string& id) {
    for (const auto& probe : fact_probes()) {
      if (probe.id == id) {
        return probe.command;
      }
    }
    FAIL("no fact " << id);
    return std::string();
  };
  const auto file = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  // This machine's own files, against what cat prints.
  for (const auto& file_of : std::vector<std::pair<std::string, std::string>>{
           {"f-os-release", "/etc/os-release"}, {"f-machine-id", "/etc/machine-id"}}) {
    const auto& id = file_of.first;
    const auto& path = file_of.second;
    CAPTURE(id);
    const auto ran = test::run_local(fact(id));
    CHECK(ran.exit_code == 0);
    CHECK(ran.output == file(path));
    CHECK(ran.output == test::run_local("cat " + path).output);
  }
  if (geteuid() != 0) {
    MESSAGE("not root: no private mount namespace for the missing and odd files");
    return;
  }
  // In a private mount namespace with an empty /etc: os-release only under /usr/lib (a file
  // bound over it), its last line without a newline (printed with one); no machine id at all;
  // then an empty one.
  const test::TempDir dir;
  const auto usr_lib = (dir.path() / "os-release").string();
  std::ofstream(usr_lib) << "ID=debian\nVERSION_ID=\"13\"";
  const auto in_namespace = [](const std::string& setup, const std::string& command) {
    return test::run_local("unshare -m sh -c " +
                           util::shell_quote("mount -t tmpfs a /etc && " + setup +
                                             " && exec sh -c " + util::shell_quote(command) +
                                             " 2>&1"));
  };
  const auto os = in_namespace(
      "mount --bind " + util::shell_quote(usr_lib) + " /usr/lib/os-release", fact("f-os-release"));
  CHECK(os.exit_code == 0);
  CHECK(os.output == "ID=debian\nVERSION_ID=\"13\"\n");
  CHECK(parse_facts({out("f-os-release", os.output)}).values.at("os_version_id") == "13");
  const auto missing = in_namespace("true", fact("f-machine-id"));
  CHECK(missing.exit_code == 1);
  CHECK(missing.output == "cannot read /etc/machine-id\n");
  CHECK(parse_facts({out("f-machine-id", missing.output, missing.exit_code)}).machine_id.empty());
  const auto empty = in_namespace(": > /etc/machine-id", fact("f-machine-id"));
  CHECK(empty.exit_code == 0);
  CHECK(empty.output == "\n");
}

TEST_CASE("parse_facts reads os-release") {
  const auto facts = parse_facts({out("f-os-release", k_os_release)});
  CHECK(facts.values.at("os_id") == "debian");
  CHECK(facts.values.at("os_version_id") == "12");
  CHECK(facts.values.at("os_codename") == "bookworm");
  CHECK(facts.values.at("os_pretty_name") == "Debian GNU/Linux 12 (bookworm)");
  CHECK(facts.values.count("os_id_like") == 0);

  SUBCASE("ID_LIKE and single quotes") {
    const auto ubuntu =
        parse_facts({out("f-os-release", "ID=ubuntu\nID_LIKE=debian\nVERSION_ID='24.04'\n")});
    CHECK(ubuntu.values.at("os_id") == "ubuntu");
    CHECK(ubuntu.values.at("os_id_like") == "debian");
    CHECK(ubuntu.values.at("os_version_id") == "24.04");
  }
}

TEST_CASE("parse_facts derives roles from virtualisation and PVE") {
  SUBCASE("lxc") {
    const auto facts = with_virt("detected=lxc\n");
    CHECK(facts.roles == std::vector<std::string>{"lxc"});
    CHECK(facts.values.at("virtualization") == "lxc");
  }
  SUBCASE("lxc from /run/systemd/container") {
    CHECK(with_virt("container=lxc\n").roles == std::vector<std::string>{"lxc"});
  }
  SUBCASE("another container") {
    const auto facts = with_virt("detected=docker\n");
    CHECK(facts.roles == std::vector<std::string>{"container"});
    CHECK(facts.values.at("virtualization") == "docker");
  }
  SUBCASE("a container systemd cannot name is a container, not a VM") {
    const auto facts = with_virt("detected=container-other\n");
    CHECK(facts.roles == std::vector<std::string>{"container"});
    CHECK(facts.values.at("virtualization") == "container-other");
  }
  SUBCASE("kvm") {
    const auto facts = with_virt("detected=kvm\n");
    CHECK(facts.roles == std::vector<std::string>{"vm"});
    CHECK(facts.values.at("virtualization") == "kvm");
  }
  SUBCASE("hypervisor flag only") {
    CHECK(with_virt("vm=unknown\n").roles == std::vector<std::string>{"vm"});
  }
  SUBCASE("bare metal") {
    const auto facts = with_virt("detected=none\n");
    CHECK(facts.roles == std::vector<std::string>{"bare-metal"});
    CHECK(facts.values.at("virtualization") == "none");
    CHECK(with_virt("").roles == std::vector<std::string>{"bare-metal"});
  }
  SUBCASE("a PVE node") {
    const auto facts = parse_facts(
        {out("f-virt", "detected=none\n"),
         out("f-pve",
             "pve=yes\npve-manager/8.2.4/faa83925c9641325 (running kernel: 6.8.8-2-pve)\n")});
    CHECK(facts.roles == std::vector<std::string>{"pve-node", "bare-metal"});
    CHECK(facts.values.at("pve_node") == "true");
    CHECK(facts.values.at("pve_version") ==
          "pve-manager/8.2.4/faa83925c9641325 (running kernel: 6.8.8-2-pve)");
  }
  SUBCASE("not a PVE node") {
    const auto facts = with_virt("detected=kvm\n");
    CHECK(facts.values.at("pve_node") == "false");
    CHECK(facts.values.count("pve_version") == 0);
    const auto missing = parse_facts({});
    CHECK(missing.values.at("pve_node") == "false");
  }
}

TEST_CASE("parse_facts reads kernel, machine id, user, packages and services") {
  const auto facts = parse_facts({
      out("f-kernel", "Linux 6.1.0-18-amd64 x86_64\n"),
      out("f-machine-id", "0123456789abcdef0123456789abcdef\n"),
      out("f-user", "uid=1001(audit) gid=1001(audit) groups=1001(audit),27(sudo)\n"),
      out("f-packages", "ii  openssh-server 1:9.2p1-2+deb12u2\n"
                        "rc  nis 3.17.1-3\n"
                        "ii  libc6:amd64 2.36-9\n"
                        "hi  held 1.0\n"
                        "un  never 1.0\n"),
      out("f-services", "ssh.service\ncron.service\ngetty@tty1.service\nfoo.timer\n.service\n"),
  });
  CHECK(facts.values.at("kernel") == "Linux 6.1.0-18-amd64 x86_64");
  CHECK(facts.machine_id == "0123456789abcdef0123456789abcdef");
  CHECK(facts.values.at("user") == "audit");
  CHECK(facts.values.at("uid") == "1001");
  CHECK(facts.packages_known());
  CHECK(facts.packages_installed() == 3);
  for (const auto* name : {"openssh-server", "libc6", "held"}) {
    CHECK(facts.installed(name));
  }
  for (const auto* name : {"nis", "never", "libc6:amd64", "absent"}) {
    CHECK_FALSE(facts.installed(name));
  }
  // Every listed package with dpkg's status word, for the lines of `packages:`.
  CHECK(facts.package_states.names().size() == 5);
  CHECK(facts.package_states.words_of("nis") == std::vector<std::string_view>{"config-files"});
  CHECK(facts.package_states.words_of("held") == std::vector<std::string_view>{"installed"});
  CHECK(facts.package_states.words_of("never") == std::vector<std::string_view>{"not-installed"});
  CHECK(facts.services == std::set<std::string>{"ssh", "cron", "getty@tty1"});

  SUBCASE("a package installed with its removal only requested is installed") {
    const auto pending = parse_facts({out("f-packages", "ri  telnet 0.17\nrc  nis 1.0\n")});
    CHECK(pending.installed("telnet"));
    CHECK_FALSE(pending.installed("nis"));
  }
  SUBCASE("a dpkg-query that failed lists no package") {
    // A corrupt status file: dpkg-query prints its error (merged into the output) and exits 2.
    const auto broken =
        parse_facts({out("f-packages",
                         "dpkg-query: error: parsing file '/var/lib/dpkg/status' near line 0:\n"
                         " field name 'not' must be followed by colon\n",
                         2)});
    CHECK_FALSE(broken.packages_known());
    CHECK(broken.package_states.empty());
    // A list cut at the facts' cap is not the whole list either.
    auto cut = out("f-packages", "ii  openssh-server 1:9.2p1\n");
    cut.truncated = true;
    const auto truncated = parse_facts({cut});
    CHECK_FALSE(truncated.packages_known());
    CHECK(truncated.package_states.empty());
    // Lines that are not dpkg-query's are skipped even when it succeeded.
    const auto noisy = parse_facts(
        {out("f-packages", "dpkg-query: warning: files list file for package 'x' missing\n"
                           "ii  openssh-server 1:9.2p1\nxx  odd 1.0\n")});
    CHECK(noisy.packages_installed() == 1);
    CHECK(noisy.installed("openssh-server"));
    CHECK(noisy.package_states.names().size() == 1);
  }
  SUBCASE("root") {
    const auto root = parse_facts({out("f-user", "uid=0(root) gid=0(root) groups=0(root)\n")});
    CHECK(root.values.at("uid") == "0");
    CHECK(root.values.at("effective_uid") == "0");
    CHECK(root.values.at("user") == "root");
  }
  SUBCASE("the effective uid is id -u's: none where id names another euid") {
    const auto setuid =
        parse_facts({out("f-user", "uid=1000(u) gid=1000(u) euid=0(root) groups=1000(u)\n")});
    CHECK(setuid.values.at("uid") == "1000");
    CHECK(setuid.values.count("effective_uid") == 0);
    const auto odd = parse_facts({out("f-user", "uid=(x) gid=0\n")});
    CHECK(odd.values.count("effective_uid") == 0);
  }
  SUBCASE("a uid without a name is not given its group's name") {
    // `id` for a uid missing from /etc/passwd, e.g. a mapped uid inside a container.
    const auto nameless =
        parse_facts({out("f-user", "uid=100999 gid=100(users) groups=100(users)\n")});
    CHECK(nameless.values.at("uid") == "100999");
    CHECK(nameless.values.count("user") == 0);
  }
  SUBCASE("failed probes leave facts unset") {
    const auto failed = parse_facts({out("f-kernel", "uname: not found\n", 127),
                                     out("f-machine-id", "cat: /etc/machine-id: nope\n", 1)});
    CHECK(failed.values.count("kernel") == 0);
    CHECK(failed.machine_id.empty());
  }
}

TEST_CASE("the units the catalog's service probes name are read with the facts") {
  Catalog catalog;
  const auto add = [&](const std::string& type, const std::string& argument) {
    auto check = std::make_shared<Check>();
    check->probe = ProbeSpec{"p-" + argument, type, argument, "true"};
    catalog.checks.push_back(check);
  };
  add("command", "systemctl is-active cron");
  CHECK(fact_probes(catalog).size() == fact_probes().size()); // no unit named: no f-units
  add("service", "rsyslog.service");
  add("services", "systemd-timesyncd.service chrony");
  add("service", "getty@.service"); // a template: show would refuse the whole call
  add("service", "rsyslog.service");
  // A command probe's `services:` names units too.
  auto with_services = std::make_shared<Check>();
  with_services->probe = ProbeSpec{"p-fw", "command", "true", "true"};
  with_services->probe->services = "ufw.service nftables";
  catalog.checks.push_back(with_services);
  const auto probes = fact_probes(catalog);
  REQUIRE(probes.size() == fact_probes().size() + 1);
  CHECK(probes.back().id == "f-units");
  CHECK(probes.back().command.find("is-active -- 'chrony.service' 'nftables.service' "
                                   "'rsyslog.service' 'systemd-timesyncd.service' 'ufw.service' "
                                   "</dev/null 2>/dev/null") != std::string::npos);
  CHECK(probes.back().command.find("getty") == std::string::npos);
}

TEST_CASE("the facts keep f-units' output only when it came back whole with exit 0") {
  const std::string units = "#units cron.service\nactive\n#list-unit-files\n";
  CHECK(parse_facts({out("f-units", units)}).unit_states == units);
  CHECK_FALSE(parse_facts({}).unit_states);
  CHECK_FALSE(parse_facts({out("f-units", "", 1)}).unit_states);
  auto cut = out("f-units", units);
  cut.truncated = true;
  CHECK_FALSE(parse_facts({cut}).unit_states);
  auto unfinished = out("f-units", units);
  unfinished.complete = false;
  CHECK_FALSE(parse_facts({unfinished}).unit_states);
}

TEST_CASE("the kernel parameters and paths the catalog's sysctl and stat probes name are read "
          "with the facts") {
  Catalog catalog;
  const auto add = [&](const std::string& type, const std::string& argument) {
    auto check = std::make_shared<Check>();
    check->probe = ProbeSpec{"p-" + argument, type, argument, "true"};
    catalog.checks.push_back(check);
  };
  add("command", "sysctl -n net.ipv4.ip_forward");
  CHECK(fact_probes(catalog).size() == fact_probes().size()); // none named: no f-sysctl
  add("sysctl", "net.ipv4.tcp_syncookies");
  add("sysctl", "kernel.randomize_va_space");
  add("sysctl", "net.ipv4.tcp_syncookies");
  const auto probes = fact_probes(catalog);
  REQUIRE(probes.size() == fact_probes().size() + 1);
  CHECK(probes.back().id == "f-sysctl");
  CHECK(probes.back().quick);
  add("stat", "/etc/shadow");
  add("stat", "/etc/passwd");
  const auto with_stat = fact_probes(catalog);
  REQUIRE(with_stat.size() == fact_probes().size() + 2);
  CHECK(with_stat.back().id == "f-stat");
  CHECK(with_stat.back().command.find("-- '/etc/passwd' '/etc/shadow' 2>/dev/null") !=
        std::string::npos);
  // Sorted and once each: the same command (and id) for the same catalog.
  CHECK(probes.back().command.find(
            "set -- 'kernel.randomize_va_space' "
            "'/proc/sys/kernel/randomize_va_space' "
            "'net.ipv4.tcp_syncookies' '/proc/sys/net/ipv4/tcp_syncookies';") != std::string::npos);
}
