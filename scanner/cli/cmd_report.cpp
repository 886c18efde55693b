#include "cli/assessment_args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/paths.hpp"
#include "pipeline/run.hpp"
#include "pipeline/write_reports.hpp"
#include "record/host_spool.hpp"
#include "record/record.hpp"
#include "util/clock.hpp"
#include "util/leave_to_exit.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace cisscan {

namespace {

struct ReportArgs {
  std::string record;
  std::string formats = "html";
  std::string out = ".";
  std::string controls;
  std::string html_detail = "full";
  AssessmentArgs assessment;
};

// A record larger than this is read a host at a time: held whole, a record takes 4-5 times its
// size in memory (benchmarks/README.md, 2026-12-07 20:00); a smaller one is held whole, as each
// format then renders its hosts without parsing them again.
constexpr std::uintmax_t k_streamed_record_bytes = 64 << 20;

// The saved run's hosts one at a time, through a spool (the HTML report too: it keeps a little of
// each host and reads each again to write its results).
void report_spooled(const ReportArgs& args, const std::vector<std::string>& formats,
                    const ControlsCatalog* controls, const Assessment* assessment) {
  HostSpool spool(0);
  json record;
  if (assessment == nullptr) { // one pass: the hosts as saved
    record = stream_record(args.record, {}, [&](json host) { spool.append(host, json()); });
  } else { // first the run's members, which assessing a host reads; then the hosts
    record = stream_record(args.record, {}, {});
    HostAssessor assessor(record, *controls, *assessment);
    size_t count = 0;
    stream_record(args.record, {}, [&](json host) {
      spool.append(host, assessor.add_spooled(host, count));
      ++count;
    });
    assessor.finish(record);
  }
  write_reports(record, spool, formats, args.out, {args.html_detail});
}

int run_report(const ReportArgs& args) {
  const auto formats = parse_formats(args.formats);
  const auto& a = args.assessment;
  // Newer waivers, attestations or register: apply them to the saved run (the scan's own
  // statuses stay in the record as original_status).
  std::optional<ControlsCatalog> controls;
  std::optional<Assessment> assessment;
  if (!a.waivers.empty() || !a.attestations.empty() || !a.risk.empty() || !a.as_of.empty()) {
    controls.emplace(ControlsCatalog::load(
        args.controls.empty() ? default_controls_file() : std::filesystem::path(args.controls)));
    assessment.emplace(load_assessment(a, *controls));
  }
  std::error_code size_error;
  const auto size = std::filesystem::file_size(args.record, size_error);
  if (!size_error && size > k_streamed_record_bytes) {
    report_spooled(args, formats, controls ? &*controls : nullptr,
                   assessment ? &*assessment : nullptr);
    return k_exit_ok;
  }
  const auto start = std::chrono::steady_clock::now();
  auto record = load_record(args.record);
  spdlog::debug("read {} in {} ms", args.record,
                util::milliseconds_between(start, std::chrono::steady_clock::now()));
  if (assessment) {
    assess_record(record, *controls, *assessment);
  }
  write_reports(record, formats, args.out, {args.html_detail});
  // The command ends here: leave a large record's millions of nodes to the kernel instead of
  // freeing them one by one (0.2-0.3 s for 500 hosts; the process exits next).
  util::leave_to_exit(std::move(record));
  return k_exit_ok;
}

} // namespace

std::function<int()> add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand("report", "Render a saved run record again");
  cmd->add_option("record", args->record, "The run's report.json")->required();
  cmd->add_option("-f,--format", args->formats, "Comma-separated: json,junit,html,md,csv,prom")
      ->capture_default_str();
  cmd->add_option("-o,--out", args->out, "Folder for the reports (default: the current folder)")
      ->capture_default_str();
  cmd->add_option("--controls", args->controls, "CIS Controls v8 catalog YAML");
  add_html_detail_option(cmd, args->html_detail);
  add_assessment_options(cmd, args->assessment);
  return [args]() { return run_report(*args); };
}

} // namespace cisscan
