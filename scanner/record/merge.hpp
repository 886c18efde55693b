// `cisscan merge`: the records of the shards of one inventory (`scan --shard I/N`) joined into
// the record of one run, to be assessed and published like a scan's.
#pragma once

#include "util/json.hpp"

#include <string>
#include <vector>

namespace cisscan {

struct ShardRecord {
  std::string file;
  cisscan::json record;
};

// Checks that `shards` are the N shards of one run (each run.shard "I/N" once, the same N, the
// same catalog digest) and returns one record: their hosts in shard order, run times spanning
// theirs, `run.merged_from` their run ids, a new run id; without assessment (scores, risk,
// exceptions), which the caller applies again. Throws ConfigError naming the files.
cisscan::json merge_shards(std::vector<ShardRecord> shards, const std::string& run_id);

} // namespace cisscan
