#include "pipeline/early_connections.hpp"

#include "fake_transport.hpp"
#include "pipeline/scan.hpp"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace cisscan;

namespace {

// What was asked of each host's transports, in order: "made", "begun", "connected".
struct Calls {
  std::mutex mutex;
  std::map<std::string, std::vector<std::string>> by_host;
  std::atomic<int> saw_abandon{0};

  void add(const std::string& host, const std::string& call) {
    const std::lock_guard<std::mutex> lock(mutex);
    by_host[host].push_back(call);
  }
};

// A fake host's transport that records its calls; with `hold`, begin_connect waits (up to a
// minute) for the abandon flag, as a connection to a host that never answers would.
class RecordingTransport : public test::FakeTransport {
public:
  RecordingTransport(const test::FakeHost& host, const std::string& name, test::FakeLog& log,
                     Calls& calls, bool hold)
      : FakeTransport(host, name, log), m_name(name), m_calls(calls), m_hold(hold) {}

  void begin_connect(const std::atomic<bool>& abandon) override {
    m_calls.add(m_name, "begun");
    const auto until = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (m_hold && !abandon.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (abandon.load()) {
      ++m_calls.saw_abandon;
    }
  }
  ConnectResult connect() override {
    m_calls.add(m_name, "connected");
    return FakeTransport::connect();
  }

private:
  std::string m_name;
  Calls& m_calls;
  bool m_hold;
};

TransportFactory recording(const test::FakeHost& host, test::FakeLog& log, Calls& calls,
                           bool hold = false) {
  return [&host, &log, &calls, hold](const HostSpec& spec, const TransportOptions&) {
    calls.add(spec.name, "made");
    return std::unique_ptr<Transport>(
        std::make_unique<RecordingTransport>(host, spec.name, log, calls, hold));
  };
}

HostSpec ssh_host(const std::string& name) {
  HostSpec host;
  host.name = name;
  host.transport = "fake";
  return host;
}

Inventory ssh_hosts(std::initializer_list<const char*> names) {
  Inventory inventory;
  for (const auto* name : names) {
    inventory.hosts.push_back(ssh_host(name));
  }
  return inventory;
}

} // namespace

TEST_CASE("which hosts connect on their own, before the fleet's shared sessions exist") {
  CHECK(connects_on_its_own(ssh_host("direct")));
  auto behind_bastion = ssh_host("behind");
  std::get<SshTarget>(behind_bastion.target).jumps.push_back(SshEndpoint{});
  CHECK_FALSE(connects_on_its_own(behind_bastion));
  auto node = ssh_host("node");
  std::get<SshTarget>(node.target).guest_node = true;
  CHECK_FALSE(connects_on_its_own(node));
  auto skipped = ssh_host("template");
  skipped.skip = "a template";
  CHECK_FALSE(connects_on_its_own(skipped));
  auto local = ssh_host("local");
  local.target = LocalTarget{};
  CHECK_FALSE(connects_on_its_own(local));
}

TEST_CASE("the first hosts' connections are begun early, each taken once by its worker") {
  const test::FakeHost host;
  test::FakeLog log;
  Calls calls;
  auto inventory = ssh_hosts({"a", "behind", "b", "c"});
  std::get<SshTarget>(inventory.hosts[1].target).jumps.push_back(SshEndpoint{});
  EarlyConnections early(inventory, {}, recording(host, log, calls), 3);
  const auto a = early.take(0);
  REQUIRE(a);
  CHECK(a->transport->connect().status == ConnectStatus::ok);
  CHECK_FALSE(early.take(0).has_value());  // once
  CHECK_FALSE(early.take(1).has_value());  // behind a bastion: its worker connects
  CHECK(early.take(2).has_value());        // the third of three
  CHECK_FALSE(early.take(3).has_value());  // past the first three
  CHECK_FALSE(early.take(99).has_value()); // no such host
  const std::lock_guard<std::mutex> lock(calls.mutex);
  CHECK(calls.by_host["a"] == std::vector<std::string>{"made", "begun", "connected"});
  CHECK(calls.by_host["b"] == std::vector<std::string>{"made", "begun"});
  CHECK(calls.by_host.count("behind") == 0);
  CHECK(calls.by_host.count("c") == 0);
  CHECK(calls.saw_abandon == 0);
}

TEST_CASE("a connection begun early is the host's in the fleet scan, not made again") {
  spdlog::set_level(spdlog::level::off);
  Calls calls;
  test::FakeLog log;
  const test::FakeHost host;
  const auto inventory = ssh_hosts({"a", "b", "c"});
  const auto make = recording(host, log, calls);
  EarlyConnections early(inventory, {}, make, 2);
  ScanOptions options;
  options.jobs = 2;
  options.make_transport = make;
  options.early = &early;
  const auto runs = scan_fleet(inventory, Catalog{}, options);
  REQUIRE(runs.size() == 3);
  const std::lock_guard<std::mutex> lock(calls.mutex);
  for (const auto* name : {"a", "b"}) {
    CHECK(calls.by_host[name] == std::vector<std::string>{"made", "begun", "connected"});
  }
  CHECK(calls.by_host["c"] == std::vector<std::string>{"made", "connected"});
  for (const auto& run : runs) {
    CHECK(run.status == HostStatus::ok);
    CHECK(run.stats.channels == 1);
  }
}

TEST_CASE("connections not taken are abandoned: a scan that stops does not wait for them") {
  Calls calls;
  test::FakeLog log;
  const test::FakeHost host;
  const auto inventory = ssh_hosts({"a", "b", "c"});
  {
    // Each begin_connect holds until abandoned, as against hosts that never answer.
    EarlyConnections early(inventory, {}, recording(host, log, calls, true), 3);
  }
  CHECK(calls.saw_abandon == 3);
}
