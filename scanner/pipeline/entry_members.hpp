// The parts of a host's record entry that build_record.cpp (the entry as a JSON tree) and
// scan_entry.cpp (the entry as text, for the spool) both write.
#pragma once

#include "catalog/check.hpp"
#include "pipeline/scan.hpp"
#include "util/json.hpp"

namespace cisscan {

// A probe's members that the catalog decides: type, argument, command, timeout_s.
cisscan::json probe_members(const ProbeSpec& spec);
// A result's members that depend on its check alone: check_id, title, benchmarks, benchmark,
// check_sha256, requires_root, safeguards, weight.
cisscan::json check_members(const Check& check);
// The host's entry but its "results" and "probes".
cisscan::json host_members(const HostRun& run);

} // namespace cisscan
