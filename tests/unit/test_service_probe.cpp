#include "catalog/service_probe.hpp"

#include "catalog/probe_types.hpp"
#include "run_local.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

// What the fact printed on a booted Debian 12 host (systemd 252): show's blocks in the order
// asked, then list-unit-files' columns, then the SysV scripts found.
const std::string k_fact = "Id=cron.service\nLoadState=loaded\nActiveState=inactive\n\n"
                           "Id=chrony.service\nLoadState=not-found\nActiveState=inactive\n\n"
                           "Id=ssh.service\nLoadState=loaded\nActiveState=active\n\n"
                           "Id=systemd-journald.service\nLoadState=loaded\nActiveState=active\n\n"
                           "Id=getty@tty1.service\nLoadState=loaded\nActiveState=active\n\n"
                           "Id=oldsvc.service\nLoadState=loaded\nActiveState=inactive\n\n"
                           "Id=nis.service\nLoadState=not-found\nActiveState=inactive\n"
                           "#list-unit-files\n"
                           "cron.service             disabled enabled\n"
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
  CHECK_FALSE(unit_in_facts("getty@.service")); // show refuses a template, failing the call
}

TEST_CASE("the facts' unit states") {
  const auto states = read_unit_states(k_fact);
  CHECK(states.at("cron.service").load == "loaded");
  CHECK(states.at("cron.service").active == "inactive");
  CHECK(states.at("cron.service").file == "disabled");
  CHECK_FALSE(states.at("chrony.service").file);
  CHECK(states.at("sshd.service").load.empty()); // listed, never shown under its own id
  CHECK(states.at("nis.service").sysv);
  CHECK_FALSE(states.at("cron.service").sysv);
  const auto command = unit_states_command({"cron.service", "it's.socket"});
  CHECK(command.find("systemctl show --no-pager -p Id,LoadState,ActiveState -- 'cron.service' "
                     "'it'\\''s.socket' || exit 1") != std::string::npos);
  CHECK(command.find("list-unit-files --no-legend --no-pager -- 'cron.service'") !=
        std::string::npos);
  CHECK(command.find("'/etc/init.d/cron'") != std::string::npos);
}

TEST_CASE("a service probe answered from the facts") {
  CHECK(service("cron.service") == "enabled=disabled\nactive=inactive\n");
  CHECK(service("cron") == "enabled=disabled\nactive=inactive\n");
  CHECK(service("systemd-journald.service") == "enabled=static\nactive=active\n");
  SUBCASE("where the fact cannot say what is-enabled prints, the probe runs its own command") {
    CHECK_FALSE(service("chrony.service"));     // no unit file: nothing (252) or not-found (257)
    CHECK_FALSE(service("sshd.service"));       // an alias: is-enabled says `alias`
    CHECK_FALSE(service("getty@tty1.service")); // an instance, not listed
    CHECK_FALSE(service("oldsvc.service"));     // generated: is-enabled asks the SysV script
    CHECK_FALSE(service("absent.service"));     // not asked
    CHECK_FALSE(service("cron.service", "Id=cron.service\nLoadState=loaded\n#list-unit-files\n"
                                        "cron.service bad -\n"));
  }
}

TEST_CASE("a services probe answered from the facts") {
  CHECK(services("cron.service chrony.service systemd-journald.service") ==
        "service cron.service enabled=disabled active=inactive\n"
        "service chrony.service enabled= active=inactive\n"
        "service systemd-journald.service enabled=static active=active\n");
  CHECK_FALSE(services("cron.service sshd.service"));
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
