#include "history/diff.hpp"

#include "sample_record.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cisscan;
using cisscan::json;
using test::make_host;
using test::make_record;
using test::make_result;

namespace {

json with_key(json host, const json& key) {
  host["identity"]["host_key_sha256"] = key;
  return host;
}

// run-0: a (c1 pass, c2 fail, c3 pass) and gone (c1 pass): 4.1 = 3 of 4 = 75.0.
json old_run() {
  return make_record(
      json::array(
          {with_key(make_host("a", "ok",
                              json::array({make_result("c1", "pass"), make_result("c2", "fail"),
                                           make_result("c3", "pass")})),
                    "K1"),
           make_host("gone", "ok", json::array({make_result("c1", "pass")}))}),
      "run-0");
}

// run-1: a (c1 fail, c2 pass, c3 pass, c9 manual on 5.2, key changed) and fresh (c1 fail):
// 4.1 = 2 of 4 = 50.0.
json new_run() {
  return make_record(
      json::array(
          {with_key(make_host("a", "ok",
                              json::array({make_result("c1", "fail"), make_result("c2", "pass"),
                                           make_result("c3", "pass"),
                                           make_result("c9", "manual", {"5.2"})})),
                    "K2"),
           make_host("fresh", "ok", json::array({make_result("c1", "fail")}))}),
      "run-1");
}

// The same one-host record with c1's status `from` and then `to`.
json transition(const std::string& from, const std::string& to) {
  const auto one = [](const std::string& status, const std::string& id) {
    return make_record(
        json::array({make_host("h", "ok", json::array({make_result("c1", status)}))}), id);
  };
  return diff_records(one(from, "old"), one(to, "new"));
}

} // namespace

TEST_CASE("diff_records") {
  const auto diff = diff_records(old_run(), new_run());
  CHECK(diff["old_run"] == "run-0");
  CHECK(diff["new_run"] == "run-1");
  CHECK(diff["newly_failing"] == json::array({{{"host", "a"},
                                               {"check_id", "c1"},
                                               {"title", "Title of c1"},
                                               {"from", "pass"},
                                               {"to", "fail"},
                                               {"check_changed", false}}}));
  CHECK(diff["newly_passing"] == json::array({{{"host", "a"},
                                               {"check_id", "c2"},
                                               {"title", "Title of c2"},
                                               {"from", "fail"},
                                               {"to", "pass"},
                                               {"check_changed", false}}}));
  CHECK(diff["new_hosts"] == json::array({"fresh"}));
  CHECK(diff["vanished_hosts"] == json::array({"gone"}));
  CHECK(diff["host_key_changed"] == json::array({{{"host", "a"}, {"old", "K1"}, {"new", "K2"}}}));
  CHECK(diff["new_checks"] == json::array({"c9"}));
  CHECK(diff["removed_checks"].empty());
  // 5.2 has no score on either side: not a change.
  CHECK(diff["safeguards"] == json{{"4.1", {{"old", 75.0}, {"new", 50.0}, {"delta", -25.0}}}});
  CHECK(diff["ig1"] == json{{"old", 75.0}, {"new", 50.0}, {"delta", -25.0}});
}

TEST_CASE("diff_records: which status changes are regressions") {
  const auto failing = [](const json& diff) { return diff["newly_failing"].size(); };
  const auto passing = [](const json& diff) { return diff["newly_passing"].size(); };
  for (const std::string from : {"pass", "manual", "not_applicable", "waived"}) {
    for (const std::string to : {"fail", "error"}) {
      CAPTURE(from);
      CAPTURE(to);
      CHECK(failing(transition(from, to)) == 1);
    }
  }
  CHECK(failing(transition("fail", "error")) == 0); // failing before already
  CHECK(failing(transition("error", "fail")) == 0);
  CHECK(passing(transition("fail", "pass")) == 1);
  CHECK(passing(transition("error", "pass")) == 1);
  CHECK(passing(transition("fail", "waived")) == 0); // waived is not fixed
  CHECK(passing(transition("fail", "manual")) == 0);
  CHECK(failing(transition("pass", "pass")) + passing(transition("pass", "pass")) == 0);
}

