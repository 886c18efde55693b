#include "inventory/jumps.hpp"

#include "util/error.hpp"

#include <doctest/doctest.h>

using namespace cisscan;

namespace {

HostEntry defaults() {
  HostEntry d;
  d.user = "audit";
  d.identity_file = "~/.ssh/id_audit";
  return d;
}

HostEntry host(const std::string& name, const std::string& jump = "") {
  HostEntry h = defaults();
  h.name = name;
  h.address = name + ".example";
  h.jump = jump;
  return h;
}

} // namespace

TEST_CASE("parse_jump: user@host:port and what it leaves to the defaults") {
  const auto full = parse_jump("ops@bastion.example:2222", defaults());
  CHECK(full.user == "ops");
  CHECK(full.address == "bastion.example");
  CHECK(full.port == 2222);
  CHECK(full.identity_file == "~/.ssh/id_audit");
  const auto bare = parse_jump("bastion.example:22", defaults());
  CHECK(bare.user == "audit");
  const auto v6 = parse_jump("root@[2001:db8::1]:2200", defaults());
  CHECK(v6.address == "2001:db8::1");
  CHECK(v6.port == 2200);
  CHECK(parse_jump("root@host", defaults()).port == 22);
  for (const std::string bad : {"root@host:0", "root@host:99999", "root@host:x", "root@:22",
                                "@host", "root@[::1", "root@[::1]x"}) {
    CAPTURE(bad);
    CHECK(parse_jump(bad, defaults()).name.empty());
  }
}

TEST_CASE("resolve_jumps: chains through inventory hosts, outermost first") {
  std::vector<HostEntry> hosts = {host("outer"), host("inner", "outer"), host("target", "inner"),
                                  host("direct", "ops@edge.example:2200"), host("plain")};
  resolve_jumps(hosts, defaults(), "inv.yaml", {});
  const auto& target = hosts[2];
  REQUIRE(target.jumps.size() == 2);
  CHECK(target.jumps[0].name == "outer");
  CHECK(target.jumps[1].name == "inner");
  CHECK(target.jumps[1].address == "inner.example");
  REQUIRE(hosts[3].jumps.size() == 1);
  CHECK(hosts[3].jumps[0].port == 2200);
  CHECK(hosts[4].jumps.empty());
  CHECK(hosts[0].jumps.empty());
}

TEST_CASE("resolve_jumps: loops, long chains and unknown names name the file and line") {
  const auto fails = [](std::vector<HostEntry> hosts, const std::string& words) {
    try {
      resolve_jumps(hosts, defaults(), "inv.yaml", {{"a", 7}});
      FAIL("no error");
    } catch (const ConfigError& e) {
      const std::string what = e.what();
      CHECK_MESSAGE(what.find(words) != std::string::npos, what);
      CHECK(what.rfind("inv.yaml:", 0) == 0);
    }
  };
  fails({host("a", "b"), host("b", "a")}, "loop");
  fails({host("a", "a")}, "loop");
  fails({host("a", "b"), host("b", "c"), host("c", "d"), host("d")}, "more than 2");
  fails({host("a", "nowhere")}, "not a host of the inventory");
  fails({host("a", "root@x:70000")}, "user@host[:port]");
  auto local = host("b");
  local.transport = "local";
  fails({host("a", "b"), local}, "not reached over ssh");
}
