// A host's record text as the spool writes it. A scan's host entries leave out what every result
// of a check carries the same on every host (its title, benchmarks, digest and whether it needs
// root: half of a host's results with the full catalog), and those members, written as text once
// a run, are put back into each result here: the text is the full entry's, byte for byte.
#pragma once

#include "util/json.hpp"
#include "util/json_text.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cisscan {

// Each check's members that are the same in all its results, by check id, in key order; and
// the members a catalog's probe has on every host that runs it as the catalog wrote it, by
// probe id, in key order, for a lean entry's probe text (pipeline/run.hpp: record_entry). A
// probe whose member differs on a host (a command plan_host changed) is written with its own.
struct ResultMembers {
  // A catalog's probe: what record_entry compares a host's probe with, and its members' text.
  struct Probe {
    std::string type;
    std::string argument;
    std::string command;
    int timeout_seconds = 0;
    std::vector<util::MemberText> members;
  };
  std::unordered_map<std::string, std::vector<util::MemberText>> by_check;
  std::unordered_map<std::string, Probe> by_probe;
};

// The compact JSON text of `host`, each result with its check's `members` (where it has no
// member of that key), and, when `probes` is given, that text in place of the host's "probes"
// member (a lean entry's, pipeline/run.hpp: HostRecordEntry). With no
// members, util::append_compact_json.
void append_host_text(std::string& out, const cisscan::json& host, const ResultMembers* members,
                      std::string_view probes = {});

} // namespace cisscan
