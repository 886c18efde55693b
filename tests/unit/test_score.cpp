#include "score/score.hpp"
#include "shipped_controls.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cisscan;
using cisscan::json;

namespace {

const ControlsCatalog& controls() {
  return test::shipped_controls();
}

json result(const std::string& status, std::vector<std::string> safeguards, double weight = 1.0) {
  return {{"check_id", "c"}, {"status", status}, {"safeguards", safeguards}, {"weight", weight}};
}

// A host that answered has probes; one that never did has placeholder results only.
json host(const std::string& name, const std::string& status, json results) {
  json probes = json::array();
  if (status == "ok") {
    probes.push_back({{"id", "p-1"}});
  }
  return {{"name", name}, {"status", status}, {"probes", probes}, {"results", std::move(results)}};
}

} // namespace

TEST_CASE("score_hosts") {
  // 4.1, 5.4, 5.2, 5.3, 3.3 are IG1; 4.8 is IG2 only.
  const json hosts = json::array({
      host("a", "ok",
           json::array({
               result("pass", {"4.1"}, 3),
               result("fail", {"4.1"}, 1),
               result("error", {"5.4"}),
               result("manual", {"5.2"}),
               result("not_applicable", {"5.3"}),
               result("waived", {"3.3"}, 5),
               result("pass", {"3.3"}),
               result("pass", {"4.8"}),
           })),
      host("b", "ok",
           json::array({
               result("pass", {"4.1"}, 3),
               result("fail", {"4.1"}, 1),
               result("not_applicable", {"5.4"}),
               result("manual", {"5.4"}),
           })),
      host("down", "unreachable",
           json::array({result("error", {"4.1"}, 100), result("error", {"3.3"})})),
      host("template", "skipped", json::array({result("error", {"4.1"})})),
  });
  const auto scores = score_hosts(hosts, controls());

  SUBCASE("fleet per safeguard") {
    const auto& s = scores.at("safeguards");
    CHECK(s.at("4.1").at("score") == 75.0);
    CHECK(s.at("4.1").at("state") == "partial");
    CHECK(s.at("4.1").at("counts").at("pass") == 2);
    CHECK(s.at("4.1").at("counts").at("fail") == 2);
    CHECK(s.at("4.1").at("counts").at("error") == 0); // the unreachable host is not counted
    CHECK(s.at("5.4").at("score") == 0.0);
    CHECK(s.at("5.4").at("state") == "non_compliant");
    CHECK(s.at("5.4").at("counts").at("not_applicable") == 1);
    CHECK(s.at("5.4").at("counts").at("manual") == 1);
    CHECK(s.at("5.2").at("score").is_null());
    CHECK(s.at("5.2").at("state") == "not_assessed");
    CHECK(s.at("5.3").at("score").is_null());
    CHECK(s.at("5.3").at("state") == "not_applicable");
    CHECK(s.at("3.3").at("score") == 100.0);
    CHECK(s.at("3.3").at("state") == "compliant");
    CHECK(s.at("3.3").at("counts").at("waived") == 1);
    CHECK(s.at("4.8").at("score") == 100.0);
  }
  SUBCASE("fleet per control") {
    const auto& c = scores.at("controls");
    // Control 4: 4.1 pass 3+3, fail 1+1 and 4.8 pass 1 -> 7 of 9.
    CHECK(c.at("4").at("score") == 77.8);
    CHECK(c.at("5").at("score") == 0.0);
    CHECK(c.at("3").at("score") == 100.0);
  }
  SUBCASE("IG1: mean over the IG1 safeguards with automated results") {
    const auto& ig1 = scores.at("ig1");
    // 4.1 = 75, 5.4 = 0, 3.3 = 100; 5.2 (manual) and 5.3 (n/a) are not assessed; 4.8 is IG2.
    CHECK(ig1.at("score") == 58.3);
    CHECK(ig1.at("assessed") == 3);
    CHECK(ig1.at("total") == 56);
  }
  SUBCASE("hosts in scope and scanned") {
    CHECK(scores.at("hosts_in_scope") == 3);
    CHECK(scores.at("hosts_scanned") == 2);
  }
  SUBCASE("per host") {
    const auto& per_host = scores.at("hosts");
    CHECK(per_host.at("a").at("status") == "ok");
    CHECK(per_host.at("a").at("safeguards").at("4.1").at("score") == 75.0);
    CHECK(per_host.at("a").at("safeguards").at("5.4").at("score") == 0.0);
    CHECK(per_host.at("a").at("ig1").at("assessed") == 3);
    CHECK(per_host.at("a").at("ig1").at("score") == 58.3);
    CHECK(per_host.at("b").at("ig1").at("assessed") == 1);
    CHECK(per_host.at("b").at("ig1").at("score") == 75.0);
    CHECK(per_host.at("b").at("safeguards").at("5.4").at("state") == "not_assessed");
    CHECK(per_host.at("down").at("status") == "unreachable");
    CHECK(per_host.at("down").at("safeguards").empty());
    CHECK(per_host.at("down").at("ig1").at("score").is_null());
  }
}

TEST_CASE("error counts against the score") {
  const json hosts = json::array(
      {host("a", "ok", json::array({result("pass", {"4.1"}), result("error", {"4.1"})}))});
  const auto scores = score_hosts(hosts, controls());
  CHECK(scores.at("safeguards").at("4.1").at("score") == 50.0);
  CHECK(scores.at("safeguards").at("4.1").at("state") == "partial");
}

TEST_CASE("a result with several safeguards counts for each, and once per control") {
  const json hosts = json::array(
      {host("a", "ok", json::array({result("fail", {"5.2", "5.4"}), result("pass", {"5.2"})}))});
  const auto scores = score_hosts(hosts, controls());
  CHECK(scores.at("safeguards").at("5.2").at("score") == 50.0);
  CHECK(scores.at("safeguards").at("5.4").at("score") == 0.0);
  CHECK(scores.at("controls").at("5").at("score") == 50.0);
  CHECK(scores.at("controls").at("5").at("counts").at("fail") == 1);
}

TEST_CASE("an empty fleet") {
  const auto scores = score_hosts(json::array(), controls());
  CHECK(scores.at("ig1").at("score").is_null());
  CHECK(scores.at("ig1").at("assessed") == 0);
  CHECK(scores.at("ig1").at("total") == 56);
  CHECK(scores.at("hosts_in_scope") == 0);
  CHECK(scores.at("hosts_scanned") == 0);
  CHECK(scores.at("safeguards").empty());
}

TEST_CASE("attestations are shown beside the score, never inside it") {
  const json hosts = json::array(
      {host("a", "ok", json::array({result("pass", {"4.1"}), result("fail", {"5.4"})}))});
  const json attestations = {
      {"entries", json::array({{{"state", "current"}, {"safeguard", "5.2"}},
                               {{"state", "current"}, {"safeguard", "4.1"}},
                               {{"state", "expired"}, {"safeguard", "5.3"}}})}};
  const auto scores = score_hosts(hosts, controls(), attestations);
  const auto& s = scores.at("safeguards");
  CHECK(s.at("5.2").at("state") == "attested");
  CHECK(s.at("5.2").at("score").is_null());
  CHECK(s.at("4.1").at("state") == "compliant");
  CHECK(s.at("4.1").at("score") == 100.0);
  CHECK(s.count("5.3") == 0);
  const auto& ig1 = scores.at("ig1");
  CHECK(ig1.at("score") == 50.0);
  CHECK(ig1.at("automated") == 2);
  CHECK(ig1.at("attested") == 1);
  CHECK(ig1.at("assessed") == 3);
  CHECK(ig1.at("total") == 56);
}
