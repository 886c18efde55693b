// The assessment host by host (pipeline/assess.cpp): a scan assesses each host as it ends, in
// whatever order that is, and must give what assess_record gives on the finished record.
#include "pipeline/run.hpp"
#include "risk/register.hpp"

#include "sample_assessment.hpp"
#include "sample_record.hpp"
#include "shipped_controls.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <limits>

#include <string>
#include <vector>

using namespace cisscan;
using cisscan::json;

namespace {

// Five hosts whose one result for 4.1 has these weights, only the fourth passing: summed as
// doubles, first to last or last to first, they round to 6.3 and to 6.2 (0.15 / 2.4 is 6.25).
const std::vector<double> k_weights = {1.1, 0.9, 0.2, 0.15, 0.05};

json hosts() {
  json out = json::array();
  for (size_t i = 0; i < k_weights.size(); ++i) {
    out.push_back(test::make_host(
        "h" + std::to_string(i), "ok",
        json::array(
            {test::make_result("c-weighted", i == 3 ? "pass" : "fail", {"4.1"}, k_weights[i]),
             test::make_result("c-fail", "fail", {"5.2"}),
             test::make_result("c-manual", "manual", {"4.1"})}),
        json::array({"vm"})));
  }
  out.push_back(test::make_host("down", "unreachable",
                                json::array({test::make_result("c-fail", "error", {"5.2"})})));
  return out;
}

// The record assessed with its hosts added in `order` (indices into the record).
json assessed_in(const std::vector<size_t>& order) {
  const auto spec = test::sample_assessment();
  auto record = test::make_record(json::array());
  HostAssessor assessor(record, test::shipped_controls(), spec);
  auto entries = hosts();
  for (const auto index : order) {
    assessor.add(entries[index], index);
  }
  record["hosts"] = entries;
  assessor.finish(record);
  return record;
}

} // namespace

TEST_CASE("HostAssessor: the same assessment whatever order the hosts come in") {
  const auto spec = test::sample_assessment();
  auto whole = test::make_record(hosts());
  assess_record(whole, test::shipped_controls(), spec);

  const auto forward = assessed_in({0, 1, 2, 3, 4, 5});
  const auto backward = assessed_in({5, 4, 3, 2, 1, 0});
  const auto shuffled = assessed_in({3, 0, 5, 2, 4, 1});
  CHECK(forward == whole);
  CHECK(backward == whole);
  CHECK(shuffled == whole);

  // What each list holds is in record order.
  const auto& applied = whole["waivers"]["entries"][0]["applied_to"];
  REQUIRE(applied.size() == 5);
  for (size_t i = 0; i < applied.size(); ++i) {
    CHECK(applied[i]["host"] == "h" + std::to_string(i));
  }
  const auto& covers = whole["attestations"]["entries"][0]["covers"];
  REQUIRE(covers.size() == 5);
  CHECK(covers[4]["host"] == "h4");
  // 0.15 of 2.4 is 6.25: rounded half away from zero, as every order must round it.
  CHECK(whole["scores"]["safeguards"]["4.1"]["score"] == 6.3);
  size_t findings = 0;
  for (const auto& entry : whole["risk"]["entries"]) {
    std::vector<std::string> names;
    for (const auto& finding : entry["findings"]) {
      names.push_back(finding["host"].get<std::string>());
    }
    CHECK(std::is_sorted(names.begin(), names.end()));
    findings += names.size();
  }
  CHECK(findings > 0);
}

TEST_CASE("HostAssessor: a host added for a spool gives its score back and keeps none") {
  const auto spec = test::sample_assessment();
  auto whole = test::make_record(hosts());
  assess_record(whole, test::shipped_controls(), spec);

  auto record = test::make_record(json::array());
  HostAssessor assessor(record, test::shipped_controls(), spec);
  auto entries = hosts();
  json scores = json::object();
  for (size_t index = entries.size(); index-- > 0;) {
    scores[entries[index]["name"].get<std::string>()] = assessor.add_spooled(entries[index], index);
  }
  record["hosts"] = entries;
  assessor.finish(record);
  CHECK(record["scores"]["hosts"] == json::object()); // the spool holds them
  CHECK(scores == whole["scores"]["hosts"]);
  record["scores"]["hosts"] = scores;
  CHECK(record == whole);
}

TEST_CASE("a weight sums as whole millionths: added in any order, a tally scores the same") {
  SafeguardTally forward;
  SafeguardTally backward;
  for (size_t i = 0; i < k_weights.size(); ++i) {
    const auto j = k_weights.size() - 1 - i;
    forward.add(i == 3 ? ResultStatus::pass : ResultStatus::fail, k_weights[i]);
    backward.add(j == 3 ? ResultStatus::pass : ResultStatus::fail, k_weights[j]);
  }
  CHECK(forward.score() == 6.3);
  CHECK(backward.score() == 6.3);
  SafeguardTally odd; // a saved record's weight is not checked: nothing there breaks a score
  odd.add(ResultStatus::pass, -1);
  odd.add(ResultStatus::fail, std::numeric_limits<double>::quiet_NaN());
  CHECK_FALSE(odd.score().has_value());
  odd.add(ResultStatus::pass, 1e300);
  odd.add(ResultStatus::fail, 1e6);
  CHECK(odd.score() == 50.0);
}
