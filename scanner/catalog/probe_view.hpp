// What a probe gave on one host, as an operator sees it, and what an operator makes of it.
#pragma once

#include "catalog/probe_fields.hpp"
#include "model/status.hpp"

#include <string>
#include <string_view>

namespace cisscan {

struct ProbeType;

struct ProbeView {
  ProbeState state = ProbeState::not_run;
  int exit_code = -1;
  std::string_view output;
  ProbeFields fields; // read by the probe type from a readable output, else monostate
};

// The view of one probe output, its fields read by `type` (may be null) when the state is ok.
ProbeView view_of(const ProbeType* type, ProbeState state, int exit_code, std::string_view output);

// Three-valued: `unreadable` means the operator could not see what it needs; never a pass.
enum class Outcome { pass, fail, unreadable };

struct Verdict {
  Outcome outcome = Outcome::fail;
  std::string expected;
  std::string observed;
};

} // namespace cisscan
