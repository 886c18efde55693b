#include "pipeline/scan.hpp"
#include "shipped_controls.hpp"

#include "catalog/loader.hpp"
#include "fake_transport.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

const ControlsCatalog& controls() {
  return test::shipped_controls();
}

std::string check_yaml(const std::string& id, const std::string& probe, const std::string& expect,
                       const std::string& extra = "") {
  return "  - id: " + id + "\n    title: " + id +
         "\n    safeguards: [\"4.1\"]\n    probe: " + probe + "\n    expect: " + expect + "\n" +
         extra;
}

} // namespace

TEST_CASE("scan_host over the local transport, end to end") {
  spdlog::set_level(spdlog::level::warn);
  const TempDir dir;
  const auto defs = dir.write("login defs", "PASS_MAX_DAYS 90\nPASS_MIN_DAYS 0\n");
  chmod(defs.c_str(), 0640);
  const auto missing = (dir.path() / "absent").string();
  const std::string yaml =
      "vars:\n  defs: \"" + defs.string() + "\"\n  missing: \"" + missing + "\"\n" + "checks:\n" +
      check_yaml("t-max-days", "{file: \"${defs}\"}",
                 "{compare: {line: '^PASS_MAX_DAYS\\s+(\\d+)', op: '<=', value: 365}}") +
      check_yaml("t-min-days", "{file: \"${defs}\"}",
                 "{compare: {line: '^PASS_MIN_DAYS\\s+(\\d+)', op: '>=', value: 1}}") +
      check_yaml("t-mode", "{stat: \"${defs}\"}", "{mode_at_most: '0644'}") +
      check_yaml("t-absent", "{file: \"${missing}\"}", "{exists: false}") +
      check_yaml("t-absent-required", "{file: \"${missing}\"}", "{line: x}") +
      check_yaml("t-absent-fail", "{stat: \"${missing}\"}", "{owner: root}",
                 "    on_missing: fail\n") +
      check_yaml("t-secret", "{command: \"echo 'root:$6$saltsalt$abcdefghijklmnop:1::::::'\"}",
                 "{line: '^root:'}") +
      check_yaml("t-exit", "{command: 'exit 2'}", "{no_line: x}") +
      check_yaml("t-na", "{file: /etc/hostname}", "{exists: true}",
                 "    applies: {os: [no-such-os]}\n") +
      "  - id: t-manual\n    title: Manual\n    safeguards: [\"14.1\"]\n    manual: true\n";
  const auto load = load_catalog({dir.write("checks.yaml", yaml)}, controls());
  for (const auto& d : load.diagnostics) {
    FAIL_CHECK(d.to_string());
  }
  REQUIRE(load.catalog.checks.size() == 10);

  HostSpec host;
  host.name = "local";
  host.transport = "local";
  host.target = LocalTarget{};
  ScanOptions options;
  options.transport.host_timeout_seconds = 120;
  const auto run = scan_host(host, load.catalog, options);

  CHECK(run.status == HostStatus::ok);
  CHECK(run.reason.empty());
  CHECK(run.stats.channels == 1);
  REQUIRE(run.results.size() == 10);
  std::map<std::string, ResultStatus> status;
  for (const auto& result : run.results) {
    status[result.check->id] = result.status;
  }
  CHECK(status.at("t-max-days") == ResultStatus::pass);
  CHECK(status.at("t-min-days") == ResultStatus::fail);
  CHECK(status.at("t-mode") == ResultStatus::pass);
  CHECK(status.at("t-absent") == ResultStatus::pass);
  CHECK(status.at("t-absent-required") == ResultStatus::error);
  CHECK(status.at("t-absent-fail") == ResultStatus::fail);
  CHECK(status.at("t-secret") == ResultStatus::pass);
  CHECK(status.at("t-exit") == ResultStatus::error);
  CHECK(status.at("t-na") == ResultStatus::not_applicable);
  CHECK(status.at("t-manual") == ResultStatus::manual);

  SUBCASE("each probe is recorded once, facts first") {
    std::set<std::string> ids;
    for (const auto& probe : run.probes) {
      CHECK(ids.insert(probe.spec.id).second);
    }
    REQUIRE_FALSE(run.probes.empty());
    CHECK(run.probes.front().spec.id == "f-os-release");
    // facts (8) + f-stat (the two stat paths) + defs file + defs stat + missing file + missing
    // stat (both answered from f-stat) + secret + exit 2
    CHECK(run.probes.size() == 9 + 6);
  }
  SUBCASE("evidence is redacted and hashed") {
    for (const auto& probe : run.probes) {
      CHECK(probe.output.output.find("abcdefghijklmnop") == std::string::npos);
      if (probe.spec.type == "command" && probe.spec.argument.rfind("echo 'root:", 0) == 0) {
        CHECK(probe.output.output == "root:$6$<redacted>:1::::::\n");
        CHECK(probe.output.complete);
        CHECK(probe.output.sha256.size() == 64);
      }
    }
  }
  SUBCASE("facts were read") {
    CHECK_FALSE(run.facts.values.at("os_id").empty());
    CHECK_FALSE(run.roles.empty());
  }
}

