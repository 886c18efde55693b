// The store's schema, as the migrations that build it (history/store.hpp).
#include "history/store.hpp"

namespace cisscan {

// Migrations: index i holds the statements that bring the schema from version i to i + 1.
const std::vector<std::vector<std::string>>& store_migrations() {
  static const std::vector<std::vector<std::string>> k_migrations = {
      {
          "CREATE TABLE runs (id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT NOT "
          "NULL, scanner_version TEXT, catalog_digest TEXT, operator TEXT, inventory_source TEXT, "
          "ig1_score DOUBLE PRECISION, ig1_assessed INTEGER, hosts_in_scope INTEGER, hosts_scanned "
          "INTEGER, record TEXT NOT NULL)",
          "CREATE TABLE hosts (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name "
          "TEXT NOT NULL, address TEXT, host_key_sha256 TEXT, machine_id TEXT, status TEXT NOT "
          "NULL, reason TEXT, ig1_score DOUBLE PRECISION, PRIMARY KEY (run_id, name))",
          "CREATE TABLE results (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, host "
          "TEXT NOT NULL, check_id TEXT NOT NULL, status TEXT NOT NULL, original_status TEXT, "
          "title TEXT, safeguards TEXT, benchmark_ref TEXT, PRIMARY KEY (run_id, host, check_id))",
          "CREATE TABLE scores (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
          "safeguard TEXT NOT NULL, score DOUBLE PRECISION, state TEXT NOT NULL, pass INTEGER, "
          "fail INTEGER, error INTEGER, PRIMARY KEY (run_id, safeguard))",
          "CREATE INDEX runs_started ON runs (started_at)",
      },
      {
          "ALTER TABLE hosts ADD COLUMN key_changed INTEGER NOT NULL DEFAULT 0",
          "CREATE INDEX results_check ON results (check_id, status)",
          "CREATE INDEX hosts_name ON hosts (name)",
      },
      {
          // The record's text in parts (run_rows::k_part_bytes each), so that no value grows
          // with the fleet; `runs.record` stays, empty, for stores older tools read.
          "CREATE TABLE record_parts (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
          "part INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (run_id, part))",
          "INSERT INTO record_parts (run_id, part, text) SELECT id, 0, record FROM runs",
          "UPDATE runs SET record = ''",
      },
  };
  return k_migrations;
}

} // namespace cisscan