TEST_CASE("diff_records: unchanged, and edge cases") {
  SUBCASE("a run against itself") {
    const auto diff = diff_records(old_run(), old_run());
    for (const char* key : {"newly_failing", "newly_passing", "new_hosts", "vanished_hosts",
                            "host_key_changed", "new_checks", "removed_checks", "safeguards"}) {
      CAPTURE(key);
      CHECK(diff[key].empty());
    }
    CHECK(diff["ig1"] == json{{"old", 75.0}, {"new", 75.0}, {"delta", 0.0}});
  }
  SUBCASE("a host key only seen now is not a change") {
    auto before = old_run();
    before["hosts"][0]["identity"]["host_key_sha256"] = nullptr;
    CHECK(diff_records(before, old_run())["host_key_changed"].empty());
  }
  SUBCASE("a score that appears or vanishes has no delta") {
    const auto empty = make_record(json::array(), "empty");
    const auto diff = diff_records(empty, old_run());
    CHECK(diff["safeguards"]["4.1"] == json{{"old", nullptr}, {"new", 75.0}, {"delta", nullptr}});
    CHECK(diff["ig1"]["delta"].is_null());
    CHECK(diff["new_hosts"] == json::array({"a", "gone"}));
    CHECK(diff["new_checks"] == json::array({"c1", "c2", "c3"}));
    CHECK(diff_records(old_run(), empty)["removed_checks"] == json::array({"c1", "c2", "c3"}));
  }
  SUBCASE("of hosts that share a name, the last one counts on either side") {
    const auto twice = [](const char* first, const char* last, const char* id) {
      return make_record(
          json::array({make_host("a", "ok", json::array({make_result("c1", first)})),
                       make_host("b", "ok", json::array({make_result("c1", "pass")})),
                       make_host("a", "ok", json::array({make_result("c1", last)}))}),
          id);
    };
    const auto diff = diff_records(twice("pass", "fail", "run-0"), twice("fail", "pass", "run-1"));
    REQUIRE(diff["newly_passing"].size() == 1);
    CHECK(diff["newly_passing"][0]["host"] == "a");
    CHECK(diff["newly_failing"].empty());
    CHECK(diff["new_hosts"].empty());
    CHECK(diff["vanished_hosts"].empty());
  }
  SUBCASE("deltas are rounded to a tenth") {
    // 2 of 3 = 66.7 against 75.0.
    const auto thirds = make_record(
        json::array({make_host("a", "ok",
                               json::array({make_result("c1", "pass"), make_result("c2", "fail"),
                                            make_result("c3", "pass")}))}));
    CHECK(diff_records(old_run(), thirds)["safeguards"]["4.1"]["delta"] == -8.3);
  }
}

TEST_CASE("diff_text") {
  CHECK(diff_text(diff_records(old_run(), new_run())) == "cisscan diff run-0 -> run-1\n"
                                                         "IG1 score: 75.0 -> 50.0 (-25)\n"
                                                         "Newly failing: 1\n"
                                                         "  a  c1  pass -> fail\n"
                                                         "Newly passing: 1\n"
                                                         "  a  c2  fail -> pass\n"
                                                         "New hosts: 1\n"
                                                         "  fresh\n"
                                                         "Vanished hosts: 1\n"
                                                         "  gone\n"
                                                         "Host keys changed: 1\n"
                                                         "  a  K1 -> K2\n"
                                                         "New checks: 1\n"
                                                         "  c9\n"
                                                         "Removed checks: 0\n"
                                                         "Checks whose definition changed: 0\n"
                                                         "Safeguard scores changed: 1\n"
                                                         "  4.1  75.0 -> 50.0 (-25)\n");
  const auto empty = make_record(json::array(), "empty");
  const auto text = diff_text(diff_records(empty, empty));
  CHECK(text.find("IG1 score: n/a -> n/a (n/a)\n") != std::string::npos);
}

