// Run history: every stored run as queryable tables (runs, hosts, results, scores) plus the
// record's exact JSON text, in SQLite or PostgreSQL. The schema is versioned; migrations are
// applied on open; every write is one transaction.
#pragma once

#include "history/db.hpp"
#include "history/diff.hpp"
#include "history/run_rows.hpp"
#include "record/hosts.hpp"
#include "util/json.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

inline constexpr int k_store_schema_version = 3;

struct RunSummary {
  std::string id;
  std::string started_at;
  std::string finished_at;
  std::optional<double> ig1_score;
  int ig1_assessed = 0;
  int hosts_in_scope = 0;
  int hosts_scanned = 0;
};

// Migrations: index i holds the statements that bring the schema from version i to i + 1.
const std::vector<std::vector<std::string>>& store_migrations();

// What a test may change in a store's behaviour (tests/tools/store_tool.cpp); a scan has none.
struct StoreHooks {
  int schema_version = 0;             // migrate only up to this version (0: the latest)
  std::function<void()> inside_write; // called inside each write transaction
};

class HistoryStore {
public:
  // Opens and migrates; throws DbError, or ConfigError for a store newer than this cisscan.
  explicit HistoryStore(const std::string& url, StoreHooks hooks = {});

  int schema_version();
  // Stores the run in one transaction; `record_text` is the report.json written for it (taken
  // over, not copied). Of `record` it reads only the members stored_member() keeps.
  void save(const cisscan::json& record, std::string record_text);
  // The same of a run whose hosts are read one at a time from `hosts` (with their scores.hosts
  // entries) and whose text `write_text` writes, to a temporary file that is stored from there a
  // part at a time: what is held is one host, whatever the fleet.
  using TextWriter = std::function<void(std::ostream& out)>;
  void save(const cisscan::json& record, const HostSource& hosts, const TextWriter& write_text);
  // Whether save() reads a record member (a parser filter, util::KeepMember): a record parsed
  // with it to be stored skips the probes, evidence and catalog.
  static bool stored_member(std::string_view top, int depth, std::string_view key);
  // Stores a record file (checked as load_record checks it) without holding its text or its
  // hosts in memory: memory stays the same whatever the record's size. A run the store already
  // has is left as it is (`stored` false).
  struct Imported {
    std::string run_id;
    bool stored = false;
  };
  Imported import_file(const std::filesystem::path& path);
  std::vector<RunSummary> runs();
  bool has_run(const std::string& run_id);
  std::optional<std::string> export_record(const std::string& run_id);
  // The same written to `out` a part at a time; false when there is no such run.
  bool export_record(const std::string& run_id, std::ostream& out);
  // What `cisscan diff` needs of a run (hosts, host keys, result statuses, scores), read from
  // the tables: much cheaper than parsing the whole record.
  std::optional<cisscan::json> summary_record(const std::string& run_id);
  // Less still, for comparing a run with it (history.since_last_run): its digest, read a host
  // at a time.
  std::optional<RunDigest> digest(const std::string& run_id);
  // The newest run that started before `started_at` (for --baseline latest).
  std::optional<std::string> latest_before(const std::string& started_at);
  // Deletes runs that started before `cutoff` (RFC 3339); returns how many.
  int prune_before(const std::string& cutoff);
  // IG1 score of every stored run, oldest first.
  std::vector<std::pair<std::string, std::optional<double>>> ig1_over_time();
  Db& db() { return *m_db; }

private:
  void migrate();
  // Inserts the run's rows in one transaction: its `runs` row, what `write_hosts` adds given
  // each host's newest earlier key, and its scores.
  void write_run(const cisscan::json& run, const cisscan::json& scores,
                 const std::function<void(const run_rows::HostKeys&)>& write_hosts);
  void insert_hosts(run_rows::HostRows& rows);
  // Inserts the rows of every host of `hosts`, a batch of k_rows_a_batch results at a time.
  void insert_hosts_of(const cisscan::json& record, const HostSource& hosts,
                       const std::string& run_id, const run_rows::HostKeys& previous_keys);
  static constexpr size_t k_rows_a_batch = 10000;
  void insert_part(const std::string& run_id, int part, std::string_view text);
  void insert_parts_of_file(const std::string& run_id, const std::filesystem::path& path);
  // summary_record without its hosts' results.
  std::optional<cisscan::json> summary_head(const std::string& run_id);
  // One host's results as summary_record gives them (the table's key starts with run and host).
  cisscan::json summary_results(const std::string& run_id, const std::string& host,
                                const std::map<std::string, std::string>& hashes);
  // Each check's definition sha256 in the run, read from the stored record's text.
  std::map<std::string, std::string> check_hashes(const std::string& run_id);

  std::string m_url;
  std::unique_ptr<Db> m_db;
  StoreHooks m_hooks;
};

} // namespace cisscan