TEST_CASE("scan_host on an unknown transport is that host's error, not a crash") {
  spdlog::set_level(spdlog::level::warn);
  Catalog catalog;
  auto check = std::make_shared<Check>();
  check->id = "c";
  catalog.checks.push_back(check);
  HostSpec host;
  host.name = "x";
  host.transport = "carrier-pigeon";
  const auto run = scan_host(host, catalog, {});
  CHECK(run.status == HostStatus::error);
  REQUIRE(run.results.size() == 1);
  CHECK(run.results[0].status == ResultStatus::error);
  CHECK(run.results[0].reason.find("carrier-pigeon") != std::string::npos);
}

namespace {

// Two checks over the fake: a file that passes and a command whose output fails.
Catalog fake_catalog(const TempDir& dir) {
  const std::string yaml = "checks:\n" +
                           check_yaml("t-file", "{file: /etc/fake-file}", "{line: '^good$'}") +
                           check_yaml("t-cmd", "{command: fake-command}", "{line: '^good$'}");
  auto load = load_catalog({dir.write("checks.yaml", yaml)}, controls());
  REQUIRE(load.diagnostics.empty());
  return load.catalog;
}

test::FakeHost healthy_host() {
  test::FakeHost host;
  host.answers = {{"os-release", {"ID=debian\nVERSION_ID=\"12\"\n"}},
                  {"fake-file", {"good\n"}},
                  {"fake-command", {"bad\n"}}};
  return host;
}

Inventory fake_inventory(const std::vector<std::string>& names) {
  Inventory inventory;
  for (const auto& name : names) {
    HostSpec host;
    host.name = name;
    host.transport = "fake";
    inventory.hosts.push_back(host);
  }
  return inventory;
}

} // namespace

