// The record: one JSON document per run, the single source of every report.
#pragma once

#include "util/json.hpp"
#include "util/json_file.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

inline constexpr const char* k_schema_version = "1.0";

// Throws ConfigError naming the file when it is not a cisscan record, or when a member of the
// record's contract (record/contract.hpp) is missing or of the wrong type: every reader may rely
// on those.
cisscan::json load_record(const std::filesystem::path& path);
// Throws ConfigError "PATH: not a valid cisscan record: hosts[0].results[2]: missing 'status'"
// at the record's first problem against its contract; members `keep` drops are not looked for.
void validate_record(const std::filesystem::path& path, const cisscan::json& record,
                     const util::KeepMember& keep = {});
// The same for one host of a record, hosts[index] (for a reader that takes hosts one by one).
void validate_record_host(const std::filesystem::path& path, size_t index,
                          const cisscan::json& host, const util::KeepMember& keep);
// Reads a record file in one pass over its bytes, holding neither its text nor all its hosts:
// each host, filtered by `keep`, is checked against the contract and handed to `on_host` as soon
// as it is read (hosts are skipped when `on_host` is empty). Returns the other members `keep`
// keeps, checked against the contract, with "hosts" an empty list. Errors as load_record's.
using HostSink = std::function<void(cisscan::json host)>;
cisscan::json stream_record(const std::filesystem::path& path, const util::KeepMember& keep,
                            const HostSink& on_host);
// Only what `cisscan diff` reads (run id and times, hosts with their identity, status and each
// result's check id, status and title, and the scores): the parser drops the rest as it goes.
cisscan::json load_record_summary(const std::filesystem::path& path);

} // namespace cisscan
