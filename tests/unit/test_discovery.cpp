#include "pipeline/discovery.hpp"

#include "fake_transport.hpp"
#include "ssh_login.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

using namespace cisscan;
using cisscan::test::FakeHost;
using cisscan::test::FakeLog;

namespace {

HostSpec entry(const std::string& name) {
  HostSpec host;
  host.name = name;
  host.target = test::ssh_login(name, name, 22, "root");
  return host;
}

FakeHost pve_node() {
  FakeHost host;
  host.answers = {
      {"/cluster/status",
       {R"([{"id":"node/pve1","ip":"10.0.0.11","level":"","local":1,"name":"pve1","nodeid":1,)"
        R"("online":1,"type":"node"}])"}},
      {"/cluster/resources",
       {R"([{"id":"qemu/100","name":"web01","node":"pve1","status":"running","template":0,)"
        R"("type":"qemu","vmid":100},{"id":"qemu/104","name":"appliance","node":"pve1",)"
        R"("status":"running","template":0,"type":"qemu","vmid":104},{"id":"qemu/9000",)"
        R"("name":"tmpl","node":"pve1","status":"stopped","template":1,"type":"qemu",)"
        R"("vmid":9000}])"}},
      {"qemu/100/agent",
       {R"({"result":[{"name":"eth0","ip-addresses":[{"ip-address":"10.0.0.21",)"
        R"("ip-address-type":"ipv4","prefix":24}]}]})"}},
      {"qemu/104/agent", {"No QEMU guest agent configured", 255}},
  };
  return host;
}

std::string error_of(const std::vector<HostSpec>& entries, const TransportFactory& make) {
  try {
    (void)read_cluster(entries, {}, make);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("read_cluster: status and guests, then the agents of running VMs") {
  spdlog::set_level(spdlog::level::off);
  FakeLog log;
  const std::map<std::string, FakeHost> hosts = {{"pve1", pve_node()}};
  const auto cluster = read_cluster({entry("pve1")}, {}, test::fake_transports(hosts, log));
  CHECK(cluster.entry == "pve1");
  REQUIRE(cluster.nodes.size() == 1);
  CHECK(cluster.guests.size() == 3);
  CHECK(cluster.agent_address == std::map<int, std::string>{{100, "10.0.0.21"}});
  CHECK(cluster.agent_error == std::map<int, std::string>{{104, "No QEMU guest agent configured"}});
  CHECK(log.boundaries["pve1"].size() == 2); // two round trips, whatever the number of guests
}

TEST_CASE("read_cluster: the first entry node that answers; else every reason on one line") {
  spdlog::set_level(spdlog::level::off);
  FakeLog log;
  FakeHost down;
  down.connect = ConnectStatus::unreachable;
  down.connect_reason = "cannot connect to down:22: Connection refused";
  FakeHost plain;
  plain.otherwise = {"sh: 1: pvesh: not found", 127};
  FakeHost broken;
  broken.otherwise = {"<html>proxy error</html>", 0};
  const std::map<std::string, FakeHost> hosts = {
      {"down", down}, {"plain", plain}, {"broken", broken}, {"pve1", pve_node()}};
  const auto make = test::fake_transports(hosts, log);
  CHECK(read_cluster({entry("down"), entry("pve1")}, {}, make).entry == "pve1");
  const auto error = error_of({entry("down"), entry("plain"), entry("broken")}, make);
  CHECK(error == "proxmox: no entry node could be read: entry node down: cannot connect to "
                 "down:22: Connection refused; entry node plain: not a Proxmox VE node (no "
                 "pvesh: sh: 1: pvesh: not found); entry node broken: pvesh get /cluster/status: "
                 "the answer is not JSON (it starts '<html>proxy error</html>')");
  CHECK(error.find('\n') == std::string::npos);
}
