// Results: per host values, never stored in the (shared, immutable) check definitions.
#pragma once

#include "catalog/check.hpp"
#include "evaluate/operators.hpp"
#include "execute/frames.hpp"
#include "model/status.hpp"

#include <string>
#include <vector>

namespace cisscan {

// One probe as it ran on one host: its definition, its output (redacted) and its state.
struct ProbeRecord {
  ProbeSpec spec;
  ProbeOutput output;
  ProbeState state = ProbeState::not_run;
};

struct CheckResult {
  CheckPtr check;
  ResultStatus status = ResultStatus::error;
  std::vector<std::string> probe_ids;
  std::string expected;
  std::string observed;
  std::string reason;
};

} // namespace cisscan
