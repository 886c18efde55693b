// Small display helpers shared by the renderers.
#pragma once

#include "util/json.hpp"

#include <string>

namespace cisscan::reports {

// A 0-100 score as "54.3%", or "n/a" when it is not a number (nothing was assessed).
std::string percent(const cisscan::json& score);

// A result's benchmark recommendations: its `benchmarks`, or the one `benchmark` of a record
// written before checks could name several; an array either way.
cisscan::json benchmarks_of(const cisscan::json& result);

// The checks a run selected, from its run.selection, in one line: "profile level2-server, 280 of
// 312 checks; only deb-ssh-*, 5.1.*; skip 5.1.20". Empty for a record without a selection.
std::string selection_text(const cisscan::json& run);

} // namespace cisscan::reports
