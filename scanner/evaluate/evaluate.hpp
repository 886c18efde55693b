// Probe output + expectation -> result status, with what was expected and what was observed.
#pragma once

#include "evaluate/result.hpp"
#include "plan/plan.hpp"

#include <map>
#include <vector>

namespace cisscan {

// The state of a probe from its exit code, by the conventions of its probe type.
ProbeState classify(const ProbeSpec& spec, const ProbeOutput* output);

// `probes` maps probe id to what ran; a planned probe missing from it was not run.
CheckResult evaluate_check(const PlannedCheck& planned,
                           const std::map<std::string, const ProbeRecord*>& probes);
// Every planned check, in order: each probe's output is viewed (its typed fields read) once,
// however many checks and operators judge it.
std::vector<CheckResult> evaluate_checks(const std::vector<PlannedCheck>& planned,
                                         const std::map<std::string, const ProbeRecord*>& probes);

} // namespace cisscan
