// The walk of an expectation tree over a probe's view: each leaf's operator row judges it, each
// combinator's row joins its children's verdicts. No operator is looked up by name here.
#pragma once

#include "catalog/operators.hpp"

namespace cisscan {

Verdict evaluate_expectation(const Expectation& expectation, const ProbeView& probe);
// Whether some leaf of the tree judges the output's text (see OperatorSpec::reads_output).
bool reads_output(const Expectation& expectation);
// Whether some node judges the exit code (a non-zero exit of its command is then no error).
bool reads_exit_code(const Expectation& expectation);

} // namespace cisscan
