#include "cli/output.hpp"

#include "reports/formats.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

namespace cisscan {

std::vector<std::string> parse_formats(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    const auto end = std::min(list.find(',', start), list.size());
    const auto name = std::string(util::trim(std::string_view(list).substr(start, end - start)));
    if (!name.empty()) {
      if (reports::find_format(name) == nullptr) {
        std::string known;
        for (const auto& f : reports::formats()) {
          known += (known.empty() ? "" : ", ") + std::string(f.name);
        }
        throw ConfigError("--format: unknown format '" + name + "' (expected " + known + ")");
      }
      out.push_back(name);
    }
    start = end + 1;
  }
  if (out.empty()) {
    throw ConfigError("--format: no format given");
  }
  return out;
}

void add_html_detail_option(CLI::App* cmd, std::string& html_detail) {
  cmd->add_option("--html-detail", html_detail,
                  "HTML report: full (every result with its evidence) or summary (summary, "
                  "IG1 coverage, failing checks and risks; prints in few pages)")
      ->check(CLI::IsMember(reports::html_details()))
      ->capture_default_str();
}

namespace {

// A run whose reports cannot be written (a full disk) is not lost: its record goes to the
// temporary folder, and the error line says where.
std::string rescue_record(const cisscan::json& record, const reports::RenderOptions& options) {
  try {
    const auto* id = record.contains("run") ? &record["run"]["id"] : nullptr;
    const auto name = util::safe_file_name(
        id != nullptr && id->is_string() ? id->get<std::string>() : std::string("record"));
    const auto path = std::filesystem::temp_directory_path() / ("cisscan-" + name + ".json");
    util::write_file_atomic(path, [&](std::ostream& out) {
      reports::write_report(*reports::find_format("json"), record, options, out);
    });
    return "the record was saved as " + path.string();
  } catch (const std::exception& e) {
    return std::string("the record could not be saved elsewhere either: ") + e.what();
  }
}

} // namespace

void write_reports(const cisscan::json& record, const std::vector<std::string>& formats,
                   const std::string& out_dir, const reports::RenderOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    throw ConfigError("--out " + out_dir + ": cannot create the folder: " + ec.message());
  }
  // Each format is rendered and written to a temporary file at once (a fleet's reports are large:
  // never hold them all in memory); only when every one is written are they renamed into place.
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged;
  try {
    for (const auto& name : formats) {
      const auto* format = reports::find_format(name);
      const auto target = std::filesystem::path(out_dir) / format->file_name;
      auto temp = target;
      temp += ".cisscan-tmp";
      const auto start = std::chrono::steady_clock::now();
      util::write_file_atomic(
          temp, [&](std::ostream& out) { reports::write_report(*format, record, options, out); });
      staged.emplace_back(temp, target);
      spdlog::debug("rendered {} in {} ms", format->name,
                    util::milliseconds_between(start, std::chrono::steady_clock::now()));
    }
  } catch (const std::exception& e) {
    for (const auto& [temp, _] : staged) {
      std::filesystem::remove(temp, ec);
    }
    throw ConfigError("--out " + out_dir + ": " + e.what() + "; no report was written (those " +
                      "already there are left as they were); " + rescue_record(record, options));
  }
  try {
    util::rename_all_or_none(staged);
  } catch (const std::runtime_error& e) {
    throw ConfigError(std::string(e.what()) + " (the reports already in " + out_dir +
                      " are left as they were)");
  }
  for (const auto& file : staged) {
    spdlog::info("wrote {}", file.second.string());
  }
}

} // namespace cisscan
