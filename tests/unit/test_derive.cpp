#include "pipeline/derive.hpp"

#include "util/clock.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

ProbeRecord fact(const std::string& output, int exit_code = 0, bool truncated = false) {
  ProbeRecord record;
  record.spec = ProbeSpec{"f-units", "command", "", "systemctl show ...", 20, true};
  record.output.id = "f-units";
  record.output.output = output;
  record.output.exit_code = exit_code;
  record.output.truncated = truncated;
  record.output.complete = true;
  record.state = ProbeState::ok;
  return record;
}

const std::string k_units = "#units cron.service\nactive\n"
                            "#list-unit-files\ncron.service enabled enabled\n";

const ProbeSpec k_cron{"p-cron", "service", "cron.service", "systemctl is-enabled ...", 30, false};

// Whether the facts records[0, fact_count) answer `spec` (its record appended), as the scan asks.
bool derive_probe(const ProbeSpec& spec, std::vector<ProbeRecord>& records, size_t fact_count) {
  return answer_from_facts({spec}, records, fact_count).empty();
}

} // namespace

TEST_CASE("a service probe is answered from a whole, successful f-units fact") {
  std::vector<ProbeRecord> records{fact(k_units)};
  REQUIRE(derive_probe(k_cron, records, 1));
  REQUIRE(records.size() == 2);
  CHECK(records[1].output.output == "enabled=enabled\nactive=active\n");
  CHECK(records[1].output.exit_code == 0);
  CHECK(records[1].state == ProbeState::ok);
  CHECK(records[1].spec.command.rfind("(answered from probe f-units) ", 0) == 0);
}

TEST_CASE("a missing, cut or failed fact, or one that cannot say, leaves the probe to run") {
  std::vector<std::vector<ProbeRecord>> cases{
      {},                                     // no fact
      {fact(k_units, 0, true)},               // cut at the facts' cap
      {fact("", 1)},                          // systemd is not PID 1
      {fact("", 5)},                          // no systemctl
      {fact("#units ssh.service\nactive\n")}, // cron not in it
  };
  for (auto& records : cases) {
    const auto before = records.size();
    CHECK_FALSE(derive_probe(k_cron, records, before));
    CHECK(records.size() == before);
  }
  std::vector<ProbeRecord> records{fact(k_units)};
  const ProbeSpec command{"p-c", "command", "true", "true", 30, false};
  CHECK_FALSE(derive_probe(command, records, 1));
}

TEST_CASE("a sysctl probe is answered from f-sysctl, block by block") {
  // kernel.x's value has two lines, the second like a header.
  auto sysctl = fact("@ kernel.x 0 3\nrunning=a\n@ net.y 3\nconfigured=(not set in any sysctl "
                     "configuration file)\n@ net.y 0 3\nrunning=1\nconfigured=1\n"
                     "configured_in=/etc/sysctl.d/a.conf\n@ net.z 4\n");
  sysctl.spec.id = sysctl.output.id = "f-sysctl";
  const ProbeSpec y{"p-y", "sysctl", "net.y", "cat ...", 30, true};
  std::vector<ProbeRecord> records{sysctl};
  REQUIRE(derive_probe(y, records, 1));
  CHECK(records[1].output.output ==
        "running=1\nconfigured=1\nconfigured_in=/etc/sysctl.d/a.conf\n");
  CHECK(records[1].output.exit_code == 0);
  const ProbeSpec z{"p-z", "sysctl", "net.z", "cat ...", 30, true};
  REQUIRE(derive_probe(z, records, 1));
  CHECK(records[2].output.output.empty());
  CHECK(records[2].output.exit_code == 4);
  const ProbeSpec w{"p-w", "sysctl", "net.w", "cat ...", 30, true};
  CHECK_FALSE(derive_probe(w, records, 1)); // not asked: it runs on the host

  SUBCASE("one reading of the fact answers them all, as a reading for each") {
    const std::vector<ProbeRecord> facts{sysctl};
    const FactAnswers answers(facts);
    for (size_t i = 0; i < 2; ++i) { // the second time from the table the first one made
      const auto first = answers.answer(y);
      REQUIRE(first);
      CHECK(first->output.output == records[1].output.output);
      const auto second = answers.answer(z);
      REQUIRE(second);
      CHECK(second->output.exit_code == 4);
      CHECK_FALSE(answers.answer(w));
    }
  }
}

TEST_CASE("the probes the facts answer are appended in plan order; the others are to run") {
  auto sysctl = fact("@ net.y 0 1\nrunning=1\n@ net.z 4\n");
  sysctl.spec.id = sysctl.output.id = "f-sysctl";
  const ProbeSpec y{"p-y", "sysctl", "net.y", "cat ...", 30, true};
  const ProbeSpec c{"p-c", "command", "true", "true", 30, false};
  const ProbeSpec z{"p-z", "sysctl", "net.z", "cat ...", 30, true};
  const ProbeSpec w{"p-w", "sysctl", "net.w", "cat ...", 30, true};
  std::vector<ProbeRecord> records{sysctl};
  const auto to_run = answer_from_facts({y, c, z, w}, records, 1);
  REQUIRE(to_run.size() == 2);
  CHECK(to_run[0].id == "p-c");
  CHECK(to_run[1].id == "p-w");
  REQUIRE(records.size() == 3);
  CHECK(records[0].spec.id == "f-sysctl");
  CHECK(records[1].spec.id == "p-y");
  CHECK(records[1].output.output == "running=1\n");
  CHECK(records[2].spec.id == "p-z");
  CHECK(records[2].output.exit_code == 4);
}

TEST_CASE("a probe whose whole output the facts printed is answered without running") {
  auto pkg = fact("ii  ufw 0.36\n");
  pkg.spec.id = pkg.output.id = "f-packages";
  pkg.output.started_at = util::WallTime{} + std::chrono::seconds(7);
  std::vector<ProbeRecord> records{fact(k_units), pkg};
  ProbeSpec states{"p-states", "command", "true", "# the dpkg states ...\ntrue", 30, true};
  states.printed = "package ufw installed\n";
  states.packages = "ufw";
  REQUIRE(derive_probe(states, records, 2));
  REQUIRE(records.size() == 3);
  CHECK(records[2].output.output == "package ufw installed\n");
  CHECK(records[2].output.exit_code == 0);
  CHECK(records[2].state == ProbeState::ok);
  CHECK(records[2].spec.command ==
        "(answered from the facts: f-packages) # the dpkg states ...\ntrue");
  CHECK(records[2].output.started_at == pkg.output.started_at);
  CHECK_FALSE(records[2].output.sha256.empty());
  // Without `printed`, a command probe runs on the host.
  states.printed.reset();
  CHECK_FALSE(derive_probe(states, records, 2));
}
