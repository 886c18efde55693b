// A saved record's hosts (a shard's for `cisscan merge`, a run's for `cisscan report`) read into
// a spool one at a time, as a scan's finished hosts go there: the record file is never held
// whole (record/record.hpp, stream_record; record/host_spool.hpp).
#pragma once

#include "pipeline/run.hpp"
#include "record/host_spool.hpp"

#include <filesystem>

namespace cisscan {

// Appends each host of the record file `path` to `spool`, assessed first by `assessor` when it is
// given (its score then goes with it); `index` numbers the hosts across files. Throws
// ConfigError as stream_record does.
void spool_hosts(const std::filesystem::path& path, HostSpool& spool, HostAssessor* assessor,
                 size_t& index);

} // namespace cisscan
