#include "record/merge.hpp"

#include "inventory/shard.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <map>

namespace cisscan {

namespace {

Shard shard_of_record(const ShardRecord& shard) {
  const auto& run = shard.record["run"];
  if (!run.contains("shard") || !run["shard"].is_string()) {
    throw ConfigError(shard.file + ": not the record of a shard (no run.shard: it was not made "
                                   "by cisscan scan --shard I/N)");
  }
  try {
    return parse_shard(run["shard"].get<std::string>());
  } catch (const ConfigError&) {
    throw ConfigError(shard.file + ": run.shard '" + run["shard"].get<std::string>() +
                      "' is not I/N");
  }
}

// The shard's run.selection, or null for a record written before selections.
cisscan::json selection_of(const ShardRecord& shard) {
  const auto& run = shard.record["run"];
  return run.contains("selection") ? run["selection"] : cisscan::json();
}

} // namespace

MergedRun merge_shards(const std::vector<ShardRecord>& shards, const std::string& run_id) {
  if (shards.empty()) {
    throw ConfigError("merge: no shard records given");
  }
  std::map<size_t, const ShardRecord*> by_index;
  size_t count = 0;
  const auto digest = shards.front().record["run"]["catalog_digest"];
  for (const auto& shard : shards) {
    const auto s = shard_of_record(shard);
    if (count == 0) {
      count = s.count;
    } else if (s.count != count) {
      throw ConfigError(shard.file + ": shard " + std::to_string(s.index) + "/" +
                        std::to_string(s.count) + " is of a split in " + std::to_string(s.count) +
                        ", " + shards.front().file + " of a split in " + std::to_string(count));
    }
    if (shard.record["run"]["catalog_digest"] != digest) {
      throw ConfigError(shard.file + ": ran another catalog than " + shards.front().file +
                        " (catalog digests differ): shards of one run use one catalog");
    }
    if (selection_of(shard) != selection_of(shards.front())) {
      throw ConfigError(shard.file + ": ran another selection of checks than " +
                        shards.front().file +
                        " (run.selection differs: --profile, --only, --skip): shards of one run "
                        "select the same checks");
    }
    const auto [it, fresh] = by_index.emplace(s.index, &shard);
    if (!fresh) {
      throw ConfigError("merge: shard " + std::to_string(s.index) + "/" + std::to_string(count) +
                        " given twice (" + it->second->file + ", " + shard.file + ")");
    }
  }
  for (size_t i = 0; i < count; ++i) {
    if (by_index.count(i) == 0) {
      throw ConfigError("merge: shard " + std::to_string(i) + "/" + std::to_string(count) +
                        " is missing (give every shard's record)");
    }
  }
  MergedRun merged{by_index.at(0)->record, {}};
  for (const char* assessed :
       {"scores", "risk", "waivers", "attestations", "exception_files", "history"}) {
    merged.record.erase(assessed);
  }
  auto& run = merged.record["run"];
  run.erase("shard");
  run["id"] = run_id;
  run["merged_from"] = cisscan::json::array();
  merged.record["hosts"] = cisscan::json::array();
  for (const auto& [index, shard] : by_index) {
    const auto& other = shard->record["run"];
    run["merged_from"].push_back(other["id"]);
    run["started_at"] =
        std::min(run["started_at"].get<std::string>(), other["started_at"].get<std::string>());
    run["finished_at"] =
        std::max(run["finished_at"].get<std::string>(), other["finished_at"].get<std::string>());
    merged.files.push_back(shard->file);
  }
  return merged;
}

} // namespace cisscan
