#include "catalog/loader.hpp"
#include "catalog/operators.hpp"
#include "catalog/probe_types.hpp"
#include "catalog/service_probe.hpp"
#include "risk/register.hpp"
#include "shipped_controls.hpp"

#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

const ControlsCatalog& controls() {
  return test::shipped_controls();
}

std::vector<std::string> messages(const CatalogLoad& load) {
  std::vector<std::string> out;
  for (const auto& d : load.diagnostics) {
    out.push_back(d.to_string());
  }
  return out;
}

CatalogLoad load_text(const TempDir& dir, const std::string& text,
                      const std::string& name = "checks.yaml") {
  return load_catalog({dir.write(name, text)}, controls());
}

// One check that loads cleanly, with the given id.
std::string good_check(const std::string& id, const std::string& probe = "{file: /etc/issue}",
                       const std::string& expect = "{exists: true}") {
  return "  - id: " + id + "\n    title: A check\n    safeguards: [\"4.1\"]\n    probe: " + probe +
         "\n    expect: " + expect + "\n";
}

} // namespace

// The ids of the shipped default register, as the command line gives them to the loader.
KnownRisk shipped_risks() {
  const auto reg = load_register(CISSCAN_SOURCE_DIR "/checks/risk/register.yaml", controls());
  auto ids = std::make_shared<std::vector<std::string>>();
  for (const auto& e : reg.entries) {
    ids->push_back(e.id);
  }
  return [ids](const std::string& id) {
    return std::find(ids->begin(), ids->end(), id) != ids->end();
  };
}

TEST_CASE("every shipped check file loads without a diagnostic") {
  const auto load = load_catalog({CISSCAN_SOURCE_DIR "/checks"}, controls(), shipped_risks());
  for (const auto& message : messages(load)) {
    FAIL_CHECK(message);
  }
  CHECK(load.diagnostics.empty());
  CHECK(load.catalog.checks.size() >= 25);
  CHECK(load.catalog.digest.size() == 64);
  for (const auto& file : load.catalog.files) {
    CHECK(file.find("cis-controls-v8.yaml") == std::string::npos);
  }
  std::vector<std::string> ids;
  for (const auto& check : load.catalog.checks) {
    CAPTURE(check->id);
    ids.push_back(check->id);
    CHECK_FALSE(check->title.empty());
    CHECK_FALSE(check->safeguards.empty());
    CHECK(check->line > 0);
    CHECK(check->sha256.size() == 64);
    if (check->probe) {
      CHECK(check->probe->id.size() == 14);
      CHECK_FALSE(check->probe->command.empty());
      CHECK(check->expect.has_value());
    }
  }
  std::sort(ids.begin(), ids.end());
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
}

