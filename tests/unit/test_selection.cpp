#include "catalog/loader.hpp"
#include "catalog/selection.hpp"
#include "util/error.hpp"

#include "shipped_controls.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

CheckPtr check(const std::string& id, std::vector<Benchmark> benchmarks) {
  auto c = std::make_shared<Check>();
  c->id = id;
  c->benchmarks = std::move(benchmarks);
  return c;
}

Benchmark deb12(const std::string& ref, const std::string& level) {
  return {"cis-debian12", "1.1.0", ref, level};
}

Benchmark deb13(const std::string& ref, const std::string& level) {
  return {"cis-debian13", "1.0.0", ref, level};
}

// A small catalog: L1 and L2 Debian checks, server/workstation differences, a Proxmox check
// and a check without a benchmark.
Catalog sample() {
  Catalog catalog;
  catalog.digest.assign(64, 'd');
  catalog.files = {"debian/ssh.yaml"};
  catalog.checks = {
      check("deb12-sshd-permit-root-login", {deb12("5.1.20", "L1"), deb13("5.1.21", "L1")}),
      check("deb-sshd-gssapi", {deb12("5.1.9", "L2"), deb13("5.1.9", "L2")}),
      check("deb-avahi", {deb12("2.1.2", "L1"), deb13("2.1.2", "L1")}),
      check("deb-wireless", {deb12("3.1.2", "L1"), deb13("3.1.2", "L1")}),
      check("deb-ip-forward", {deb12("3.3.1", "L1"), deb13("3.3.1.1", "L2")}),
      check("deb-var-partition", {deb12("1.1.2.4.1", "L2")}),
      check("pve-tfa", {{"cisscan-pve", "1", "PVE-06", "L1"}}),
      check("site-motd", {}),
  };
  return catalog;
}

std::vector<std::string> ids(const Catalog& catalog) {
  std::vector<std::string> out;
  for (const auto& c : catalog.checks) {
    out.push_back(c->id);
  }
  return out;
}

std::vector<std::string> select(const Selection& selection) {
  return ids(select_checks(sample(), selection));
}

