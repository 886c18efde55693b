// The report format table: one row per format, each writing the run record to one file.
#pragma once

#include "record/hosts.hpp"
#include "util/json.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan::reports {

// What the command line tells renderers beyond the record (one field per option).
struct RenderOptions {
  // --html-detail: "full" (every result with its evidence) or "summary" (a printable overview).
  std::string html_detail = "full";
};

struct Format {
  std::string_view name;      // as given to --format
  std::string_view file_name; // written under --out
  // Streams the report into `out` (a fleet's reports are tens of MB: never held in memory whole).
  // The record's hosts are read from `hosts`, one at a time, not from record["hosts"].
  void (*write)(const json& record, const HostSource& hosts, const RenderOptions& options,
                std::ostream& out);
};

const std::vector<Format>& formats();
const Format* find_format(std::string_view name);
// Streams one format's report of a record and its hosts.
void write_report(const Format& format, const json& record, const HostSource& hosts,
                  const RenderOptions& options, std::ostream& out);
// The same of a record held whole (its hosts in its "hosts" array).
void write_report(const Format& format, const json& record, const RenderOptions& options,
                  std::ostream& out);
// The values --html-detail accepts.
const std::vector<std::string>& html_details();
// The report of a known format of a record held whole, as a string (for the store, and tests).
std::string render(std::string_view format, const json& record);

void write_json(const json& record, const HostSource& hosts, const RenderOptions& options,
                std::ostream& out);
void write_junit(const json& record, const HostSource& hosts, const RenderOptions& options,
                 std::ostream& out);
void write_html(const json& record, const HostSource& hosts, const RenderOptions& options,
                std::ostream& out);
void write_markdown(const json& record, const HostSource& hosts, const RenderOptions& options,
                    std::ostream& out);
void write_csv(const json& record, const HostSource& hosts, const RenderOptions& options,
               std::ostream& out);
void write_prometheus(const json& record, const HostSource& hosts, const RenderOptions& options,
                      std::ostream& out);

} // namespace cisscan::reports
