#include "pipeline/scan.hpp"
#include "shipped_controls.hpp"

#include "catalog/loader.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <map>
#include <set>
#include <string>

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
  host.address = "local";
  host.transport = "local";
  ScanOptions options;
  options.transport.host_timeout_seconds = 120;
  const auto run = scan_host(host, load.catalog, options, "CISSCAN-0123456789abcdef");

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
    // facts (8) + defs file + defs stat + missing file + missing stat + secret + exit 2
    CHECK(run.probes.size() == 8 + 6);
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
  const auto run = scan_host(host, catalog, {}, "CISSCAN-00");
  CHECK(run.status == HostStatus::error);
  REQUIRE(run.results.size() == 1);
  CHECK(run.results[0].status == ResultStatus::error);
  CHECK(run.results[0].reason.find("carrier-pigeon") != std::string::npos);
}
