#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "record/record.hpp"

namespace cisscan {

namespace {

struct ReportArgs {
  std::string record;
  std::string formats = "html";
  std::string out = ".";
};

} // namespace

std::function<int()> add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand("report", "Render a saved run record again");
  cmd->add_option("record", args->record, "The run's report.json")->required();
  cmd->add_option("-f,--format", args->formats, "Comma-separated: json,junit,html")
      ->capture_default_str();
  cmd->add_option("-o,--out", args->out, "Folder for the reports")->capture_default_str();
  return [args]() {
    const auto formats = parse_formats(args->formats);
    const auto record = load_record(args->record);
    write_reports(record, formats, args->out);
    return k_exit_ok;
  };
}

} // namespace cisscan
