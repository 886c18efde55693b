#include "score/safeguard_state.hpp"

#include <doctest/doctest.h>

using cisscan::SafeguardTally;

TEST_CASE("SafeguardTally: weighted pass over pass, fail and error") {
  SafeguardTally t;
  t.add("pass", 3);
  t.add("fail", 1);
  t.add("error", 1);
  CHECK(t.score() == doctest::Approx(60.0));
  CHECK(t.state() == "partial");
}

TEST_CASE("SafeguardTally: manual, not_applicable and waived stay outside the denominator") {
  SafeguardTally t;
  t.add("pass", 1);
  t.add("waived", 5);
  t.add("manual", 1);
  t.add("not_applicable", 1);
  CHECK(t.score() == doctest::Approx(100.0));
  CHECK(t.state() == "compliant");
  CHECK(t.to_json()["counts"]["waived"] == 1);

  SafeguardTally only_waived;
  only_waived.add("waived", 1);
  CHECK_FALSE(only_waived.score().has_value());
  CHECK(only_waived.state() == "not_assessed");
  CHECK_FALSE(cisscan::in_place(only_waived.state()));
  only_waived.attest();
  CHECK(only_waived.state() == "attested");
  CHECK(cisscan::in_place(only_waived.state()));
}

TEST_CASE("SafeguardTally: the states at the edges") {
  SafeguardTally none;
  CHECK(none.state() == "not_assessed");
  SafeguardTally na;
  na.add("not_applicable", 1);
  CHECK(na.state() == "not_applicable");
  SafeguardTally failing;
  failing.add("fail", 1);
  failing.add("error", 2);
  CHECK(failing.score() == doctest::Approx(0.0));
  CHECK(failing.state() == "non_compliant");
  SafeguardTally attested_with_results;
  attested_with_results.add("fail", 1);
  attested_with_results.attest();
  CHECK(attested_with_results.state() == "non_compliant"); // evidence wins over a statement
}
