#include "plan/plan.hpp"

#include "catalog/probe_types.hpp"
#include "catalog/service_probe.hpp"
#include "run_local.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

Facts debian_facts() {
  Facts facts;
  facts.values["os_id"] = "debian";
  facts.values["os_version_id"] = "12";
  facts.values["pve_node"] = "false";
  facts.package_states = read_package_states("ii  nftables 1.0.6\nii  openssh-server 1:9.2p1\n");
  facts.services = {"ssh", "cron"};
  return facts;
}

ProbeSpec probe(const std::string& type, const std::string& argument) {
  ProbeSpec spec;
  spec.id = "p-" + type + "-" + argument;
  spec.type = type;
  spec.argument = argument;
  spec.command = find_probe_type(type)->command(argument);
  return spec;
}

CheckPtr check(const std::string& id, std::optional<ProbeSpec> spec, Applicability applies = {}) {
  auto c = std::make_shared<Check>();
  c->id = id;
  c->title = id;
  c->safeguards = {"4.1"};
  c->probe = std::move(spec);
  c->applies = std::move(applies);
  return c;
}

} // namespace

TEST_CASE("why_not_applicable") {
  const auto facts = debian_facts();
  const std::vector<std::string> vm = {"vm"};
  SUBCASE("no conditions: applies") {
    CHECK(why_not_applicable({}, facts, vm).empty());
    CHECK(why_not_applicable({}, Facts{}, {}).empty());
  }
  SUBCASE("os") {
    Applicability a;
    a.os = {"debian"};
    CHECK(why_not_applicable(a, facts, vm).empty());
    a.os = {"ubuntu", "alpine"};
    CHECK(why_not_applicable(a, facts, vm) == "os is debian, check applies to ubuntu, alpine");
    CHECK(why_not_applicable(a, Facts{}, vm) == "os is unknown, check applies to ubuntu, alpine");
  }
  SUBCASE("os through ID_LIKE") {
    Facts ubuntu;
    ubuntu.values["os_id"] = "ubuntu";
    ubuntu.values["os_id_like"] = "rhel debian";
    Applicability a;
    a.os = {"debian"};
    CHECK(why_not_applicable(a, ubuntu, vm).empty());
    a.os = {"deb"};
    CHECK_FALSE(why_not_applicable(a, ubuntu, vm).empty());
  }
  SUBCASE("version") {
    Applicability a;
    a.version = "12";
    CHECK(why_not_applicable(a, facts, vm).empty());
    Facts point = facts;
    point.values["os_version_id"] = "12.5";
    CHECK(why_not_applicable(a, point, vm).empty());
    point.values["os_version_id"] = "120";
    CHECK(why_not_applicable(a, point, vm) == "os version is 120, check applies to 12");
    a.version = "11";
    CHECK(why_not_applicable(a, facts, vm) == "os version is 12, check applies to 11");
  }
  SUBCASE("roles") {
    Applicability a;
    a.roles = {"vm", "lxc"};
    CHECK(why_not_applicable(a, facts, vm).empty());
    CHECK(why_not_applicable(a, facts, {"pve-node", "bare-metal"}) ==
          "host roles (pve-node, bare-metal) include none of vm, lxc");
  }
  SUBCASE("not_roles") {
    Applicability a;
    a.not_roles = {"lxc", "pve-node"};
    CHECK(why_not_applicable(a, facts, vm).empty());
    CHECK(why_not_applicable(a, facts, {"lxc", "web"}) == "does not apply to role lxc");
  }
  SUBCASE("packages") {
    Applicability a;
    a.packages = {"openssh-server"};
    CHECK(why_not_applicable(a, facts, vm).empty());
    a.packages = {"openssh-server", "ufw"};
    CHECK(why_not_applicable(a, facts, vm) == "package ufw is not installed");
  }
  SUBCASE("not_packages") {
    Applicability a;
    a.not_packages = {"rsyslog", "ufw"};
    CHECK(why_not_applicable(a, facts, vm).empty());
    a.not_packages = {"rsyslog", "nftables"};
    CHECK(why_not_applicable(a, facts, vm) == "package nftables is installed");
  }
  SUBCASE("an unread package list decides nothing") {
    // A host whose package list could not be read may have any package, or none: the check is
    // neither applicable nor not, and says so.
    Facts unknown = facts;
    unknown.package_states = {};
    Applicability a;
    a.not_packages = {"rsyslog"};
    CHECK(why_not_applicable(a, unknown, vm).empty());
    CHECK(why_undecided(a, unknown) ==
          "the installed packages could not be read, so whether rsyslog is installed, and so "
          "whether this check applies, is unknown");
    a.packages = {"openssh-server"};
    CHECK(why_not_applicable(a, unknown, vm).empty());
    CHECK(why_undecided(a, unknown) ==
          "the installed packages could not be read, so whether openssh-server, rsyslog are "
          "installed, and so whether this check applies, is unknown");
    CHECK(why_undecided(a, facts).empty());
    // Another condition that does not hold still makes it not applicable.
    a.roles = {"lxc"};
    CHECK(why_not_applicable(a, unknown, vm) == "host roles (vm) include none of lxc");
    CHECK(why_undecided(Applicability{}, unknown).empty());
  }
  SUBCASE("packages and not_packages together") {
    Applicability a;
    a.packages = {"openssh-server"};
    a.not_packages = {"rsyslog"};
    CHECK(why_not_applicable(a, facts, vm).empty());
    a.packages = {"ufw"};
    CHECK(why_not_applicable(a, facts, vm) == "package ufw is not installed");
    a.packages.clear();
    a.not_packages = {"openssh-server"};
    CHECK(why_not_applicable(a, facts, vm) == "package openssh-server is installed");
  }
  SUBCASE("services") {
    Applicability a;
    a.services = {"ssh"};
    CHECK(why_not_applicable(a, facts, vm).empty());
    a.services = {"chrony"};
    CHECK(why_not_applicable(a, facts, vm) == "service chrony is not enabled");
  }
  SUBCASE("facts") {
    Applicability a;
    a.facts = {{"pve_node", "false"}};
    CHECK(why_not_applicable(a, facts, vm).empty());
    a.facts = {{"pve_node", "true"}};
    CHECK(why_not_applicable(a, facts, vm) == "fact pve_node is 'false', not 'true'");
    a.facts = {{"virtualization", "kvm"}};
    CHECK(why_not_applicable(a, facts, vm) == "fact virtualization is '', not 'kvm'");
  }
  SUBCASE("every condition must hold") {
    Applicability a;
    a.os = {"debian"};
    a.roles = {"vm"};
    a.packages = {"openssh-server"};
    a.not_roles = {"lxc"};
    CHECK(why_not_applicable(a, facts, vm).empty());
    CHECK(why_not_applicable(a, facts, {"vm", "lxc"}) == "does not apply to role lxc");
  }
}