TEST_CASE("loader diagnostics name file, line, check and problem") {
  const TempDir dir;
  SUBCASE("malformed YAML") {
    const auto load = load_text(dir, "checks:\n  - id: x\n    title: [unclosed\n");
    REQUIRE(load.diagnostics.size() == 1);
    const auto& d = load.diagnostics[0];
    CHECK(d.file == (dir.path() / "checks.yaml").string());
    CHECK(d.line >= 3);
    CHECK(d.subject.empty());
    CHECK(d.to_string().rfind(d.file + ":" + std::to_string(d.line) + ": malformed YAML: ", 0) ==
          0);
    CHECK(load.catalog.checks.empty());
  }
  SUBCASE("unknown key in a check") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-unknown-key\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe: {file: /etc/x}\n"
                                     "    expect: {exists: true}\n"
                                     "    severity: high\n");
    REQUIRE(load.diagnostics.size() == 1);
    const auto text = load.diagnostics[0].to_string();
    const auto prefix =
        (dir.path() / "checks.yaml").string() + ":7: t-unknown-key: unknown key 'severity'";
    CHECK(text.rfind(prefix, 0) == 0);
    CHECK(text.find("on_missing") != std::string::npos);
    CHECK(load.catalog.checks.empty());
  }
  SUBCASE("unknown key in applies and benchmark") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-applies\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    applies: {os: [debian], role: [vm]}\n"
                                     "    probe: {file: /etc/x}\n"
                                     "    expect: {exists: true}\n"
                                     "  - id: t-bench\n"
                                     "    title: T\n"
                                     "    benchmark: {id: b, reference: '1.1'}\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe: {file: /etc/x}\n"
                                     "    expect: {exists: true}\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 2);
    const auto file = (dir.path() / "checks.yaml").string();
    CHECK(m[0].rfind(file + ":5: t-applies: unknown key 'role' in applies", 0) == 0);
    CHECK(m[1].rfind(file + ":10: t-bench: unknown key 'reference' in benchmark", 0) == 0);
  }
  SUBCASE("unknown probe type") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-probe\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe: {registry: 'HKLM\\x'}\n"
                                     "    expect: {exists: true}\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0] ==
          (dir.path() / "checks.yaml").string() +
              ":5: t-probe: unknown probe type 'registry' (expected one of command, "
              "file, stat, sysctl, package, packages, service, services, mount, accounts, fswalk)");
  }
  SUBCASE("invalid probe argument") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-rel\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe:\n"
                                     "      stat: etc/shadow\n"
                                     "    expect: {exists: true}\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0] == (dir.path() / "checks.yaml").string() +
                      ":6: t-rel: the stat probe expects an absolute path");
  }
  SUBCASE("bad regex") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-regex\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe: {command: 'sshd -T'}\n"
                                     "    expect:\n"
                                     "      all:\n"
                                     "        - line: '^ok'\n"
                                     "        - line: '^(unclosed'\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0].rfind((dir.path() / "checks.yaml").string() +
                         ":9: t-regex: regular expression does not compile: ",
                     0) == 0);
  }
  SUBCASE("operator that does not fit the probe type") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-op\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe: {file: /etc/shadow}\n"
                                     "    expect: {mode_at_most: '0640'}\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0] == (dir.path() / "checks.yaml").string() +
                      ":6: t-op: operator 'mode_at_most' does not apply to a file probe");
  }
  SUBCASE("duplicate ids: the second names the first's location") {
    const auto first = dir.write("a.yaml", "checks:\n" + good_check("t-dup"));
    const auto second =
        dir.write("b.yaml", "# second\nchecks:\n" + good_check("t-other") + good_check("t-dup"));
    const auto load = load_catalog({dir.path()}, controls());
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0] ==
          second.string() + ":8: t-dup: duplicate id (first defined at " + first.string() + ":2)");
    CHECK(load.catalog.checks.size() == 2);
  }
  SUBCASE("many files read side by side: problems, checks and digest in file order") {
    // Each file has a problem, a check that is a duplicate of the file before it (or of itself),
    // and a clean check; the files are read on several threads and must come out in order.
    std::vector<std::string> expected;
    for (int i = 0; i < 12; ++i) {
      const auto name = "f" + std::to_string(10 + i) + ".yaml";
      const auto dup = i == 0 ? std::string("t-own") : "t-" + std::to_string(i - 1);
      const auto bad = "  - id: t-bad-" + std::to_string(i) +
                       "\n    title: T\n    safeguards: "
                       "[\"19.1\"]\n    probe: {file: /etc/x}\n    expect: {exists: true}\n";
      const auto path = dir.write(name, "checks:\n" + good_check(dup) + bad +
                                            good_check("t-" + std::to_string(i)) +
                                            (i == 0 ? good_check("t-own") : ""));
      const auto first =
          i == 0 ? path.string() + ":2"
                 : (dir.path() / ("f" + std::to_string(9 + i) + ".yaml")).string() + ":12";
      if (i > 0) {
        expected.push_back(path.string() + ":2: " + dup + ": duplicate id (first defined at " +
                           first + ")");
      }
      expected.push_back(path.string() + ":9: t-bad-" + std::to_string(i) +
                         ": safeguard '19.1' is not in the CIS Controls v8 catalog");
      if (i == 0) {
        expected.push_back(path.string() + ":17: t-own: duplicate id (first defined at " + first +
                           ")");
      }
    }
    const auto load = load_catalog({dir.path()}, controls());
    CHECK(messages(load) == expected);
    REQUIRE(load.catalog.checks.size() == 13);
    CHECK(load.catalog.checks.front()->id == "t-own");
    CHECK(load.catalog.checks.back()->id == "t-11");
    CHECK(load.catalog.files.size() == 12);
    CHECK(load.catalog.digest == load_catalog({dir.path()}, controls()).catalog.digest);
  }
  SUBCASE("unknown safeguard") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-sg\n"
                                     "    title: T\n"
                                     "    safeguards:\n"
                                     "      - \"4.1\"\n"
                                     "      - \"19.1\"\n"
                                     "    probe: {file: /etc/x}\n"
                                     "    expect: {exists: true}\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    // The line of the unknown entry, not of the list (whose first entry, "4.1", is fine).
    CHECK(m[0].find(":6: t-sg: safeguard '19.1' is not in the CIS Controls v8 catalog") !=
          std::string::npos);
    CHECK(m[0].rfind((dir.path() / "checks.yaml").string() + ":", 0) == 0);
  }
  SUBCASE("no safeguards at all") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-none\n"
                                     "    title: T\n"
                                     "    probe: {file: /etc/x}\n"
                                     "    expect: {exists: true}\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0].find(":2: t-none: expected at least one CIS v8 safeguard") != std::string::npos);
  }
  SUBCASE("missing probe or expect") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-no-probe\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "  - id: t-no-expect\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe: {file: /etc/x}\n"
                                     "  - id: t-expect-only\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    expect: {exists: true}\n");
    const auto m = messages(load);
    const auto file = (dir.path() / "checks.yaml").string();
    REQUIRE(m.size() == 3);
    CHECK(m[0] == file + ":2: t-no-probe: expected 'probe' and 'expect' (or 'manual: true')");
    CHECK(m[1] == file + ":5: t-no-expect: expected 'probe' and 'expect' (or 'manual: true')");
    CHECK(m[2] == file + ":12: t-expect-only: expect needs a probe");
  }
  SUBCASE("missing id and title") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - title: T\n"
                                     "    safeguards: [\"4.1\"]\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0] == (dir.path() / "checks.yaml").string() + ":2: missing 'id'");
  }
  SUBCASE("unknown variable") {
    const auto load = load_text(dir, "vars:\n"
                                     "  sshd_config: /etc/ssh/sshd_config\n"
                                     "checks:\n"
                                     "  - id: t-var\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe: {file: \"${sshd_confg}\"}\n"
                                     "    expect: {exists: true}\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0] ==
          (dir.path() / "checks.yaml").string() + ":7: t-var: unknown variable ${sshd_confg}");
  }
  SUBCASE("unknown top-level key") {
    const auto load = load_text(dir, "checks: []\n\ncheck:\n  - id: x\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0] == (dir.path() / "checks.yaml").string() +
                      ":3: unknown key 'check' (expected checks, vars)");
  }
  SUBCASE("a file that is not a check list") {
    const auto load = load_text(dir, "- id: x\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0] ==
          (dir.path() / "checks.yaml").string() + ":1: expected a mapping with a 'checks:' list");
  }
  SUBCASE("a path that does not exist") {
    const auto load = load_catalog({dir.path() / "missing"}, controls());
    const auto m = messages(load);
    REQUIRE(m.size() == 1);
    CHECK(m[0] == (dir.path() / "missing").string() + ":0: no such file or folder");
  }
  SUBCASE("one bad check does not hide the good ones") {
    const auto load = load_text(dir, "checks:\n" + good_check("t-good-1") +
                                         "  - id: t-bad\n    title: T\n" + good_check("t-good-2"));
    CHECK(load.diagnostics.size() == 1);
    REQUIRE(load.catalog.checks.size() == 2);
    CHECK(load.catalog.checks[0]->id == "t-good-1");
    CHECK(load.catalog.checks[1]->id == "t-good-2");
  }
}

