// `cisscan merge`: the records of the shards of one inventory (`scan --shard I/N`) joined into
// the record of one run, to be assessed and published like a scan's.
#pragma once

#include "util/json.hpp"

#include <string>
#include <vector>

namespace cisscan {

// A shard's record without its hosts (record/record.hpp, stream_record): the merge reads a
// fleet's hosts one at a time, never every shard whole.
struct ShardRecord {
  std::string file;
  cisscan::json record;
};

struct MergedRun {
  cisscan::json record;           // the run's record, with "hosts" an empty list
  std::vector<std::string> files; // the shards' files in shard order: the hosts' order
};

// Checks that `shards` are the N shards of one run (each run.shard "I/N" once, the same N, the
// same catalog digest and selection) and returns the record of one run: run times spanning
// theirs, `run.merged_from` their run ids, a new run id, and no hosts, which the caller adds in
// the order of `files`; without assessment (scores, risk, exceptions), which the caller applies
// again. Throws ConfigError naming the files.
MergedRun merge_shards(const std::vector<ShardRecord>& shards, const std::string& run_id);

} // namespace cisscan
