#include "execute/transport.hpp"

#include "execute/node_session.hpp"
#include "ssh_login.hpp"

#include "catalog/loader.hpp"
#include "pipeline/scan.hpp"
#include "shipped_controls.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

using namespace cisscan;
using cisscan::test::TempDir;

namespace {

HostSpec container(const std::string& become = "") {
  HostSpec host;
  host.name = "dns01";
  host.transport = "pct";
  host.node = "pve1";
  host.vmid = 101;
  host.target = GuestTarget{test::ssh_login("pve1", "pve1", 22, "root", become)};
  return host;
}

// What pct does on a node for a container that is not running: nothing on stdout, its words
// on stderr, exit 255 (what the pct row's channel then reports).
class StoppedChannel : public Channel {
public:
  PumpState pump(std::string_view, bool, const OutputSink&, const std::function<bool()>&) override {
    return PumpState::ended;
  }
  ExecResult finish() override {
    ExecResult result;
    result.exit_status = 255;
    result.error = "pct exec 102 on node pve1 failed (exit 255): CT 102 not running";
    result.unreachable = true;
    return result;
  }
};

class StoppedTransport : public Transport {
public:
  explicit StoppedTransport(std::string& opened) : m_opened(opened) {}
  ConnectResult connect() override { return {}; }
  std::unique_ptr<Channel> open(const std::string& command, std::string&) override {
    m_opened = command;
    return std::make_unique<StoppedChannel>();
  }
  std::string shell_command(const std::string& become) const override {
    return "wrapped(" + become + ")";
  }
  TransportStats stats() const override { return {}; }

private:
  std::string& m_opened;
};

} // namespace

TEST_CASE("the pct row: the container's shell through pct, become wrapping pct on the node") {
  const TransportOptions options;
  CHECK(make_transport(container(), options)->shell_command("") == "pct exec 101 -- sh -s");
  CHECK(make_transport(container("sudo"), options)->shell_command("sudo") ==
        "sudo -n pct exec 101 -- sh -s");
  HostSpec ssh;
  ssh.transport = "ssh";
  CHECK(make_transport(ssh, options)->shell_command("sudo") == "sudo -n sh -s");
  const auto result = make_transport(container(), options)->connect();
  CHECK(result.status == ConnectStatus::error); // no node registry outside a fleet scan
}

TEST_CASE("scan_host: the transport's own shell command; a target not there is unreachable") {
  spdlog::set_level(spdlog::level::off);
  const TempDir dir;
  const auto catalog = load_catalog(
      {dir.write("checks.yaml", "checks:\n  - id: t-one\n    title: one\n    safeguards: "
                                "[\"4.1\"]\n    probe: {file: /etc/hostname}\n    expect: "
                                "{exists: true}\n")},
      test::shipped_controls());
  std::string opened;
  ScanOptions options;
  options.make_transport = [&](const HostSpec&, const TransportOptions&) {
    return std::unique_ptr<Transport>(std::make_unique<StoppedTransport>(opened));
  };
  const auto run = scan_host(container("sudo"), catalog.catalog, options);
  CHECK(opened == "wrapped(sudo)");
  CHECK(run.status == HostStatus::unreachable);
  CHECK(run.reason == "pct exec 102 on node pve1 failed (exit 255): CT 102 not running");
  REQUIRE(run.results.size() == 1);
  CHECK(run.results[0].status == ResultStatus::error);
}

TEST_CASE("the node of pct hosts is scanned over their shared session, with its own shell") {
  HostSpec node;
  node.name = "pve1";
  node.transport = "ssh";
  auto& login = std::get<SshTarget>(node.target);
  login.guest_node = true;
  TransportOptions options;
  // Outside a fleet scan (no node registry) it is an ordinary ssh host.
  CHECK(make_transport(node, options)->shell_command("sudo") == "sudo -n sh -s");
  NodeSessions nodes;
  options.nodes = &nodes;
  options.connect_timeout_seconds = 2;
  login.login.address = "127.0.0.1";
  login.login.port = 1;
  auto transport = make_transport(node, options);
  CHECK(transport->shell_command("sudo") == "sudo -n sh -s");
  const auto result = transport->connect();
  CHECK(result.status == ConnectStatus::unreachable);
  CHECK(result.reason.rfind("cannot connect to 127.0.0.1:1", 0) == 0); // no "node ..." prefix
}
