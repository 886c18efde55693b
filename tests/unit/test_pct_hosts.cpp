#include "inventory/targets.hpp"

#include "inventory/inventory.hpp"
#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

std::string error_of(const std::string& hosts) {
  const TempDir dir;
  try {
    (void)load_inventory(dir.write("inventory.yaml", "hosts:\n" + hosts));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("a pct host is reached as its node is, with the role lxc") {
  const TempDir dir;
  const auto file =
      dir.write("inventory.yaml", "defaults: {user: root}\n"
                                  "hosts:\n"
                                  "  - {name: pve1, address: 10.0.0.11, port: 2222, user: audit,\n"
                                  "     identity_file: ~/.ssh/audit, become: sudo, jump: edge,\n"
                                  "     pct_concurrency: 2}\n"
                                  "  - {name: edge, address: 10.0.0.1}\n"
                                  "  - {name: dns01, transport: pct, node: pve1, vmid: 101,\n"
                                  "     roles: [dns]}\n");
  const auto inventory = load_inventory(file);
  const auto& ct = inventory.hosts[2];
  CHECK(ct.transport == "pct");
  CHECK(ct.node == "pve1");
  CHECK(ct.vmid == 101);
  CHECK(ct.address() == "10.0.0.11");
  CHECK(ct.port() == 2222);
  CHECK(ct.user() == "audit");
  CHECK(ct.ssh()->login.identity_file == "~/.ssh/audit");
  CHECK(ct.become() == "sudo");
  CHECK(ct.ssh()->pct_concurrency == 2);
  REQUIRE(ct.ssh()->jumps.size() == 1);
  CHECK(ct.ssh()->jumps[0].address == "10.0.0.1");
  CHECK(ct.roles == std::vector<std::string>{"dns", "lxc"});
  CHECK(inventory.hosts[0].ssh()->pct_concurrency == 2);
  CHECK(inventory.hosts[1].ssh()->pct_concurrency == 4);
}

TEST_CASE("bad pct settings name the file, the line and the host") {
  CHECK(error_of("  - {name: ct, transport: pct, vmid: 101}\n")
            .find("inventory.yaml:2: host 'ct': transport pct needs 'node'") != std::string::npos);
  CHECK(error_of("  - {name: n}\n  - {name: ct, transport: pct, node: n}\n")
            .find("inventory.yaml:3: host 'ct': transport pct needs 'vmid'") != std::string::npos);
  CHECK(error_of("  - {name: ct, transport: pct, node: gone, vmid: 1}\n")
            .find("node 'gone' is not a host of the inventory") != std::string::npos);
  CHECK(error_of("  - {name: n, transport: local}\n"
                 "  - {name: ct, transport: pct, node: n, vmid: 1}\n")
            .find("node 'n' is not reached over ssh") != std::string::npos);
  CHECK(error_of("  - {name: n, vmid: 0}\n").find("vmid must be at least 1") != std::string::npos);
  CHECK(error_of("  - {name: n, vmid: x}\n").find("vmid must be a number") != std::string::npos);
  CHECK(
      error_of("  - {name: n, pct_concurrency: 0}\n").find("pct_concurrency must be at least 1") !=
      std::string::npos);
  CHECK(error_of("  - {name: n, transport: lxc}\n")
            .find("transport must be ssh, local, pct or qga") != std::string::npos);
}

TEST_CASE("a host entry carries only the keys its transport row takes") {
  // A guest is reached through its node: its own address or port would be ignored, so it is
  // refused, naming the key, the line and why.
  CHECK(error_of("  - {name: n}\n  - {name: ct, transport: pct, node: n, vmid: 1, port: 2222}\n")
            .find("inventory.yaml:3: host 'ct': transport pct does not take 'port' (a guest is "
                  "reached through its node's connection)") != std::string::npos);
  CHECK(error_of("  - {name: n}\n  - {name: vm, transport: qga, node: n, vmid: 1, become: sudo}\n")
            .find("transport qga does not take 'become'") != std::string::npos);
  CHECK(error_of("  - {name: here, transport: local, jump: bastion}\n")
            .find("transport local does not take 'jump'") != std::string::npos);
  // A transport given by a group is the one whose keys count.
  const TempDir dir;
  const auto file = dir.write("inventory.yaml", "groups:\n  guests: {transport: qga}\n"
                                                "hosts:\n  - {name: n}\n"
                                                "  - {name: vm, groups: [guests], node: n, vmid: 7,"
                                                " user: admin}\n");
  try {
    (void)load_inventory(file);
    FAIL("a qga host with its own user was accepted");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("transport qga does not take 'user'") != std::string::npos);
  }
  // The same keys are fine where the row takes them, and a group's settings are not a host's.
  CHECK(error_of("  - {name: n, port: 2222, become: sudo, pct_concurrency: 2}\n"
                 "  - {name: ct, transport: pct, node: n, vmid: 1, roles: [dns]}\n") ==
        "(no error)");
}

TEST_CASE("an ssh host without an address is refused, a discovered one without is unreachable") {
  CHECK(error_of("  - {name: a, address: ''}\n")
            .find("inventory.yaml:2: host 'a': needs an address") != std::string::npos);
}

TEST_CASE("each transport row resolves its entries into its own typed target") {
  const TempDir dir;
  const auto file = dir.write("inventory.yaml",
                              "defaults: {user: audit, port: 2200}\n"
                              "hosts:\n"
                              "  - {name: pve1, address: 10.0.0.11, become: sudo}\n"
                              "  - {name: web01, address: 10.0.0.21}\n"
                              "  - {name: here, transport: local, become: sudo}\n"
                              "  - {name: dns01, transport: pct, node: pve1, vmid: 101}\n"
                              "  - {name: db01, transport: qga, node: pve1, vmid: 102}\n");
  const auto inventory = load_inventory(file);
  REQUIRE(inventory.hosts.size() == 5);
  const auto& node = std::get<SshTarget>(inventory.hosts[0].target);
  CHECK(node.login.name == "pve1");
  CHECK(node.login.port == 2200);
  CHECK(node.guest_node); // its guests share its session
  const auto& web = std::get<SshTarget>(inventory.hosts[1].target);
  CHECK(web.login.address == "10.0.0.21");
  CHECK_FALSE(web.guest_node);
  const auto& here = std::get<LocalTarget>(inventory.hosts[2].target);
  CHECK(here.become == "sudo");
  CHECK(inventory.hosts[2].ssh() == nullptr);
  CHECK(inventory.hosts[2].address() == "here"); // a local host's address defaults to its name
  for (const size_t guest : {3, 4}) {
    const auto& target = std::get<GuestTarget>(inventory.hosts[guest].target);
    CHECK(target.node.login.name == "pve1"); // the node's login, bastions and become
    CHECK(target.node.login.address == "10.0.0.11");
    CHECK(target.node.become == "sudo");
    CHECK(inventory.hosts[guest].ssh() == &target.node);
    CHECK(inventory.hosts[guest].become() == "sudo");
  }
}