TEST_CASE("every problem of a check is reported, not only the first") {
  const TempDir dir;
  const auto file = (dir.path() / "checks.yaml").string();
  SUBCASE("an unknown key and a bad regex in one check: two lines") {
    const auto m = messages(load_text(dir, "checks:\n"
                                           "  - id: t-two\n"
                                           "    title: T\n"
                                           "    safeguards: [\"4.1\"]\n"
                                           "    severity: high\n"
                                           "    probe: {command: 'sshd -T'}\n"
                                           "    expect: {line: '^(unclosed'}\n"));
    REQUIRE(m.size() == 2);
    CHECK(m[0].rfind(file + ":5: t-two: unknown key 'severity' in a check", 0) == 0);
    CHECK(m[1].rfind(file + ":7: t-two: regular expression does not compile: ", 0) == 0);
  }
  SUBCASE("problems all through a check, in the order written") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-many\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\", \"19.1\", \"19.2\"]\n"
                                     "    applies: {os: [debian], role: [vm]}\n"
                                     "    probe: {stat: etc/shadow}\n"
                                     "    expect:\n"
                                     "      all:\n"
                                     "        - mode_at_most: '0980'\n"
                                     "        - exit_code: 0\n"
                                     "    weight: -1\n"
                                     "    on_missing: maybe\n" +
                                         good_check("t-fine"));
    const auto m = messages(load);
    REQUIRE(m.size() == 8);
    CHECK(m[0] == file + ":4: t-many: safeguard '19.1' is not in the CIS Controls v8 catalog");
    CHECK(m[1] == file + ":4: t-many: safeguard '19.2' is not in the CIS Controls v8 catalog");
    CHECK(m[2].rfind(file + ":5: t-many: unknown key 'role' in applies", 0) == 0);
    CHECK(m[3] == file + ":6: t-many: the stat probe expects an absolute path");
    CHECK(m[4] == file + ":9: t-many: expected an octal mode such as \"0640\"");
    CHECK(m[5] == file + ":10: t-many: operator 'exit_code' does not apply to a stat probe");
    CHECK(m[6] == file + ":11: t-many: weight must be a number from 0.001 to 1000");
    CHECK(m[7] == file + ":12: t-many: on_missing must be error or fail");
    REQUIRE(load.catalog.checks.size() == 1);
    CHECK(load.catalog.checks[0]->id == "t-fine");
  }
  SUBCASE("what follows from a problem is not a second one") {
    // A misspelt `expect:` is one problem, not also "expected 'probe' and 'expect'"; a probe of
    // an unknown type is not also "probe has no type", and its expect is still read.
    const auto m = messages(load_text(dir, "checks:\n"
                                           "  - id: t-misspelt\n"
                                           "    title: T\n"
                                           "    safeguards: [\"4.1\"]\n"
                                           "    probe: {file: /etc/x}\n"
                                           "    expct: {exists: true}\n"
                                           "  - id: t-registry\n"
                                           "    title: T\n"
                                           "    safeguards: [\"4.1\"]\n"
                                           "    probe: {registry: 'HKLM\\x'}\n"
                                           "    expect: {bogus: true}\n"));
    REQUIRE(m.size() == 3);
    CHECK(m[0].rfind(file + ":6: t-misspelt: unknown key 'expct'", 0) == 0);
    CHECK(m[1].rfind(file + ":10: t-registry: unknown probe type 'registry'", 0) == 0);
    CHECK(m[2].rfind(file + ":11: t-registry: unknown operator 'bogus'", 0) == 0);
  }
}

