// A probe answered from a fact probe's output (the probe type's `derived_from`/`derive`), so it
// needs no process on the host.
#pragma once

#include "evaluate/result.hpp"

#include <cstddef>
#include <vector>

namespace cisscan {

// Appends `spec`'s record, answered from the fact records records[0, fact_count), and returns
// true; false (nothing appended) when its type derives from no fact, the fact did not come back
// whole and with exit 0, or the fact cannot answer it: the probe then runs on the host.
bool derive_probe(const ProbeSpec& spec, std::vector<ProbeRecord>& records, size_t fact_count);

} // namespace cisscan
