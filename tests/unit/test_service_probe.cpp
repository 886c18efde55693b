#include "catalog/service_probe.hpp"

#include "catalog/probe_types.hpp"
#include "run_local.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

// What the fact prints on a booted Debian 12 host (systemd 252): the units asked, is-active's
// line for each, list-unit-files' columns, the SysV scripts found.
const std::string k_fact = "#units cron.service chrony.service ssh.service sshd.service "
                           "systemd-journald.service getty@tty1.service oldsvc.service "
                           "nis.service\n"
                           "inactive\ninactive\nactive\nactive\nactive\nactive\ninactive\n"
                           "inactive\n"
                           "#list-unit-files\n"
                           "cron.service             disabled enabled\n"
                           "ssh.service              enabled  enabled\n"
                           "sshd.service             alias    -\n"
                           "systemd-journald.service static   -\n"
                           "oldsvc.service           generated -\n"
                           "#sysv nis.service\n";

std::optional<std::string> service(std::string_view name, const std::string& fact = k_fact) {
  int code = -1;
  auto output = service_derive(name, fact, code);
  if (output) {
    CHECK(code == 0);
  }
  return output;
}

std::optional<std::string> services(std::string_view names) {
  int code = -1;
  auto output = services_derive(names, k_fact, code);
  if (output) {
    CHECK(code == 0);
  }
  return output;
}

} // namespace

TEST_CASE("unit names and ids") {
  CHECK(unit_id("cron") == "cron.service");
  CHECK(unit_id("cron.service") == "cron.service");
  CHECK(unit_id("syslog.socket") == "syslog.socket");
  CHECK(unit_id("foo.bar") == "foo.bar.service");
  CHECK(validate_units("cron.service  chrony.service\n").empty());
  CHECK_FALSE(validate_units("cron.service it's").empty());
  CHECK_FALSE(validate_units(" ").empty());
  CHECK(unit_in_facts("getty@tty1.service"));
  CHECK_FALSE(unit_in_facts("getty@.service"));  // is-active stops at a template
  CHECK_FALSE(unit_in_facts("a\\x2db.service")); // an escape in list-unit-files' patterns
}

TEST_CASE("the facts' unit states") {
  const auto states = read_unit_states(k_fact);
  CHECK(states.at("cron.service").asked);
  CHECK(states.at("cron.service").active == "inactive");
  CHECK(states.at("cron.service").file == "disabled");
  CHECK(states.at("sshd.service").active == "active");
  CHECK_FALSE(states.at("chrony.service").file);
  CHECK(states.at("nis.service").sysv);
  CHECK_FALSE(states.at("cron.service").sysv);
  // is-active stopped early (a unit it could not ask about): no unit has an active state.
  const auto cut = read_unit_states("#units a.service b.service\nactive\n#list-unit-files\n");
  CHECK(cut.at("a.service").asked);
  CHECK(cut.at("a.service").active.empty());
  const auto command = unit_states_command({"cron.service", "it's.socket"});
  CHECK(command.find("echo '#units cron.service it'\\''s.socket'; systemctl list-unit-files") !=
        std::string::npos);
  CHECK(command.find("systemctl is-active -- 'cron.service' 'it'\\''s.socket' </dev/null "
                     "2>/dev/null;") != std::string::npos);
  CHECK(command.find("list-unit-files --no-legend --no-pager -- 'cron.service'") !=
        std::string::npos);
  CHECK(command.find("'/etc/init.d/cron'") != std::string::npos);
}

TEST_CASE("the facts' two systemctl run side by side, their lines in order") {
  const TempDir temp;
  // is-active answers only once list-unit-files has started (or after ~5 s, with `alone`):
  // run one after the other, the lines would say so.
  const auto started = (temp.path() / "listing").string();
  const auto fake = temp.path() / "systemctl";
  std::ofstream(fake)
      << "#!/bin/sh\ncase \"$1\" in\nlist-unit-files) : > '" << started
      << "'; echo 'cisscan-absent.service disabled enabled'; echo \"it's.socket static -\";;\n"
      << "is-active) n=0; while [ ! -e '" << started
      << "' ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done; [ -e '" << started
      << "' ] && printf 'inactive\\nactive\\n' || echo alone;;\nesac\n";
  ::chmod(fake.c_str(), 0755);
  // This machine may have no service manager: the fake systemctl stands in for one. (A unit no
  // machine has: no /etc/init.d script of its name adds a line.)
  auto command = unit_states_command({"cisscan-absent.service", "it's.socket"});
  const std::string booted = "[ -d /run/systemd/system ] || exit 1";
  const auto at = command.find(booted);
  REQUIRE(at != std::string::npos);
  command.replace(at, booted.size(), ":");
  const auto ran = test::run_local("PATH=" + temp.path().string() + ":/usr/bin:/bin; " + command);
  CHECK(ran.output ==
        "#units cisscan-absent.service it's.socket\ninactive\nactive\n#list-unit-files\n"
        "cisscan-absent.service disabled enabled\nit's.socket static -\n");
  CHECK(ran.exit_code == 0);
  const auto states = read_unit_states(ran.output);
  CHECK(states.at("cisscan-absent.service").active == "inactive");
  CHECK(states.at("cisscan-absent.service").file == "disabled");
  CHECK(states.at("it's.socket").active == "active");
}

