#include "inventory/proxmox.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <map>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

PveCluster sample_cluster() {
  PveCluster cluster;
  cluster.entry = "pve1";
  cluster.nodes = {
      {"pve1", "10.0.0.11", true}, {"pve2", "10.0.0.12", true}, {"pve3", "10.0.0.13", false}};
  cluster.guests = {
      {100, "web01", "pve1", "qemu", "running", false, {"prod", "web"}, "production"},
      {101, "dns01", "pve2", "lxc", "running", false, {}, ""},
      {102, "old-ct", "pve1", "lxc", "stopped", false, {}, ""},
      {103, "db01", "pve3", "qemu", "running", false, {}, ""},
      {104, "appliance", "pve1", "qemu", "running", false, {}, ""},
      {105, "web01", "pve2", "qemu", "running", false, {}, ""},
      {9000, "tmpl", "pve2", "qemu", "stopped", true, {}, ""},
  };
  cluster.agent_address = {{100, "10.0.0.21"}};
  cluster.agent_error = {{104, "No QEMU guest agent configured"}};
  return cluster;
}

std::map<std::string, HostSpec> by_name(const Inventory& inventory) {
  std::map<std::string, HostSpec> out;
  for (const auto& host : inventory.hosts) {
    out[host.name] = host;
  }
  return out;
}

} // namespace

TEST_CASE("a cluster's nodes and guests become hosts") {
  spdlog::set_level(spdlog::level::off);
  const TempDir dir;
  const auto file =
      dir.write("inventory.yaml", "defaults: {user: audit, identity_file: ~/.ssh/audit}\n"
                                  "groups:\n  web: {port: 2222, become: sudo}\n"
                                  "proxmox:\n  - {name: pve1, address: 192.0.2.1, user: root}\n"
                                  "hosts:\n  - {name: appliance, address: 10.0.0.99}\n"
                                  "exclude: [old-*]\n");
  std::vector<HostSpec> seen;
  const auto hosts = by_name(load_inventory(file, nullptr, [&](const std::vector<HostSpec>& e) {
    seen = e;
    return sample_cluster();
  }));
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].address() == "192.0.2.1");
  // The entry node keeps its settings; the others are at their cluster address, as defaults say.
  CHECK(hosts.at("pve1").address() == "192.0.2.1");
  CHECK(hosts.at("pve1").user() == "root");
  CHECK(hosts.at("pve2").address() == "10.0.0.12");
  CHECK(hosts.at("pve2").user() == "audit");
  CHECK(hosts.at("pve2").roles == std::vector<std::string>{"pve-node"});
  CHECK(hosts.at("pve3").unreachable == "node pve3 is offline (cluster status)");
  const auto& web = hosts.at("web01");
  CHECK(web.address() == "10.0.0.21");
  CHECK(web.port() == 2222); // its tag `web` is a group with settings
  CHECK(web.become() == "sudo");
  CHECK(web.groups == std::vector<std::string>{"prod", "web", "production"});
  CHECK(web.roles == std::vector<std::string>{"vm"});
  CHECK(web.vmid == 100);
  // A second guest of the same name is not lost: it is named by its VMID.
  CHECK(hosts.at("vm-105").node == "pve2");
  const auto& dns = hosts.at("dns01");
  CHECK(dns.transport == "pct");
  CHECK(dns.address() == "10.0.0.12"); // its node's
  CHECK(dns.roles == std::vector<std::string>{"lxc"});
  CHECK(hosts.at("old-ct").skip == "excluded by the inventory (exclude: old-*)");
  CHECK(hosts.at("tmpl").skip == "template");
  CHECK(hosts.at("db01").unreachable == "its node pve3 is offline");
  // Listed under hosts: its address wins, what the cluster knows is kept.
  const auto& appliance = hosts.at("appliance");
  CHECK(appliance.address() == "10.0.0.99");
  CHECK(appliance.unreachable.empty());
  CHECK(appliance.vmid == 104);
  CHECK(appliance.roles == std::vector<std::string>{"vm"});
  CHECK(hosts.size() == 10);
}

TEST_CASE("a VM with no agent address and no inventory entry is unreachable, saying why") {
  spdlog::set_level(spdlog::level::off);
  const TempDir dir;
  const auto file = dir.write("inventory.yaml", "proxmox:\n  - {name: pve1}\n");
  const auto hosts =
      by_name(load_inventory(file, nullptr, [](const auto&) { return sample_cluster(); }));
  CHECK(hosts.at("appliance").unreachable ==
        "VM 104 has no address: the QEMU guest agent gave none (No QEMU guest agent "
        "configured) and the inventory lists no host named appliance");
}

TEST_CASE("proxmox: without a reader, or empty, is a ConfigError naming the line") {
  const TempDir dir;
  const auto error_of = [&](const std::string& text, const ClusterReader& reader) {
    try {
      (void)load_inventory(dir.write("inventory.yaml", text), nullptr, reader);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  const auto reader = [](const auto&) { return sample_cluster(); };
  CHECK(error_of("proxmox:\n  - {name: pve1}\n", {})
            .find("inventory.yaml:2: proxmox discovery is done by scan and discover only") !=
        std::string::npos);
  CHECK(error_of("proxmox: []\n", reader).find("proxmox must list entry nodes") !=
        std::string::npos);
  CHECK(error_of("proxmox:\n  - {address: x}\n", reader).find("needs a 'name'") !=
        std::string::npos);
  CHECK(error_of("proxmox:\n  - {name: pve1, colour: red}\n", reader).find("colour") !=
        std::string::npos);
}

TEST_CASE("a group may reach its VMs through their guest agent (transport: qga)") {
  spdlog::set_level(spdlog::level::off);
  const TempDir dir;
  const auto file =
      dir.write("inventory.yaml", "groups:\n  production: {transport: qga}\n"
                                  "proxmox:\n  - {name: pve1, address: 192.0.2.1, user: root}\n");
  const auto hosts =
      by_name(load_inventory(file, nullptr, [](const auto&) { return sample_cluster(); }));
  const auto& web = hosts.at("web01"); // in the pool `production`
  CHECK(web.transport == "qga");
  CHECK(web.node == "pve1");
  CHECK(web.vmid == 100);
  CHECK(web.address() == "192.0.2.1"); // its node's: the guest agent is asked there
  CHECK(web.user() == "root");
  CHECK(web.unreachable.empty());
  CHECK(web.roles == std::vector<std::string>{"vm"});
  CHECK(hosts.at("pve1").ssh()->guest_node);
  // Other VMs keep SSH at their agent's address, or say why they have none.
  CHECK(hosts.at("appliance").transport == "ssh");
  CHECK_FALSE(hosts.at("appliance").unreachable.empty());
}