TEST_CASE("the fleet through a fake transport: each host's outcome is its own") {
  spdlog::set_level(spdlog::level::off);
  const TempDir dir;
  const auto catalog = fake_catalog(dir);
  std::map<std::string, test::FakeHost> hosts;
  hosts["healthy"] = healthy_host();
  hosts["refused"].connect = ConnectStatus::unreachable;
  hosts["refused"].connect_reason = "connection refused";
  hosts["flood"].hostile = [](const std::string& boundary, const OutputSink& sink,
                              const std::function<bool()>& done) {
    for (int i = 0; i < 1000000 && !done(); ++i) {
      const auto id = "p-" + std::to_string(i);
      sink(boundary + " begin " + id + "\nflood\n" + boundary + " end " + id + " 0\n");
    }
  };
  hosts["dropped"] = healthy_host();
  hosts["dropped"].drop_after_frames = 3;
  hosts["stderr"] = healthy_host();
  hosts["stderr"].answers.insert(hosts["stderr"].answers.begin(), {"fake-command", {"", 127}});
  hosts["stderr"].exit_status = 2;
  hosts["stderr"].exit_after_frames = 9;
  hosts["stderr"].stderr_text = "sh: fatal\x1b[2J\nroot:$6$saltsalt$SECRETHASHVALUEabcdef:1::::::\n"
                                "-----BEGIN \n-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETKEYBODY\n";
  test::FakeLog log;
  ScanOptions options;
  options.jobs = 3;
  options.make_transport = test::fake_transports(hosts, log);
  const auto runs = scan_fleet(fake_inventory({"healthy", "refused", "flood", "dropped", "stderr"}),
                               catalog, options);
  REQUIRE(runs.size() == 5);

  SUBCASE("results come back in inventory order, every check of every host") {
    for (size_t i = 0; i < runs.size(); ++i) {
      CHECK(runs[i].spec.name ==
            fake_inventory({"healthy", "refused", "flood", "dropped", "stderr"}).hosts[i].name);
      CHECK(runs[i].results.size() == 2);
    }
  }
  SUBCASE("the healthy host is complete") {
    CHECK(runs[0].status == HostStatus::ok);
    CHECK(runs[0].results[0].status == ResultStatus::pass);
    CHECK(runs[0].results[1].status == ResultStatus::fail);
  }
  SUBCASE("a refused connection is unreachable with its reason") {
    CHECK(runs[1].status == HostStatus::unreachable);
    CHECK(runs[1].reason == "connection refused");
    CHECK(runs[1].results[0].status == ResultStatus::error);
  }
  SUBCASE("a frame flood of probes the script does not have is cut at its first frame") {
    CHECK(runs[2].status == HostStatus::error);
    CHECK(runs[2].reason.find("probe p-0 out of the script's order") != std::string::npos);
  }
  SUBCASE("a dropped connection is an error with the channel's reason") {
    CHECK(runs[3].status == HostStatus::error);
    CHECK(runs[3].reason.find("connection reset") != std::string::npos);
  }
  SUBCASE("stderr reaches the reason redacted, on one printable line") {
    CHECK(runs[4].status == HostStatus::error);
    const auto& reason = runs[4].reason;
    CHECK(reason.find("sh: fatal\\x1b[2J") != std::string::npos);
    CHECK(reason.find("SECRETHASHVALUE") == std::string::npos);
    CHECK(reason.find("SECRETKEYBODY") == std::string::npos);
    CHECK(reason.find('\n') == std::string::npos);
    CHECK(reason.find('\x1b') == std::string::npos);
    for (const auto& result : runs[4].results) {
      CHECK(result.reason.find("SECRETHASHVALUE") == std::string::npos);
    }
  }
  SUBCASE("every host that got a script got a boundary of its own") {
    std::set<std::string> seen;
    size_t count = 0;
    for (const auto& [name, boundaries] : log.boundaries) {
      CHECK(boundaries.size() == 1);
      for (const auto& boundary : boundaries) {
        CHECK(boundary.size() == std::string("CISSCAN-").size() + 32);
        seen.insert(boundary);
        ++count;
      }
    }
    CHECK(count == 4);
    CHECK(seen.size() == count);
  }
}

