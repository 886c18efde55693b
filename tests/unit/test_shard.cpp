#include "inventory/shard.hpp"

#include "util/error.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace cisscan;

TEST_CASE("parse_shard: I/N with 0 <= I < N, anything else names the option") {
  CHECK(parse_shard("0/1").count == 1);
  CHECK(parse_shard("3/4").index == 3);
  for (const std::string bad :
       {"3/2", "2/2", "0/0", "-1/2", "1", "1/", "/2", "a/b", "1/2/3", " 1/2", "1/999999"}) {
    CAPTURE(bad);
    try {
      parse_shard(bad);
      FAIL("accepted");
    } catch (const ConfigError& e) {
      CHECK(std::string(e.what()).rfind("--shard " + bad + ": expected I/N", 0) == 0);
    }
  }
}

TEST_CASE("select_shard: every host in exactly one shard, stable as the fleet grows") {
  Inventory inventory;
  for (int i = 0; i < 200; ++i) {
    HostSpec host;
    host.name = "host-" + std::to_string(i);
    inventory.hosts.push_back(host);
  }
  std::set<std::string> seen;
  size_t smallest = inventory.hosts.size();
  for (size_t index = 0; index < 4; ++index) {
    const auto part = select_shard(inventory, {index, 4});
    smallest = std::min(smallest, part.hosts.size());
    for (const auto& host : part.hosts) {
      CHECK(seen.insert(host.name).second);
      CHECK(shard_of(host.name, 4) == index);
    }
  }
  CHECK(seen.size() == inventory.hosts.size());
  CHECK(smallest >= 30); // roughly even: 50 each expected
  // A host's shard depends on its name and N only, not on the rest of the fleet.
  const auto before = shard_of("host-7", 4);
  inventory.hosts.erase(inventory.hosts.begin(), inventory.hosts.begin() + 5);
  CHECK(shard_of("host-7", 4) == before);
}
