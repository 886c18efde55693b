// The rows a run adds to the store's tables (runs, hosts, results, scores, record_parts), made
// from the record's members. One place for both ways a run arrives: a record in memory after a
// scan, and a record file streamed host by host by `history --import`.
#pragma once

#include "history/db.hpp"
#include "util/json.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan::run_rows {

// A record's text is stored in parts of at most this many bytes: no database value grows with
// the fleet (SQLite and PostgreSQL refuse values over 1 GB), and neither does a writer's buffer.
inline constexpr size_t k_part_bytes = size_t{16} << 20;

// Each host name's newest earlier host key (to flag a key that changed).
using HostKeys = std::map<std::string, std::string, std::less<>>;

// The `runs` row of the record's `run` and `scores`, `record` left empty (the text is in parts).
SqlRow run_row(const cisscan::json& run, const cisscan::json& scores);

struct HostRows {
  std::vector<SqlRow> hosts;
  std::vector<SqlRow> results;
};

// Adds the rows of one host of the record (and of its results) to `rows`; `score` is the host's
// entry of the record's scores.hosts (null when it has none).
void add_host(const cisscan::json& host, const std::string& run_id, const cisscan::json& score,
              const HostKeys& previous_keys, HostRows& rows);

std::vector<SqlRow> score_rows(const std::string& run_id, const cisscan::json& scores);

// How many bytes of `text` make the next part: at most `max_bytes`, never cutting a UTF-8
// character (each part stays valid text for PostgreSQL). All of it when it fits.
size_t part_length(std::string_view text, size_t max_bytes = k_part_bytes);

} // namespace cisscan::run_rows