// Run under ThreadSanitizer by the `scan_tsan` test (tests/CMakeLists.txt): many hosts on many
// workers, the progress callbacks, an interrupt raised from a worker while others run, and the
// hand-off of finished hosts to the one thread that receives them.
TEST_CASE("many hosts on many workers: every host once, callbacks and interrupt race-free") {
  spdlog::set_level(spdlog::level::off);
  const TempDir dir;
  const auto catalog = fake_catalog(dir);
  std::vector<std::string> names;
  std::map<std::string, test::FakeHost> hosts;
  for (int i = 0; i < 48; ++i) {
    names.push_back("host" + std::to_string(i));
    hosts[names.back()] = healthy_host();
  }
  test::FakeLog log;
  std::atomic<int> started = 0;
  std::atomic<int> done = 0;
  std::atomic<bool> interrupted = false;
  ScanOptions options;
  options.jobs = 8;
  options.make_transport = test::fake_transports(hosts, log);
  options.on_host_start = [&](const HostSpec&) { ++started; };
  const auto caller = std::this_thread::get_id();

  SUBCASE("all hosts scanned") {
    options.on_host_done = [&](const HostRun&) { ++done; };
    const auto runs = scan_fleet(fake_inventory(names), catalog, options);
    REQUIRE(runs.size() == names.size());
    for (size_t i = 0; i < runs.size(); ++i) {
      CHECK(runs[i].spec.name == names[i]);
      CHECK(runs[i].status == HostStatus::ok);
      CHECK(runs[i].results.size() == 2);
    }
    CHECK(started == 48);
    CHECK(done == 48);
    CHECK(log.boundaries.size() == 48);
  }
  SUBCASE("an interrupt from a worker stops the hosts not yet started") {
    options.interrupted = &interrupted;
    options.on_host_done = [&](const HostRun&) {
      if (++done == 10) {
        interrupted = true;
      }
    };
    const auto runs = scan_fleet(fake_inventory(names), catalog, options);
    REQUIRE(runs.size() == names.size());
    const auto ok = std::count_if(runs.begin(), runs.end(),
                                  [](const HostRun& run) { return run.status == HostStatus::ok; });
    CHECK(ok >= 10);
    CHECK(ok < 48);
    for (const auto& run : runs) {
      if (run.status != HostStatus::ok) {
        CHECK(run.reason.find("interrupted") != std::string::npos);
      }
    }
  }
  SUBCASE("every host, on the caller's thread") {
    std::vector<int> seen(names.size(), 0);
    scan_fleet(fake_inventory(names), catalog, options, [&](size_t index, HostRun&& run) {
      CHECK(std::this_thread::get_id() == caller);
      CHECK(run.spec.name == names.at(index));
      CHECK(run.status == HostStatus::ok);
      ++seen.at(index);
    });
    CHECK(std::all_of(seen.begin(), seen.end(), [](int count) { return count == 1; }));
  }
  SUBCASE("what `done` throws stops the fleet and comes back once the workers have ended") {
    options.on_host_done = [&](const HostRun&) { ++done; };
    size_t received = 0;
    CHECK_THROWS_WITH(scan_fleet(fake_inventory(names), catalog, options,
                                 [&](size_t, HostRun&&) {
                                   if (++received == 3) {
                                     throw std::runtime_error("the record cannot take this host");
                                   }
                                 }),
                      "the record cannot take this host");
    CHECK(received == 3);
    // Those taken, at most 4 waiting to be and 8 running when it threw; no worker left waiting.
    CHECK(done >= 3);
    CHECK(done <= 3 + 4 + 8);
  }
}

TEST_CASE("a package list cut at the facts' cap answers no package probe: the host is asked") {
  spdlog::set_level(spdlog::level::off);
  const TempDir dir;
  auto load = load_catalog(
      {dir.write("checks.yaml",
                 "checks:\n" + check_yaml("t-telnet", "{package: telnet}", "{exists: false}"))},
      controls());
  REQUIRE(load.diagnostics.empty());
  // telnet is installed; the host's own dpkg-query says so when it is asked.
  const auto host_with = [](const std::string& listing) {
    test::FakeHost host;
    host.answers = {{"os-release", {"ID=debian\nVERSION_ID=\"12\"\n"}},
                    {"${Version}' -- ", {"ii  telnet 0.17\n"}},
                    {"${Version}\\n'", {listing}}};
    return host;
  };
  std::string whole = "ii  telnet 0.17\n";
  std::string cut;
  for (int i = 0; cut.size() <= 1024 * 1024; ++i) {
    cut += "ii  package-" + std::to_string(i) + " 1.0\n"; // telnet is past the cut
  }
  cut += whole;
  std::map<std::string, test::FakeHost> hosts;
  hosts["whole"] = host_with(whole);
  hosts["cut"] = host_with(cut);
  test::FakeLog log;
  ScanOptions options;
  options.make_transport = test::fake_transports(hosts, log);
  const auto runs = scan_fleet(fake_inventory({"whole", "cut"}), load.catalog, options);
  REQUIRE(runs.size() == 2);
  for (const auto& run : runs) {
    CAPTURE(run.spec.name);
    REQUIRE(run.results.size() == 1);
    CHECK(run.results[0].status == ResultStatus::fail); // installed, from the list or the host
  }
  const auto answered = [](const HostRun& run) {
    for (const auto& probe : run.probes) {
      if (probe.spec.type == "package") {
        return probe.spec.command.rfind("(answered from probe", 0) == 0;
      }
    }
    return false;
  };
  CHECK(answered(runs[0]));
  CHECK_FALSE(answered(runs[1]));
}
