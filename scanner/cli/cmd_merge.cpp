#include "cli/assessment_args.hpp"
#include "cli/commands.hpp"
#include "cli/paths.hpp"
#include "cli/publish.hpp"
#include "pipeline/run.hpp"
#include "record/merge.hpp"
#include "record/record.hpp"
#include "util/clock.hpp"

#include <spdlog/spdlog.h>

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
  std::vector<ShardRecord> shards;
  for (const auto& file : args.records) {
    shards.push_back({file, load_record(file)});
  }
  auto record = merge_shards(std::move(shards), new_run_id(util::rfc3339_now()));
  spdlog::info("merged {} shards: {} hosts", args.records.size(), record["hosts"].size());
  assess_record(record, controls, assessment);
  return publish(record, args.publish, std::move(rules));
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