TEST_CASE("plan_host") {
  Catalog catalog;
  const auto sshd = probe("command", "sshd -T");
  const auto shadow = probe("stat", "/etc/shadow");
  Applicability lxc_only;
  lxc_only.roles = {"lxc"};
  Applicability not_lxc;
  not_lxc.not_roles = {"lxc"};
  catalog.checks = {
      check("c-root-login", sshd),
      check("c-kernel", probe("sysctl", "kernel.randomize_va_space"), not_lxc),
      check("c-empty-passwords", sshd),
      check("c-manual", std::nullopt),
      check("c-shadow", shadow),
      check("c-lxc-only", probe("file", "/etc/lxc-only"), lxc_only),
      check("c-max-auth", sshd),
  };

  SUBCASE("on a VM") {
    const auto plan = plan_host(catalog, debian_facts(), {"vm"});
    REQUIRE(plan.checks.size() == 7);
    std::vector<std::string> ids;
    for (const auto& planned : plan.checks) {
      ids.push_back(planned.check->id);
    }
    CHECK(ids == std::vector<std::string>{"c-root-login", "c-kernel", "c-empty-passwords",
                                          "c-manual", "c-shadow", "c-lxc-only", "c-max-auth"});
    CHECK(plan.checks[0].decision == Decision::run);
    CHECK(plan.checks[1].decision == Decision::run);
    CHECK(plan.checks[3].decision == Decision::manual);
    CHECK_FALSE(plan.checks[3].reason.empty());
    CHECK(plan.checks[5].decision == Decision::not_applicable);
    CHECK(plan.checks[5].reason == "host roles (vm) include none of lxc");
    std::vector<std::string> probe_ids;
    for (const auto& p : plan.probes) {
      probe_ids.push_back(p.id);
    }
    CHECK(probe_ids ==
          std::vector<std::string>{sshd.id, "p-sysctl-kernel.randomize_va_space", shadow.id});
  }
  SUBCASE("with an unread package list") {
    Catalog with_packages;
    Applicability needs_ssh;
    needs_ssh.packages = {"openssh-server"};
    with_packages.checks = {check("c-root-login", sshd, needs_ssh), check("c-shadow", shadow),
                            check("c-lxc-ssh", sshd, [&] {
                              auto a = needs_ssh;
                              a.roles = {"lxc"};
                              return a;
                            }())};
    auto facts = debian_facts();
    facts.package_states = {};
    const auto plan = plan_host(with_packages, facts, {"vm"});
    CHECK(plan.checks[0].decision == Decision::undecided);
    CHECK(plan.checks[0].reason.find("could not be read") != std::string::npos);
    CHECK(plan.checks[1].decision == Decision::run);
    CHECK(plan.checks[2].decision == Decision::not_applicable);
    REQUIRE(plan.probes.size() == 1);
    CHECK(plan.probes[0].id == shadow.id);
  }
  SUBCASE("in an LXC container") {
    const auto plan = plan_host(catalog, debian_facts(), {"lxc"});
    CHECK(plan.checks[1].decision == Decision::not_applicable);
    CHECK(plan.checks[1].reason == "does not apply to role lxc");
    CHECK(plan.checks[5].decision == Decision::run);
    REQUIRE(plan.probes.size() == 3);
    CHECK(plan.probes[0].id == sshd.id);
    CHECK(plan.probes[1].id == shadow.id);
    CHECK(plan.probes[2].id == "p-file-/etc/lxc-only");
  }
  SUBCASE("a command probe's packages: lines are printed from the facts' package list") {
    auto firewall = probe("command", "systemctl is-enabled ufw");
    firewall.packages = "ufw nftables";
    firewall.command = package_states_command(firewall.packages) + "; " + firewall.command;
    Catalog small;
    small.checks = {check("c-fw", firewall), check("c-fw-again", firewall)};
    auto facts = debian_facts();
    facts.package_states = read_package_states("ii  nftables 1.0\nrc  ufw 0.36\n");
    const auto plan = plan_host(small, facts, {"vm"});
    REQUIRE(plan.probes.size() == 1);
    CHECK(plan.probes[0].id == firewall.id);
    CHECK(plan.probes[0].command ==
          package_states_from_facts("ufw nftables", facts.package_states) +
              "systemctl is-enabled ufw");
    CHECK(plan.probes[0].command.find("dpkg-query") == std::string::npos);
    // The catalog's definition is left as it was, for the next host.
    CHECK(small.checks[0]->probe->command == firewall.command);
    SUBCASE("an unread package list leaves the probe's own dpkg-query to say so") {
      facts.package_states = {};
      const auto unread = plan_host(small, facts, {"vm"});
      REQUIRE(unread.probes.size() == 1);
      CHECK(unread.probes[0].command == firewall.command);
    }
  }
  SUBCASE("a command probe's services: lines are printed from the facts' unit states") {
    auto firewall = probe("command", "echo rules");
    firewall.packages = "ufw";
    firewall.services = "ufw.service nftables.service";
    firewall.command = package_states_command("ufw") + "; " +
                       services_lines_command(firewall.services) + "; " + firewall.command;
    Catalog small;
    small.checks = {check("c-fw", firewall)};
    auto facts = debian_facts();
    facts.package_states = read_package_states("ii  ufw 0.36\n");
    facts.unit_states = "#units nftables.service ufw.service\ninactive\nactive\n"
                        "#list-unit-files\nnftables.service disabled enabled\n"
                        "ufw.service enabled enabled\n";
    const auto plan = plan_host(small, facts, {"vm"});
    REQUIRE(plan.probes.size() == 1);
    CHECK(plan.probes[0].id == firewall.id);
    CHECK(plan.probes[0].command ==
          package_states_from_facts("ufw", facts.package_states) +
              "# the unit states of ufw.service nftables.service, from the facts' systemctl "
              "(probe f-units)\n"
              "printf '%s\\n' 'service ufw.service enabled=enabled active=active' "
              "'service nftables.service enabled=disabled active=inactive'\n"
              "echo rules");
    CHECK(plan.probes[0].command.find("is-enabled") == std::string::npos);
    SUBCASE("a unit the facts cannot answer leaves the services probe's own command") {
      facts.unit_states = "#units nftables.service ufw.service\ninactive\nactive\n"
                          "#list-unit-files\nnftables.service generated -\n"
                          "ufw.service enabled enabled\n";
      const auto own = plan_host(small, facts, {"vm"});
      REQUIRE(own.probes.size() == 1);
      CHECK(own.probes[0].command == package_states_from_facts("ufw", facts.package_states) +
                                         services_lines_command(firewall.services) +
                                         "; echo rules");
    }
    SUBCASE("without the facts' unit states, and without their package list") {
      facts.unit_states.reset();
      facts.package_states = {};
      const auto own = plan_host(small, facts, {"vm"});
      REQUIRE(own.probes.size() == 1);
      CHECK(own.probes[0].command == firewall.command);
    }
  }
  SUBCASE("lines printed from the facts run quick when the probe's own command is quick or true") {
    auto states = probe("command", "true");
    states.packages = "ufw";
    states.services = "ufw.service";
    auto reads = probe("command", "grep -s x /etc/ufw/ufw.conf");
    reads.quick = true;
    reads.services = "ufw.service";
    auto asks = probe("command", "ufw status");
    asks.packages = "ufw";
    Catalog small;
    small.checks = {check("c-states", states), check("c-reads", reads), check("c-asks", asks)};
    auto facts = debian_facts();
    facts.package_states = read_package_states("ii  ufw 0.36\n");
    facts.unit_states = "#units ufw.service\nactive\n#list-unit-files\nufw.service enabled "
                        "enabled\n";
    const auto plan = plan_host(small, facts, {"vm"});
    REQUIRE(plan.probes.size() == 3);
    CHECK(plan.probes[0].quick);
    CHECK(plan.probes[1].quick);
    CHECK_FALSE(plan.probes[2].quick);
    // A `true` with every line from the facts prints them and nothing else: its output is
    // known, exactly what its command prints on a host, and it need not run there.
    REQUIRE(plan.probes[0].printed);
    CHECK(*plan.probes[0].printed ==
          "package ufw installed\nservice ufw.service enabled=enabled active=active\n");
    const auto ran = test::run_local(plan.probes[0].command);
    CHECK(ran.output == *plan.probes[0].printed);
    CHECK(ran.exit_code == 0);
    CHECK(printed_from(plan.probes[0]) == std::vector<std::string>{"f-packages", "f-units"});
    CHECK_FALSE(plan.probes[1].printed);
    CHECK_FALSE(plan.probes[2].printed);
    SUBCASE("with dpkg-query or systemctl left to run on the host, wrapped") {
      facts.unit_states.reset();
      auto unread = plan_host(small, facts, {"vm"});
      CHECK_FALSE(unread.probes[0].quick);
      CHECK_FALSE(unread.probes[0].printed);
      CHECK_FALSE(unread.probes[1].quick);
      facts.unit_states = "#units ufw.service\nactive\n#list-unit-files\nufw.service enabled "
                          "enabled\n";
      facts.package_states = {};
      unread = plan_host(small, facts, {"vm"});
      CHECK_FALSE(unread.probes[0].quick);
      CHECK(unread.probes[1].quick);
    }
  }
  SUBCASE("a probe used only by inapplicable checks is not planned") {
    Catalog small;
    small.checks = {check("c-a", probe("file", "/etc/a"), lxc_only)};
    const auto plan = plan_host(small, debian_facts(), {"vm"});
    CHECK(plan.probes.empty());
    CHECK(plan.checks.size() == 1);
  }
}