// A host that could not be scanned gets an `error` placeholder for every check: not a regression
// of each (a host down is exit 3's business), as the scores leave such hosts out.
TEST_CASE("a host that could not be scanned is not a regression") {
  const auto before = make_record(
      json::array({make_host("a", "ok", json::array({make_result("c1", "pass")}))}), "run-0");
  auto down = make_host("a", "unreachable", json::array({make_result("c1", "error")}));
  down["reason"] = "cannot connect";
  const auto after = make_record(json::array({down}), "run-1");
  CHECK(diff_records(before, after)["newly_failing"].empty());
}

TEST_CASE("diff: signed deltas") {
  const auto scored = [](const std::string& id, double ig1, double s41) {
    auto record = make_record(json::array(), id);
    record["scores"]["ig1"]["score"] = ig1;
    record["scores"]["safeguards"]["4.1"] = {{"score", s41}};
    return record;
  };
  const auto up = diff_text(diff_records(scored("r0", 60.0, 50.0), scored("r1", 63.0, 52.5)));
  CHECK(up.find("IG1 score: 60.0 -> 63.0 (+3)\n") != std::string::npos);
  CHECK(up.find("  4.1  50.0 -> 52.5 (+2.5)\n") != std::string::npos);
  const auto down = diff_text(diff_records(scored("r0", 63.0, 52.5), scored("r1", 61.0, 50.0)));
  CHECK(down.find("IG1 score: 63.0 -> 61.0 (-2)\n") != std::string::npos);
  CHECK(down.find("  4.1  52.5 -> 50.0 (-2.5)\n") != std::string::npos);
  const auto same = diff_text(diff_records(scored("r0", 63.0, 52.5), scored("r1", 63.0, 52.5)));
  CHECK(same.find("IG1 score: 63.0 -> 63.0 (0)\n") != std::string::npos);
}

TEST_CASE("diff: checks whose definition changed are reported apart from host regressions") {
  // c1 fails now on a and b; its definition changed (another sha256). c2 regressed on a with the
  // same definition: that one is a host regression.
  const auto with_sha = [](json result, char sha) {
    result["check_sha256"] = std::string(64, sha);
    return result;
  };
  const auto before = make_record(
      json::array({make_host("a", "ok",
                             json::array({with_sha(make_result("c1", "pass"), 'a'),
                                          make_result("c2", "pass")})),
                   make_host("b", "ok", json::array({with_sha(make_result("c1", "pass"), 'a')}))}),
      "run-0");
  const auto after = make_record(
      json::array({make_host("a", "ok",
                             json::array({with_sha(make_result("c1", "fail"), 'c'),
                                          make_result("c2", "fail")})),
                   make_host("b", "ok", json::array({with_sha(make_result("c1", "fail"), 'c')}))}),
      "run-1");
  const auto diff = diff_records(before, after);
  REQUIRE(diff["changed_checks"].size() == 1);
  const auto& changed = diff["changed_checks"][0];
  CHECK(changed["check_id"] == "c1");
  CHECK(changed["old_sha256"] == std::string(64, 'a'));
  CHECK(changed["new_sha256"] == std::string(64, 'c'));
  CHECK(changed["newly_failing"] == json::array({"a", "b"}));
  CHECK(changed["newly_passing"].empty());
  // The gate's list keeps every new failure, each marked.
  REQUIRE(diff["newly_failing"].size() == 3);
  int marked = 0;
  for (const auto& item : diff["newly_failing"]) {
    CHECK(item["check_changed"] == (item["check_id"] == "c1"));
    marked += item["check_changed"].get<bool>() ? 1 : 0;
  }
  CHECK(marked == 2);
  const auto text = diff_text(diff);
  CHECK(text.find("Newly failing: 1\n  a  c2  pass -> fail\n") != std::string::npos);
  CHECK(text.find("Checks whose definition changed: 1\n  c1  sha256 aaaaaaaaaaaa -> "
                  "cccccccccccc  newly failing: a, b; newly passing: none\n") != std::string::npos);
  // The same definitions on both sides: nothing changed.
  CHECK(diff_records(old_run(), new_run())["changed_checks"].empty());
}
