#include "cli/assessment_args.hpp"
#include "cli/commands.hpp"
#include "cli/paths.hpp"
#include "cli/publish.hpp"
#include "pipeline/run.hpp"
#include "record/host_spool.hpp"
#include "record/merge.hpp"
#include "record/record.hpp"
#include "util/clock.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <utility>

namespace cisscan {

namespace {

struct MergeArgs {
  std::vector<std::string> records;
  std::string controls;
  AssessmentArgs assessment;
  PublishArgs publish;
};

int run_merge(const MergeArgs& args) {
  const auto controls = ControlsCatalog::load(
      args.controls.empty() ? default_controls_file() : std::filesystem::path(args.controls));
  const auto assessment = load_assessment(args.assessment, controls);
  auto rules = check_publish(args.publish, controls);
  // Each shard is read twice, a host at a time (record/record.hpp, stream_record): first what is
  // not its hosts, to check that the shards make one run; then its hosts, assessed one by one
  // and spooled to disk as a scan's are. A fleet's shards are never all held in memory. A shard
  // that cannot be read twice (a pipe: `cisscan merge <(...)`) is read once, whole.
  std::vector<ShardRecord> heads;
  std::map<std::string, json> held; // by file: the hosts of a shard read whole
  for (const auto& file : args.records) {
    if (std::filesystem::is_regular_file(file)) {
      heads.push_back({file, stream_record(file, {}, {})});
      continue;
    }
    auto whole = load_record(file);
    held[file] = std::exchange(whole["hosts"], json::array());
    heads.push_back({file, std::move(whole)});
  }
  auto merged = merge_shards(heads, new_run_id(util::rfc3339_now()));
  heads.clear();
  auto& record = merged.record;
  HostAssessor assessor(record, controls, assessment);
  HostSpool spool(0);
  size_t count = 0;
  const auto take = [&](json host) {
    spool.append(host, assessor.add_spooled(host, count));
    ++count;
  };
  for (const auto& file : merged.files) {
    const auto kept = held.find(file);
    if (kept == held.end()) {
      stream_record(file, {}, take);
      continue;
    }
    for (auto& host : kept->second) {
      take(std::move(host));
    }
  }
  spdlog::info("merged {} shards: {} hosts", args.records.size(), count);
  assessor.finish(record);
  return publish(record, spool, args.publish, std::move(rules));
}

} // namespace

std::function<int()> add_merge_command(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand(
      "merge", "Join the records of the shards of one run (scan --shard I/N) into one run");
  cmd->add_option("records", args->records, "Every shard's report.json")->required();
  cmd->add_option("--controls", args->controls, "CIS Controls v8 catalog YAML");
  add_assessment_options(cmd, args->assessment);
  add_publish_options(cmd, args->publish);
  return [args]() { return run_merge(*args); };
}

} // namespace cisscan
