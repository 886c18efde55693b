// Writes the chosen report formats of a record under a folder: every file rendered to a temporary
// file first, then all renamed into place, or none: the folder holds the old set or the new one.
#pragma once

#include "reports/formats.hpp"
#include "util/json.hpp"

#include <string>
#include <vector>

namespace cisscan {

// `formats` are names of the format table (cli/output.hpp parses them). Throws ConfigError naming
// --out when the folder or a file cannot be written; the record is then saved in the temporary
// folder and the line says where.
// The record's hosts are read from `hosts`, one at a time.
void write_reports(const cisscan::json& record, const HostSource& hosts,
                   const std::vector<std::string>& formats, const std::string& out_dir,
                   const reports::RenderOptions& options = {});
// The same of a record held whole (its hosts in its "hosts" array).
inline void write_reports(const cisscan::json& record, const std::vector<std::string>& formats,
                          const std::string& out_dir, const reports::RenderOptions& options = {}) {
  write_reports(record, RecordHosts(record), formats, out_dir, options);
}

} // namespace cisscan