TEST_CASE("loaded expectations point at their operator rows") {
  const TempDir dir;
  const auto load = load_text(dir, "checks:\n" + good_check("t-1", "{stat: /etc/shadow}",
                                                            "{all: [{owner: root}, {exists: "
                                                            "true}]}"));
  REQUIRE(load.diagnostics.empty());
  const auto& expect = *load.catalog.checks.at(0)->expect;
  CHECK(expect.op == find_operator("all"));
  REQUIRE(expect.children.size() == 2);
  CHECK(expect.children[0].op == find_operator("owner"));
  CHECK(expect.children[1].op == find_operator("exists"));
  CHECK(expect.children[1].present);
}

TEST_CASE("loader builds immutable definitions") {
  const TempDir dir;
  SUBCASE("variables are substituted") {
    const auto load = load_text(dir, "vars:\n"
                                     "  sshd_config: /etc/ssh/sshd config\n"
                                     "checks:\n"
                                     "  - id: t-var\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe: {file: \"${sshd_config}.d/x${sshd_config}\"}\n"
                                     "    expect: {exists: true}\n");
    REQUIRE(load.diagnostics.empty());
    REQUIRE(load.catalog.checks.size() == 1);
    const auto& probe = *load.catalog.checks[0]->probe;
    CHECK(probe.type == "file");
    CHECK(probe.argument == "/etc/ssh/sshd config.d/x/etc/ssh/sshd config");
    CHECK(probe.command.find("'/etc/ssh/sshd config.d/x/etc/ssh/sshd config'") !=
          std::string::npos);
    CHECK(load.catalog.checks[0]->line == 4);
  }
  SUBCASE("checks with the same probe share one probe id") {
    const std::string line = "{line: '^permitrootlogin no$'}";
    const auto load =
        load_text(dir, "checks:\n" + good_check("t-1", "{command: 'sshd -T'}", line) +
                           good_check("t-2", "{command: 'sshd -T'}", "{no_line: x}") +
                           good_check("t-3", "{command: 'sshd -T', timeout: 60}", line) +
                           good_check("t-4", "{file: 'sshd -T'}", line));
    // t-4's file argument is relative: only t-1..t-3 load.
    CHECK(load.diagnostics.size() == 1);
    REQUIRE(load.catalog.checks.size() == 3);
    const auto& c = load.catalog.checks;
    CHECK(c[0]->probe->id == c[1]->probe->id);
    CHECK(c[0]->probe->id.rfind("p-", 0) == 0);
    CHECK(c[0]->probe->id.size() == 14);
    CHECK(c[2]->probe->id != c[0]->probe->id);
    CHECK(c[2]->probe->timeout_seconds == 60);
  }
  SUBCASE("a command probe may be quick; quick is part of its id; not with a timeout") {
    const std::string line = "{line: '^root$'}";
    const std::string read = "awk -F: '$3 == 0 { print $1 }' /etc/passwd";
    const auto load = load_text(
        dir, "checks:\n" + good_check("t-1", "{command: \"" + read + "\"}", line) +
                 good_check("t-2", "{command: \"" + read + "\", quick: true}", line) +
                 good_check("t-3", "{command: \"" + read + "\", quick: false}", line) +
                 good_check("t-4", "{command: 'sshd -T', quick: true, timeout: 60}", line) +
                 good_check("t-5", "{file: /etc/passwd, quick: true}", line) +
                 good_check("t-6", "{command: 'true', quick: yes please}", line) +
                 good_check("t-7", "{mount: /tmp, timeout: 60}", line));
    const auto m = messages(load);
    REQUIRE(m.size() == 4);
    CHECK(m[0].find("t-4: a quick probe runs without a timeout of its own") != std::string::npos);
    CHECK(m[1].find("t-5: quick is for command probes") != std::string::npos);
    CHECK(m[2].find("t-6: ") != std::string::npos);
    CHECK(m[3].find("t-7: a mount probe is a short read without a timeout of its own") !=
          std::string::npos);
    const auto& c = load.catalog.checks;
    REQUIRE(c.size() == 3);
    CHECK_FALSE(c[0]->probe->quick);
    CHECK(c[1]->probe->quick);
    CHECK(c[1]->probe->command == c[0]->probe->command);
    CHECK(c[1]->probe->id != c[0]->probe->id);
    CHECK(c[2]->probe->id == c[0]->probe->id);
  }
  SUBCASE("a probe may state its cost; not part of its id; a shared probe weighs the highest") {
    const std::string line = "{line: '^root$'}";
    const std::string read = "awk -F: '$3 == 0 { print $1 }' /etc/passwd";
    const auto load = load_text(
        dir, "checks:\n" + good_check("t-1", "{command: \"" + read + "\", cost: 3}", line) +
                 good_check("t-2", "{command: \"" + read + "\"}", line) +
                 good_check("t-3", "{command: \"" + read + "\", cost: 7}", line) +
                 good_check("t-4", "{file: /etc/passwd, cost: 2}", line) +
                 good_check("t-5", "{file: /etc/group}", line) +
                 good_check("t-6", "{file: /etc/shadow, cost: 0}", line) +
                 good_check("t-7", "{file: /etc/shadow, cost: 1001}", line) +
                 good_check("t-8", "{file: /etc/shadow, cost: lots}", line));
    const auto m = messages(load);
    REQUIRE(m.size() == 3);
    CHECK(m[0].find("t-6: 'cost' must be 1..1000") != std::string::npos);
    CHECK(m[1].find("t-7: 'cost' must be 1..1000") != std::string::npos);
    CHECK(m[2].find("t-8: 'cost' must be a whole number") != std::string::npos);
    const auto& c = load.catalog.checks;
    REQUIRE(c.size() == 5);
    CHECK(c[0]->probe->id == c[1]->probe->id);
    CHECK(c[0]->probe->id == c[2]->probe->id);
    for (size_t i = 0; i < 3; ++i) {
      CHECK(c[i]->probe->cost == 7);
    }
    CHECK(c[3]->probe->cost == 2);
    CHECK(c[4]->probe->cost == 0); // its kind says
  }
  SUBCASE("a probe may name its lane; not part of its id; a shared probe runs in the greatest") {
    const std::string line = "{line: '^root$'}";
    const auto load =
        load_text(dir, "checks:\n" + good_check("t-1", "{file: /etc/passwd, lane: homes}", line) +
                           good_check("t-2", "{file: /etc/passwd}", line) +
                           good_check("t-3", "{file: /etc/passwd, lane: accounts}", line) +
                           good_check("t-4", "{file: /etc/group}", line) +
                           good_check("t-5", "{file: /etc/shadow, lane: Homes}", line) +
                           good_check("t-6", "{file: /etc/shadow, lane: ''}", line) +
                           good_check("t-7", "{file: /etc/shadow, lane: [homes]}", line));
    const auto m = messages(load);
    REQUIRE(m.size() == 3);
    CHECK(m[0].find("t-5: lane is a name of lowercase letters") != std::string::npos);
    CHECK(m[1].find("t-6: lane is a name of lowercase letters") != std::string::npos);
    CHECK(m[2].find("t-7: ") != std::string::npos);
    const auto& c = load.catalog.checks;
    REQUIRE(c.size() == 4);
    CHECK(c[0]->probe->id == c[2]->probe->id);
    for (size_t i = 0; i < 3; ++i) {
      CHECK(c[i]->probe->lane == "homes");
    }
    CHECK(c[3]->probe->lane.empty());
  }
  SUBCASE("a command probe's packages: come first in its command and in its id") {
    const std::string line = "{line: '^package ufw installed$'}";
    const auto load = load_text(
        dir,
        "vars:\n  fw: ufw nftables\n"
        "checks:\n" +
            good_check("t-1", "{command: 'systemctl is-enabled ufw'}", line) +
            good_check("t-2", "{command: 'systemctl is-enabled ufw', packages: '${fw}'}", line) +
            good_check("t-3", "{packages: 'ufw nftables', command: 'systemctl is-enabled ufw'}",
                       line) +
            good_check("t-4", "{packages: 'ufw nftables'}", line));
    REQUIRE(load.diagnostics.empty());
    const auto& c = load.catalog.checks;
    REQUIRE(c.size() == 4);
    CHECK(c[0]->probe->packages.empty());
    CHECK(c[1]->probe->type == "command");
    CHECK(c[1]->probe->argument == "systemctl is-enabled ufw");
    CHECK(c[1]->probe->packages == "ufw nftables");
    CHECK(c[1]->probe->command ==
          package_states_command("ufw nftables") + "; systemctl is-enabled ufw");
    CHECK(c[1]->probe->id != c[0]->probe->id);
    CHECK(c[2]->probe->id == c[1]->probe->id);
    // Alone, packages is the probe type.
    CHECK(c[3]->probe->type == "packages");
    CHECK(c[3]->probe->packages.empty());
    CHECK(c[3]->probe->id != c[1]->probe->id);
  }
  SUBCASE("packages: beside another type, or with a bad name, is refused") {
    const auto load = load_text(
        dir, "checks:\n" + good_check("t-1", "{file: /etc/x, packages: ufw}") +
                 good_check("t-2", "{command: 'true', packages: 'ufw $(id)'}", "{line: x}") +
                 good_check("t-3", "{command: 'true', packages: [ufw]}", "{line: x}"));
    const auto m = messages(load);
    REQUIRE(m.size() == 3);
    CHECK(m[0].find("t-1: a probe has exactly one type") != std::string::npos);
    CHECK(m[1].find("t-2: packages expects Debian package names separated by spaces") !=
          std::string::npos);
    CHECK(m[2].find("t-3: packages takes a string of package names") != std::string::npos);
    CHECK(load.catalog.checks.empty());
  }
  SUBCASE("a command probe's services: follow its packages: in its command and are in its id") {
    const std::string line = "{line: '^service ufw.service enabled=enabled '}";
    const auto load = load_text(
        dir, "vars:\n  units: ufw.service nftables.service\n"
             "checks:\n" +
                 good_check("t-1", "{command: 'true', packages: ufw}", line) +
                 good_check("t-2", "{command: 'true', packages: ufw, services: '${units}'}", line) +
                 good_check("t-3",
                            "{services: 'ufw.service nftables.service', packages: ufw, "
                            "command: 'true'}",
                            line) +
                 good_check("t-4", "{command: 'true', services: ufw.service}", line) +
                 good_check("t-5", "{services: ufw.service}", line));
    REQUIRE(load.diagnostics.empty());
    const auto& c = load.catalog.checks;
    REQUIRE(c.size() == 5);
    CHECK(c[0]->probe->services.empty());
    CHECK(c[1]->probe->services == "ufw.service nftables.service");
    CHECK(c[1]->probe->command == package_states_command("ufw") + "; " +
                                      services_lines_command("ufw.service nftables.service") +
                                      "; true");
    CHECK(c[1]->probe->id != c[0]->probe->id);
    CHECK(c[2]->probe->id == c[1]->probe->id);
    CHECK(c[3]->probe->command == services_lines_command("ufw.service") + "; true");
    CHECK(c[3]->probe->id != c[1]->probe->id);
    // Alone, services is the probe type.
    CHECK(c[4]->probe->type == "services");
    CHECK(c[4]->probe->services.empty());
  }
  SUBCASE("services: beside another type, or with a bad name, is refused") {
    const auto load = load_text(
        dir, "checks:\n" + good_check("t-1", "{file: /etc/x, services: ufw}") +
                 good_check("t-2", "{command: 'true', services: 'ufw $(id)'}", "{line: x}") +
                 good_check("t-3", "{command: 'true', services: [ufw]}", "{line: x}"));
    const auto m = messages(load);
    REQUIRE(m.size() == 3);
    CHECK(m[0].find("t-1: a probe has exactly one type") != std::string::npos);
    CHECK(m[1].find("t-2: services expects systemd unit names separated by spaces") !=
          std::string::npos);
    CHECK(m[2].find("t-3: services takes a string of unit names") != std::string::npos);
    CHECK(load.catalog.checks.empty());
  }
  SUBCASE("probe ids are stable across loads") {
    const auto a = load_text(dir, "checks:\n" + good_check("t-1"), "a.yaml");
    const auto b = load_text(dir, "checks:\n" + good_check("t-9"), "b.yaml");
    REQUIRE(a.catalog.checks.size() == 1);
    REQUIRE(b.catalog.checks.size() == 1);
    CHECK(a.catalog.checks[0]->probe->id == b.catalog.checks[0]->probe->id);
  }
  SUBCASE("a check that implements a recommendation of two benchmarks names both") {
    const auto load =
        load_text(dir, "checks:\n"
                       "  - id: t-both\n"
                       "    title: Both\n"
                       "    benchmark:\n"
                       "      - {id: cis-debian12, version: 1.1.0, ref: '5.1.13', level: L1}\n"
                       "      - {id: cis-debian13, version: 1.0.0, ref: '5.1.14', level: L2}\n"
                       "    safeguards: ['5.4']\n"
                       "    manual: true\n");
    REQUIRE(load.diagnostics.empty());
    const auto& c = *load.catalog.checks.at(0);
    REQUIRE(c.benchmarks.size() == 2);
    CHECK(c.benchmarks[0].ref == "5.1.13");
    CHECK(c.benchmarks[1].id == "cis-debian13");
    CHECK(c.benchmarks[1].level == "L2");
  }
  SUBCASE("a benchmark list that is empty, holds a scalar or names a benchmark twice") {
    const auto m = messages(load_text(dir, "checks:\n"
                                           "  - id: t-empty\n"
                                           "    title: E\n"
                                           "    benchmark: []\n"
                                           "    safeguards: ['5.4']\n"
                                           "    manual: true\n"
                                           "  - id: t-scalar\n"
                                           "    title: S\n"
                                           "    benchmark: [cis-debian12]\n"
                                           "    safeguards: ['5.4']\n"
                                           "    manual: true\n"
                                           "  - id: t-twice\n"
                                           "    title: T\n"
                                           "    benchmark: [{id: a, ref: '1'}, {id: a, ref: '1'}]\n"
                                           "    safeguards: ['5.4']\n"
                                           "    manual: true\n"));
    REQUIRE(m.size() == 3);
    CHECK(m[0].find(":4: t-empty: benchmark must be") != std::string::npos);
    CHECK(m[1].find(":9: t-scalar: benchmark must be") != std::string::npos);
    CHECK(m[2].find(":14: t-twice: benchmark 'a' 1 is named twice") != std::string::npos);
  }
  SUBCASE("optional fields") {
    const auto load =
        load_text(dir, "checks:\n"
                       "  - id: t-full\n"
                       "    title: Full\n"
                       "    benchmark: {id: cis-debian12, version: 1.1.0, ref: "
                       "'5.1.20', level: L1}\n"
                       "    safeguards: ['5.4', '4.1']\n"
                       "    applies: {os: debian, not_roles: [lxc], not_packages: [rsyslog], "
                       "facts: {pve_node: 'false'}}\n"
                       "    probe: {stat: /etc/shadow}\n"
                       "    expect: {all: [{owner: root}, {mode_at_most: '0640'}]}\n"
                       "    weight: 2.5\n"
                       "    requires_root: true\n"
                       "    on_missing: fail\n"
                       "    rationale: Why\n"
                       "    remediation: How\n"
                       "  - id: t-manual\n"
                       "    title: Ask\n"
                       "    safeguards: ['14.1']\n"
                       "    manual: true\n");
    REQUIRE(load.diagnostics.empty());
    REQUIRE(load.catalog.checks.size() == 2);
    const auto& c = *load.catalog.checks[0];
    REQUIRE(c.benchmarks.size() == 1);
    CHECK(c.benchmarks[0].id == "cis-debian12");
    CHECK(c.benchmarks[0].ref == "5.1.20");
    CHECK(c.benchmarks[0].level == "L1");
    CHECK(load.catalog.checks[1]->benchmarks.empty());
    CHECK(c.safeguards == std::vector<std::string>{"5.4", "4.1"});
    CHECK(c.applies.os == std::vector<std::string>{"debian"});
    CHECK(c.applies.not_roles == std::vector<std::string>{"lxc"});
    CHECK(c.applies.not_packages == std::vector<std::string>{"rsyslog"});
    CHECK(c.applies.packages.empty());
    CHECK(c.applies.facts.at("pve_node") == "false");
    CHECK(c.weight == 2.5);
    CHECK(c.requires_root);
    CHECK(c.on_missing == OnMissing::fail);
    CHECK(c.probe->quick);
    CHECK(c.rationale == "Why");
    CHECK(c.remediation == "How");
    const auto& manual = *load.catalog.checks[1];
    CHECK_FALSE(manual.probe.has_value());
    CHECK_FALSE(manual.expect.has_value());
  }
  SUBCASE("a bad weight or on_missing is reported") {
    const auto load = load_text(dir, "checks:\n"
                                     "  - id: t-w\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe: {file: /etc/x}\n"
                                     "    expect: {exists: true}\n"
                                     "    weight: -1\n"
                                     "  - id: t-m\n"
                                     "    title: T\n"
                                     "    safeguards: [\"4.1\"]\n"
                                     "    probe: {file: /etc/x}\n"
                                     "    expect: {exists: true}\n"
                                     "    on_missing: pass\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 2);
    CHECK(m[0].find(":7: t-w: weight must be a number from 0.001 to 1000") != std::string::npos);
    CHECK(m[1].find(":13: t-m: on_missing must be error or fail") != std::string::npos);
  }
  SUBCASE("a weight that is not a number from 0.001 to 1000, or not one value") {
    for (const std::string weight : {".nan", ".inf", "-.inf", "0", "0.0005", "1001", "[1, 2]"}) {
      CAPTURE(weight);
      const auto load = load_text(dir, "checks:\n"
                                       "  - id: t-w\n"
                                       "    title: T\n"
                                       "    safeguards: [\"4.1\"]\n"
                                       "    probe: {file: /etc/x}\n"
                                       "    expect: {exists: true}\n"
                                       "    weight: " +
                                           weight + "\n");
      const auto m = messages(load);
      REQUIRE(m.size() == 1);
      CHECK(m[0].find(":7: t-w: ") != std::string::npos);
      CHECK(m[0].find(weight[0] == '['
                          ? "expected a number"
                          : "weight must be a number from 0.001 to 1000") != std::string::npos);
    }
  }
  SUBCASE("on_empty is error by default, pass or fail when said, nothing else") {
    const auto load = load_text(dir, "checks:\n" + good_check("t-default") +
                                         "  - id: t-pass\n"
                                         "    title: T\n"
                                         "    safeguards: [\"4.1\"]\n"
                                         "    probe: {command: 'true'}\n"
                                         "    expect: {no_line: '\\S'}\n"
                                         "    on_empty: pass\n"
                                         "  - id: t-fail\n"
                                         "    title: T\n"
                                         "    safeguards: [\"4.1\"]\n"
                                         "    probe: {command: 'true'}\n"
                                         "    expect: {line: x}\n"
                                         "    on_empty: fail\n"
                                         "  - id: t-bad\n"
                                         "    title: T\n"
                                         "    safeguards: [\"4.1\"]\n"
                                         "    probe: {command: 'true'}\n"
                                         "    expect: {line: x}\n"
                                         "    on_empty: maybe\n"
                                         "  - id: t-manual\n"
                                         "    title: T\n"
                                         "    safeguards: [\"4.1\"]\n"
                                         "    manual: true\n"
                                         "    on_empty: pass\n");
    const auto m = messages(load);
    REQUIRE(m.size() == 2);
    CHECK(m[0].find(": t-bad: on_empty must be error, pass or fail") != std::string::npos);
    CHECK(m[1].find(": t-manual: a manual check has no probe output") != std::string::npos);
    REQUIRE(load.catalog.checks.size() == 3);
    CHECK(load.catalog.checks[0]->on_empty == OnEmpty::error);
    CHECK(load.catalog.checks[1]->on_empty == OnEmpty::pass);
    CHECK(load.catalog.checks[2]->on_empty == OnEmpty::fail);
  }
}

TEST_CASE("files of other kinds are skipped") {
  const TempDir dir;
  dir.write("controls.yaml",
            "version: '8'\nsafeguards:\n  - {id: '1.1', control: '1', title: x}\n");
  dir.write("risk.yaml", "criteria: {}\nregister: []\n");
  const auto checks = dir.write("checks.yaml", "checks:\n" + good_check("t-1"));
  const auto load = load_catalog({dir.path()}, controls());
  CHECK(messages(load).empty());
  CHECK(load.catalog.checks.size() == 1);
  CHECK(load.catalog.files == std::vector<std::string>{checks.string()});
}

TEST_CASE("the catalog digest depends on content, not on where the folder is") {
  const TempDir one;
  const TempDir two;
  for (const auto* dir : {&one, &two}) {
    dir->write("debian12/a.yaml", "checks:\n" + good_check("t-a"));
    dir->write("debian12/b.yml", "checks:\n" + good_check("t-b"));
  }
  const auto a = load_catalog({one.path()}, controls());
  const auto b = load_catalog({two.path()}, controls());
  REQUIRE(a.diagnostics.empty());
  CHECK(a.catalog.digest.size() == 64);
  CHECK(a.catalog.digest == b.catalog.digest);
  CHECK(a.catalog.checks.size() == 2);
  CHECK(a.catalog.files.size() == 2);

  SUBCASE("loading twice gives the same digest") {
    CHECK(load_catalog({one.path()}, controls()).catalog.digest == a.catalog.digest);
  }
  SUBCASE("a changed byte changes it") {
    two.write("debian12/b.yml", "checks:\n" + good_check("t-b") + "# comment\n");
    CHECK(load_catalog({two.path()}, controls()).catalog.digest != a.catalog.digest);
  }
  SUBCASE("a renamed file changes it") {
    std::filesystem::rename(two.path() / "debian12/b.yml", two.path() / "debian12/c.yml");
    CHECK(load_catalog({two.path()}, controls()).catalog.digest != a.catalog.digest);
  }
  SUBCASE("a file given twice is used once") {
    const auto twice = load_catalog({one.path(), one.path() / "debian12/a.yaml"}, controls());
    CHECK(messages(twice).empty());
    CHECK(twice.catalog.checks.size() == 2);
  }
}

TEST_CASE("risks: a check names entries of the risk register") {
  TempDir dir;
  const auto known = [](const std::string& id) { return id == "R-1" || id == "R-2"; };
  const auto load = [&](const std::string& risks, const KnownRisk& k) {
    return load_catalog(
        {dir.write("checks.yaml", "checks:\n" + good_check("a") + "    risks: " + risks + "\n")},
        controls(), k);
  };
  SUBCASE("known ids, as a list or one id") {
    const auto list = load("[R-2, R-1]", known);
    REQUIRE(list.diagnostics.empty());
    CHECK(list.catalog.checks[0]->risks == std::vector<std::string>{"R-2", "R-1"});
    const auto one = load("R-1", known);
    REQUIRE(one.diagnostics.empty());
    CHECK(one.catalog.checks[0]->risks == std::vector<std::string>{"R-1"});
  }
  SUBCASE("a check without risks: names none") {
    const auto plain =
        load_catalog({dir.write("plain.yaml", "checks:\n" + good_check("b"))}, controls(), known);
    REQUIRE(plain.diagnostics.empty());
    CHECK(plain.catalog.checks[0]->risks.empty());
  }
  SUBCASE("an unknown id names file, line and check") {
    const auto bad = load("[R-1,\n      R-9]", known);
    CHECK(messages(bad) ==
          std::vector<std::string>{(dir.path() / "checks.yaml").string() +
                                   ":8: a: risk 'R-9' is not an entry of the risk register"});
    CHECK(bad.catalog.checks.empty());
  }
  SUBCASE("no register known: every id is unknown") {
    CHECK(messages(load("[R-1]", {})) ==
          std::vector<std::string>{(dir.path() / "checks.yaml").string() +
                                   ":7: a: risk 'R-1' is not an entry of the risk register"});
  }
  SUBCASE("an empty list, an id twice, or not a list of strings") {
    CHECK(messages(load("[]", known)).at(0).find(":7: a: 'risks' must name at least one") !=
          std::string::npos);
    CHECK(messages(load("[R-1, R-1]", known)).at(0).find(":7: a: risk 'R-1' is named twice") !=
          std::string::npos);
    CHECK(messages(load("{R-1: x}", known)).at(0).find("'risks' must be a list of strings") !=
          std::string::npos);
  }
}