std::string error_of(const Selection& selection) {
  try {
    select_checks(sample(), selection);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("profiles: the table, levels by platform, checks without a CIS level") {
  REQUIRE(profiles().size() == 3);
  CHECK(std::string(profiles().front().name) == k_default_profile);
  CHECK(find_profile("level2-server") != nullptr);
  CHECK(find_profile("level2-workstation") == nullptr);

  SUBCASE("a recommendation's workstation level comes from the table, else its level") {
    CHECK(benchmark_level(deb12("5.1.9", "L2"), Platform::server) == 2);
    CHECK(benchmark_level(deb12("5.1.9", "L2"), Platform::workstation) == 1);
    CHECK(benchmark_level(deb12("2.1.2", "L1"), Platform::workstation) == 2);
    CHECK(benchmark_level(deb13("3.1.2", "L1"), Platform::workstation) == 0);
    CHECK(benchmark_level(deb13("5.1.20", "L1"), Platform::workstation) == 1);
    CHECK(benchmark_level({"cisscan-pve", "1", "3.1.2", "L1"}, Platform::workstation) == 1);
    CHECK(benchmark_level(deb12("1.1.1.1", ""), Platform::server) == 0);
  }

  SUBCASE("level1-server: the default") {
    CHECK(select({}) == std::vector<std::string>{"deb12-sshd-permit-root-login", "deb-avahi",
                                                 "deb-wireless", "deb-ip-forward", "pve-tfa",
                                                 "site-motd"});
  }
  SUBCASE("level2-server: Level 1 and Level 2") {
    CHECK(select({"level2-server", {}, {}}) == ids(sample()));
  }
  SUBCASE("level1-workstation: server-only and workstation L2 left out, workstation L1 in") {
    CHECK(select({"level1-workstation", {}, {}}) ==
          std::vector<std::string>{"deb12-sshd-permit-root-login", "deb-sshd-gssapi",
                                   "deb-ip-forward", "pve-tfa", "site-motd"});
  }
  SUBCASE("a check is in a profile when any of its recommendations is") {
    const Profile& l1 = *find_profile("level1-server");
    CHECK(in_profile(*check("x", {deb12("3.3.1", "L1"), deb13("3.3.1.1", "L2")}), l1));
    CHECK_FALSE(in_profile(*check("x", {deb12("1.1.2.4.1", "L2")}), l1));
    CHECK(in_profile(*check("x", {deb12("1.1.1.1", "")}), l1)); // no level: every profile
  }
}

TEST_CASE("--only and --skip: globs on check ids and benchmark refs") {
  SUBCASE("an id glob") {
    CHECK(select({"level1-server", {"deb-*"}, {}}) ==
          std::vector<std::string>{"deb-avahi", "deb-wireless", "deb-ip-forward"});
  }
  SUBCASE("a ref glob matches a ref of any benchmark; BENCHMARK:REF one benchmark") {
    CHECK(select({"level2-server", {"5.1.*"}, {}}) ==
          std::vector<std::string>{"deb12-sshd-permit-root-login", "deb-sshd-gssapi"});
    CHECK(select({"level2-server", {"3.3.1.1"}, {}}) == std::vector<std::string>{"deb-ip-forward"});
    CHECK(select({"level2-server", {"cis-debian12:5.1.2?"}, {}}) ==
          std::vector<std::string>{"deb12-sshd-permit-root-login"});
    CHECK(select({"level1-server", {"PVE-*"}, {}}) == std::vector<std::string>{"pve-tfa"});
  }
  SUBCASE("several --only add up; --skip removes after them") {
    CHECK(select({"level1-server", {"deb-avahi", "3.1.2"}, {}}) ==
          std::vector<std::string>{"deb-avahi", "deb-wireless"});
    CHECK(select({"level1-server", {"deb-*"}, {"deb-w*", "3.3.*"}}) ==
          std::vector<std::string>{"deb-avahi"});
    CHECK(select({"level1-server", {}, {"deb*", "pve-*"}}) ==
          std::vector<std::string>{"site-motd"});
  }
  SUBCASE("the selected catalog keeps the files and digest that were read") {
    const auto selected = select_checks(sample(), {"level1-server", {"deb-avahi"}, {}});
    CHECK(selected.digest == std::string(64, 'd'));
    CHECK(selected.files == std::vector<std::string>{"debian/ssh.yaml"});
  }
}

TEST_CASE("bad selections: one line naming the option") {
  CHECK(error_of({"level3-server", {}, {}}) ==
        "--profile 'level3-server': unknown profile (expected level1-server, level2-server, "
        "level1-workstation)");
  CHECK(error_of({"level1-server", {"nothing-*"}, {}}) ==
        "--only 'nothing-*': matches no check of profile level1-server (nor any other check id "
        "or benchmark ref of the catalog)");
  CHECK(error_of({"level1-server", {"deb-sshd-gssapi"}, {}}) ==
        "--only 'deb-sshd-gssapi': matches no check of profile level1-server but 1 check "
        "outside it (choose another with --profile)");
  CHECK(error_of({"level1-server", {}, {"5.9.*"}}) ==
        "--skip '5.9.*': matches no check id or benchmark ref of the catalog");
  CHECK(error_of({"level1-server", {""}, {}}) ==
        "--only: an empty pattern (give a check id or benchmark ref glob)");
  CHECK(error_of({"level1-server", {"deb-avahi"}, {"2.1.*"}}) ==
        "--profile level1-server --only 'deb-avahi' --skip '2.1.*': selects no check (the "
        "profile has 6 checks of 8 in the catalog)");
  // A --skip that matches only checks outside the profile is not a typo: it is allowed.
  CHECK(error_of({"level1-server", {}, {"deb-sshd-gssapi"}}).empty());
}

TEST_CASE("the shipped catalog under each profile") {
  const auto load = load_catalog({CISSCAN_SOURCE_DIR "/checks"}, test::shipped_controls(),
                                 [](const auto&) { return true; });
  REQUIRE(load.diagnostics.empty());
  const auto l1 = ids(select_checks(load.catalog, {}));
  const auto l2 = ids(select_checks(load.catalog, {"level2-server", {}, {}}));
  const auto ws = ids(select_checks(load.catalog, {"level1-workstation", {}, {}}));
  const auto has = [](const std::vector<std::string>& list, const std::string& id) {
    return std::find(list.begin(), list.end(), id) != list.end();
  };
  CHECK(l1.size() < l2.size());
  CHECK(l2.size() == load.catalog.checks.size()); // every shipped check is L1 or L2 somewhere
  for (const auto& id : l1) {
    CAPTURE(id);
    CHECK(has(l2, id));
  }
  // Proxmox checks (their own benchmark, level L1) stay in the default profile.
  CHECK(std::count_if(l1.begin(), l1.end(),
                      [](const auto& id) { return id.rfind("pve-", 0) == 0; }) > 20);
  CHECK(has(l1, "deb12-sshd-permit-root-login"));
  CHECK(has(ws, "deb12-sshd-permit-root-login"));
}
