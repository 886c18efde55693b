#include "exceptions/selector.hpp"

#include "temp_dir.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cisscan;
using cisscan::json;

TEST_CASE("glob_match") {
  CHECK(glob_match("web1", "web1"));
  CHECK_FALSE(glob_match("web1", "web10"));
  CHECK_FALSE(glob_match("web10", "web1"));
  CHECK(glob_match("web*", "web"));
  CHECK(glob_match("web*", "web-eu-1"));
  CHECK(glob_match("*-1", "web-eu-1"));
  CHECK(glob_match("w*b*1", "web-eu-1"));
  CHECK(glob_match("*eu*", "web-eu-1"));
  CHECK_FALSE(glob_match("*us*", "web-eu-1"));
  CHECK(glob_match("db?", "db1"));
  CHECK_FALSE(glob_match("db?", "db"));
  CHECK_FALSE(glob_match("db?", "db12"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("**", "x"));
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "x"));
  CHECK_FALSE(glob_match("?", ""));
  // Backtracking past an earlier partial match.
  CHECK(glob_match("*ab", "aab"));
  CHECK(glob_match("a*a*a", "aaaa"));
  CHECK_FALSE(glob_match("a*a*a*b", "aaaa"));
  // Case matters; no character classes: '[' is literal.
  CHECK_FALSE(glob_match("Web1", "web1"));
  CHECK(glob_match("deb12-[x]", "deb12-[x]"));
}

TEST_CASE("HostSelector::matches") {
  const json host = {{"name", "web-eu-1"}, {"groups", {"web", "eu"}}, {"roles", {"vm"}}};
  SUBCASE("an empty selector covers every host") {
    CHECK(HostSelector{}.matches(host));
    CHECK(HostSelector{}.matches(json::object()));
  }
  SUBCASE("any listed name, group or role matches") {
    CHECK(HostSelector{{"web-*"}, {}, {}}.matches(host));
    CHECK(HostSelector{{"db*", "*-1"}, {}, {}}.matches(host));
    CHECK(HostSelector{{}, {"eu"}, {}}.matches(host));
    CHECK(HostSelector{{}, {}, {"vm"}}.matches(host));
    CHECK(HostSelector{{"db*"}, {"us"}, {"vm"}}.matches(host));
  }
  SUBCASE("nothing listed matches") {
    CHECK_FALSE(HostSelector{{"db*"}, {}, {}}.matches(host));
    CHECK_FALSE(HostSelector{{}, {"web-eu-1"}, {}}.matches(host)); // a group is not a name
    CHECK_FALSE(HostSelector{{}, {}, {"lxc", "pve-node"}}.matches(host));
    CHECK_FALSE(HostSelector{{}, {"web"}, {}}.matches(json{{"name", "web"}}));
  }
  SUBCASE("to_json lists all three") {
    CHECK(HostSelector{{"a*"}, {"g"}, {}}.to_json() ==
          json{{"names", {"a*"}}, {"groups", {"g"}}, {"roles", json::array()}});
  }
}

TEST_CASE("read_selector") {
  test::TempDir dir;
  const auto read = [&](const std::string& text) {
    const util::YamlFile file(dir.write("s.yaml", text));
    return read_selector(file, file.root()["hosts"]);
  };
  SUBCASE("absent: every host") {
    CHECK(read("other: 1\n").empty());
  }
  SUBCASE("lists, or a single string") {
    const auto s = read("hosts: {names: [\"web*\", db1], groups: hpc, roles: [pve-node]}\n");
    CHECK(s.names == std::vector<std::string>{"web*", "db1"});
    CHECK(s.groups == std::vector<std::string>{"hpc"});
    CHECK(s.roles == std::vector<std::string>{"pve-node"});
  }
  SUBCASE("unknown keys and wrong shapes name the line") {
    CHECK_THROWS_WITH_AS(read("x: 1\nhosts: {name: [a]}\n"),
                         doctest::Contains(":2: unknown key 'name' in a host selector"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(read("hosts: [a, b]\n"),
                         doctest::Contains(":1: expected a mapping for a host selector"),
                         ConfigError);
    CHECK_THROWS_WITH_AS(read("hosts:\n  names: {a: 1}\n"),
                         doctest::Contains(":2: 'names' must be a list of strings"), ConfigError);
  }
}