TEST_CASE("a service probe answered from the facts") {
  CHECK(service("cron.service") == "enabled=disabled\nactive=inactive\n");
  CHECK(service("cron") == "enabled=disabled\nactive=inactive\n");
  CHECK(service("systemd-journald.service") == "enabled=static\nactive=active\n");
  CHECK(service("sshd.service") == "enabled=alias\nactive=active\n");
  SUBCASE("where the fact cannot say what is-enabled prints, the probe runs its own command") {
    CHECK_FALSE(service("chrony.service"));     // no unit file: nothing (252) or not-found (257)
    CHECK_FALSE(service("getty@tty1.service")); // an instance, not listed
    CHECK_FALSE(service("oldsvc.service"));     // generated: is-enabled asks the SysV script
    CHECK_FALSE(service("absent.service"));     // not asked
    CHECK_FALSE(service("cron.service", "#units cron.service\nactive\n#list-unit-files\n"
                                        "cron.service bad -\n"));
  }
}

TEST_CASE("a services probe answered from the facts") {
  CHECK(services("cron.service chrony.service systemd-journald.service") ==
        "service cron.service enabled=disabled active=inactive\n"
        "service chrony.service enabled= active=inactive\n"
        "service systemd-journald.service enabled=static active=active\n");
  CHECK(services("cron.service sshd.service") ==
        "service cron.service enabled=disabled active=inactive\n"
        "service sshd.service enabled=alias active=active\n");
  CHECK_FALSE(services("cron.service getty@tty1.service")); // an instance not listed
  CHECK_FALSE(services("nis.service")); // not-found, but is-enabled would ask its SysV script
  CHECK_FALSE(services("cron.service oldsvc.service"));
  CHECK(find_probe_type("services")->derived_from == std::string("f-units"));
  CHECK(find_probe_type("service")->derived_from == std::string("f-units"));
}

TEST_CASE("the services probe's own command, where the facts do not answer") {
  const TempDir temp;
  // A systemctl that answers as systemd 257 does for a unit without a unit file.
  const auto fake = temp.path() / "systemctl";
  std::ofstream(fake) << "#!/bin/sh\ncase \"$1 $3\" in\n"
                         "'is-enabled cron.service') echo enabled;;\n"
                         "'is-enabled '*) echo not-found; exit 4;;\n"
                         "'is-active cron.service') echo active;;\n"
                         "*) echo inactive; exit 3;;\nesac\n";
  ::chmod(fake.c_str(), 0755);
  const auto command = services_command("cron.service chrony.service");
  const auto ran = test::run_local("PATH=" + temp.path().string() + ":/usr/bin:/bin; " + command);
  CHECK(ran.output == "service cron.service enabled=enabled active=active\n"
                      "service chrony.service enabled= active=inactive\n");
  CHECK(ran.exit_code == 0);
  const auto none = test::run_local("PATH=/nonexistent; " + command);
  CHECK(none.output == "service cron.service enabled= active=\n"
                       "service chrony.service enabled= active=\n");
}

TEST_CASE("the fact where systemd is not the service manager: no answer, the probes run") {
  if (std::filesystem::exists("/run/systemd/system")) {
    return; // a booted machine: tests/integration/test_service_facts.py covers that side
  }
  const auto ran = test::run_local(unit_states_command({"cron.service"}));
  CHECK(ran.exit_code != 0);
  CHECK(ran.output.empty());
}

TEST_CASE("a command probe's services: lines where the facts do not answer") {
  const TempDir temp;
  // A systemctl that lists unit files as list-unit-files does and answers is-enabled as
  // systemd 257 does; is-active is never asked here: no service manager (/run/systemd/system)
  // unless this machine is booted.
  const auto fake = temp.path() / "systemctl";
  std::ofstream(fake) << "#!/bin/sh\necho \"$*\" >> " << (temp.path() / "calls").string()
                      << "\ncase \"$1 $3\" in\n"
                         "'list-unit-files '*) echo 'cron.service enabled enabled';"
                         " echo 'old.service generated -';"
                         " echo 'odd.service bad -';;\n"
                         "'is-enabled old.service') echo enabled;;\n"
                         "'is-enabled getty@tty1.service') echo enabled;;\n"
                         "'is-enabled '*) echo not-found; exit 4;;\n"
                         "'is-active cron.service') echo active;;\n"
                         "*) echo inactive; exit 3;;\nesac\n";
  ::chmod(fake.c_str(), 0755);
  const auto command =
      services_lines_command("cron.service chrony old.service odd.service getty@tty1.service");
  const auto ran = test::run_local("PATH=" + temp.path().string() + ":/usr/bin:/bin; " + command);
  const bool booted = std::filesystem::exists("/run/systemd/system");
  const std::string a = booted ? "active" : "";
  const std::string i = booted ? "inactive" : "";
  CHECK(ran.output == "service cron.service enabled=enabled active=" + a +
                          "\nservice chrony enabled= active=" + i +
                          "\nservice old.service enabled=enabled active=" + i +
                          "\nservice odd.service enabled= active=" + i +
                          "\nservice getty@tty1.service enabled=enabled active=" + i + "\n");
  CHECK(ran.exit_code == 0);
  if (!booted) {
    // One list-unit-files, and is-enabled only where the list cannot say.
    std::ifstream calls(temp.path() / "calls");
    const std::string text((std::istreambuf_iterator<char>(calls)), {});
    CHECK(text == "list-unit-files --no-legend --no-pager -- cron.service chrony.service "
                  "old.service odd.service getty@tty1.service\n"
                  "is-enabled -- old.service\nis-enabled -- odd.service\n"
                  "is-enabled -- getty@tty1.service\n");
  }
  const auto none = test::run_local("PATH=/nonexistent; " + command);
  CHECK(none.output == "service cron.service enabled= active=\nservice chrony enabled= active=\n"
                       "service old.service enabled= active=\nservice odd.service enabled= "
                       "active=\nservice getty@tty1.service enabled= active=\n");
  // A backslash is an escape to awk and to list-unit-files: each unit asked on its own.
  CHECK(services_lines_command("a\\x2db.service") == services_command("a\\x2db.service"));
}
