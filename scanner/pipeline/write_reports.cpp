#include "pipeline/write_reports.hpp"

#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/parallel.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <numeric>

namespace cisscan {

namespace {

// A run whose reports cannot be written (a full disk) is not lost: its record goes to the
// temporary folder, and the error line says where.
std::string rescue_record(const cisscan::json& record, const HostSource& hosts,
                          const reports::RenderOptions& options) {
  try {
    const auto* id = record.contains("run") ? &record["run"]["id"] : nullptr;
    const auto name = util::safe_file_name(
        id != nullptr && id->is_string() ? id->get<std::string>() : std::string("record"));
    const auto path = std::filesystem::temp_directory_path() / ("cisscan-" + name + ".json");
    util::write_file_atomic(path, [&](std::ostream& out) {
      reports::write_report(*reports::find_format("json"), record, hosts, options, out);
    });
    return "the record was saved as " + path.string();
  } catch (const std::exception& e) {
    return std::string("the record could not be saved elsewhere either: ") + e.what();
  }
}

// One format's file, rendered by whichever worker takes it.
struct Staged {
  const reports::Format* format;
  std::filesystem::path temp;
  std::filesystem::path target;
  std::exception_ptr error;
};

std::vector<Staged> stage(const std::vector<std::string>& formats, const std::string& out_dir) {
  std::vector<Staged> staged;
  for (const auto& name : formats) {
    const auto* format = reports::find_format(name);
    const auto target = std::filesystem::path(out_dir) / format->file_name;
    auto temp = target;
    temp += ".cisscan-tmp";
    staged.push_back({format, temp, target, nullptr});
  }
  return staged;
}

// Renders every staged format into its temporary file, on as many threads as the machine has
// cores (the record is only read). Each format's error is kept with it.
void render_all(const cisscan::json& record, const HostSource& hosts,
                const reports::RenderOptions& options, std::vector<Staged>& staged) {
  // Workers take HTML first, as it takes longest, so the others finish beside it, not after it.
  std::vector<size_t> order(staged.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_partition(order.begin(), order.end(),
                        [&](size_t i) { return staged[i].format->name == "html"; });
  util::for_each_index(order.size(), [&](size_t i) {
    auto& job = staged[order[i]];
    const auto start = std::chrono::steady_clock::now();
    try {
      util::write_file_atomic(job.temp, [&](std::ostream& out) {
        reports::write_report(*job.format, record, hosts, options, out);
      });
    } catch (...) {
      job.error = std::current_exception();
    }
    spdlog::debug("rendered {} in {} ms", job.format->name,
                  util::milliseconds_between(start, std::chrono::steady_clock::now()));
  });
}

} // namespace

void write_reports(const cisscan::json& record, const HostSource& hosts,
                   const std::vector<std::string>& formats, const std::string& out_dir,
                   const reports::RenderOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    throw ConfigError("--out " + out_dir + ": cannot create the folder: " + ec.message());
  }
  // Each format is rendered and written to a temporary file at once (a fleet's reports are large:
  // never hold them all in memory); only when every one is written are they renamed into place.
  auto jobs = stage(formats, out_dir);
  render_all(record, hosts, options, jobs);
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged;
  for (const auto& job : jobs) {
    staged.emplace_back(job.temp, job.target);
  }
  for (const auto& job : jobs) {
    if (job.error == nullptr) {
      continue;
    }
    for (const auto& [temp, _] : staged) {
      std::filesystem::remove(temp, ec);
    }
    std::string what = "unknown error";
    try {
      std::rethrow_exception(job.error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    throw ConfigError("--out " + out_dir + ": " + what + "; no report was written (those " +
                      "already there are left as they were); " +
                      rescue_record(record, hosts, options));
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
