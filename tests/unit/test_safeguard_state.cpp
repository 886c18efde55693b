#include "model/record_status.hpp"
#include "score/safeguard_state.hpp"

#include <doctest/doctest.h>

using cisscan::SafeguardTally;
using R = cisscan::ResultStatus;
using S = cisscan::SafeguardState;

TEST_CASE("SafeguardTally: weighted pass over pass, fail and error") {
  SafeguardTally t;
  t.add(R::pass, 3);
  t.add(R::fail, 1);
  t.add(R::error, 1);
  CHECK(t.score() == doctest::Approx(60.0));
  CHECK(t.state() == S::partial);
}

TEST_CASE("SafeguardTally: manual, not_applicable and waived stay outside the denominator") {
  SafeguardTally t;
  t.add(R::pass, 1);
  t.add(R::waived, 5);
  t.add(R::manual, 1);
  t.add(R::not_applicable, 1);
  CHECK(t.score() == doctest::Approx(100.0));
  CHECK(t.state() == S::compliant);
  CHECK(t.to_json()["counts"]["waived"] == 1);

  SafeguardTally only_waived;
  only_waived.add(R::waived, 1);
  CHECK_FALSE(only_waived.score().has_value());
  CHECK(only_waived.state() == S::not_assessed);
  CHECK_FALSE(cisscan::in_place(only_waived.state()));
  only_waived.attest();
  CHECK(only_waived.state() == S::attested);
  CHECK(cisscan::in_place(only_waived.state()));
}

TEST_CASE("SafeguardTally: the states at the edges") {
  SafeguardTally none;
  CHECK(none.state() == S::not_assessed);
  SafeguardTally na;
  na.add(R::not_applicable, 1);
  CHECK(na.state() == S::not_applicable);
  SafeguardTally failing;
  failing.add(R::fail, 1);
  failing.add(R::error, 2);
  CHECK(failing.score() == doctest::Approx(0.0));
  CHECK(failing.state() == S::non_compliant);
  SafeguardTally attested_with_results;
  attested_with_results.add(R::fail, 1);
  attested_with_results.attest();
  CHECK(attested_with_results.state() == S::non_compliant); // evidence wins over a statement
}

TEST_CASE("Vocabulary: every word reads back as its value, an unknown word as nothing") {
  for (const auto status : cisscan::k_result_statuses.values()) {
    CHECK(cisscan::parse_result_status(cisscan::to_string(status)) == status);
  }
  for (const auto state : cisscan::k_safeguard_states.values()) {
    CHECK(cisscan::parse_safeguard_state(cisscan::to_string(state)) == state);
  }
  for (const auto status : cisscan::k_host_statuses.values()) {
    CHECK(cisscan::parse_host_status(cisscan::to_string(status)) == status);
  }
  CHECK_FALSE(cisscan::parse_result_status("passed").has_value());
  CHECK_FALSE(cisscan::parse_host_status("").has_value());
  CHECK(cisscan::to_string(R::not_applicable) == "not_applicable");
  CHECK(cisscan::to_string(S::non_compliant) == "non_compliant");
  CHECK(cisscan::to_string(cisscan::HostStatus::skipped) == "skipped");
  CHECK(cisscan::to_string(cisscan::RiskState::no_evidence) == "no_evidence");
}

TEST_CASE("Vocabulary: a record's words, and what an unknown one reads as") {
  const auto result = cisscan::json::parse(R"({"status": "waived"})");
  CHECK(cisscan::result_status(result) == R::waived);
  CHECK(cisscan::is_finding(cisscan::result_status(result)));
  // Never a pass: an unknown or missing word is an error.
  CHECK(cisscan::result_status(cisscan::json::parse(R"({"status": "passed"})")) == R::error);
  CHECK(cisscan::host_status(cisscan::json::object()) == cisscan::HostStatus::error);
  CHECK(cisscan::safeguard_state(cisscan::json::parse(R"({"state": "partial"})")) == S::partial);
  CHECK(cisscan::safeguard_state(cisscan::json()) == S::not_assessed);
}
