#include "inventory/pve_cluster.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

// The fenced samples of pve-outputs.md that follow the line `after` (exactly), in order.
std::vector<std::string> samples_after(const std::string& after) {
  std::ifstream in(CISSCAN_REFERENCE_DIR "/pve-outputs.md");
  std::vector<std::string> found;
  std::string line;
  bool armed = false;
  while (std::getline(in, line)) {
    if (line == after) {
      armed = true;
    } else if (armed && line == "```") {
      std::string body;
      while (std::getline(in, line) && line != "```") {
        body += line + "\n";
      }
      found.push_back(body);
      armed = false;
    }
  }
  return found;
}

std::string error_of(void (*parse)(std::string_view), std::string_view text) {
  try {
    parse(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("cluster status: the reference samples") {
  const auto cluster = samples_after("**Sample — 3-node cluster, pve3 offline (`json`)**");
  REQUIRE(cluster.size() == 1);
  const auto nodes = parse_cluster_status(cluster[0]);
  REQUIRE(nodes.size() == 3);
  CHECK(nodes[0].name == "pve2");
  CHECK(nodes[0].ip == "10.10.10.12");
  CHECK(nodes[0].online);
  CHECK(nodes[2].name == "pve3");
  CHECK_FALSE(nodes[2].online);
  const auto standalone = samples_after("**Sample — standalone node**");
  REQUIRE(standalone.size() == 1);
  const auto one = parse_cluster_status(standalone[0]);
  REQUIRE(one.size() == 1);
  CHECK(one[0].name == "pve1");
  CHECK(one[0].online);
}

TEST_CASE("cluster resources: running, stopped, template; tags split") {
  const auto samples = samples_after("**Sample (PVE 8)** — running VM, running CT, stopped CT, "
                                     "stopped VM template:");
  REQUIRE(samples.size() == 1);
  const auto guests = parse_cluster_resources(samples[0]);
  REQUIRE(guests.size() == 4);
  CHECK(guests[0].vmid == 100);
  CHECK(guests[0].name == "web01");
  CHECK(guests[0].type == "qemu");
  CHECK(guests[0].status == "running");
  CHECK(guests[0].tags == std::vector<std::string>{"prod", "web"});
  CHECK(guests[1].type == "lxc");
  CHECK(guests[2].status == "stopped");
  CHECK(guests[2].node == "pve2");
  CHECK(guests[3].is_template);
  CHECK_FALSE(guests[0].is_template);
  const auto unknown = parse_cluster_resources(
      R"([{"id":"lxc/7","node":"pve1","status":"unknown","type":"lxc","vmid":7,"pool":"p"}])");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].name.empty());
  CHECK(unknown[0].pool == "p");
}

TEST_CASE("guest agent: the first IPv4 on an interface other than lo") {
  const auto samples = samples_after("**Sample (success)**");
  REQUIRE(samples.size() == 1);
  CHECK(agent_ipv4(samples[0]) == "192.168.10.21");
  CHECK(agent_ipv4(R"({"result":[{"name":"eth0","ip-addresses":[{"ip-address":"169.254.1.1",)"
                   R"("ip-address-type":"ipv4","prefix":16}]}]})")
            .empty());
  CHECK(agent_ipv4(R"([{"name":"ens18","ip-addresses":[{"ip-address":"fe80::1",)"
                   R"("ip-address-type":"ipv6"},{"ip-address":"10.0.0.5",)"
                   R"("ip-address-type":"ipv4"}]}])") == "10.0.0.5");
}

TEST_CASE("answers that are not the cluster's are one line each") {
  const auto status = [](std::string_view t) { (void)parse_cluster_status(t); };
  const auto resources = [](std::string_view t) { (void)parse_cluster_resources(t); };
  CHECK(error_of(status, "Traceback (most recent call last):\n  File") ==
        "pvesh get /cluster/status: the answer is not JSON (it starts 'Traceback (most recent "
        "call last):?  Fil')");
  CHECK(error_of(status, "[]") == "pvesh get /cluster/status: no node in the answer");
  CHECK(error_of(status, "{}") == "pvesh get /cluster/status: expected a JSON list");
  CHECK(error_of(status, R"([{"type":"node"}])") ==
        "pvesh get /cluster/status: a node entry has no name");
  CHECK(error_of(resources, R"([{"type":"qemu","node":"pve1"}])") ==
        "pvesh get /cluster/resources --type vm: a guest entry has no vmid");
  CHECK(error_of(resources, "[1]") ==
        "pvesh get /cluster/resources --type vm: expected a list of objects");
  CHECK(error_of([](std::string_view t) { (void)agent_ipv4(t); }, R"({"result":{"error":{}}})") ==
        "network-get-interfaces: expected a list of interfaces");
}
