#include "history/store.hpp"

#include "record/record.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/json_file.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace cisscan {

namespace {

using cisscan::json;

// The hosts of a record file as they stream past, filtered by `keep`, read once.
class StreamedHosts final : public HostSource {
public:
  StreamedHosts(const std::filesystem::path& path, const util::KeepMember& keep)
      : m_path(path), m_keep(keep) {}
  size_t size() const override { return 0; } // not known before they are read
  void each(const std::function<void(const json& host)>& fn) const override {
    stream_record(m_path, m_keep, [&](json host) { fn(host); });
  }

private:
  const std::filesystem::path& m_path;
  const util::KeepMember& m_keep;
};

} // namespace

HistoryStore::HistoryStore(const std::string& url, StoreHooks hooks)
    : m_url(url), m_db(open_db(url)), m_hooks(std::move(hooks)) {
  migrate();
}

int HistoryStore::schema_version() {
  const auto rows = m_db->query("SELECT version FROM cisscan_schema");
  return rows.empty() || !rows[0][0] ? 0 : std::stoi(*rows[0][0]);
}

void HistoryStore::migrate() {
  m_db->begin();
  try {
    m_db->exec("CREATE TABLE IF NOT EXISTS cisscan_schema (version INTEGER NOT NULL)");
    auto rows = m_db->query("SELECT version FROM cisscan_schema");
    if (rows.empty()) {
      m_db->exec("INSERT INTO cisscan_schema (version) VALUES (0)");
      rows = m_db->query("SELECT version FROM cisscan_schema");
    }
    int version = std::stoi(rows[0][0].value_or("0"));
    const int target = m_hooks.schema_version > 0
                           ? std::min(m_hooks.schema_version, k_store_schema_version)
                           : k_store_schema_version;
    if (version > k_store_schema_version) {
      m_db->rollback();
      throw ConfigError("--store " + redact_url(m_url) + ": the store has schema version " +
                        std::to_string(version) + ", newer than this cisscan understands (" +
                        std::to_string(k_store_schema_version) + "); upgrade cisscan");
    }
    for (; version < target; ++version) {
      for (const auto& statement : store_migrations()[static_cast<size_t>(version)]) {
        m_db->exec(statement);
      }
      m_db->exec("UPDATE cisscan_schema SET version = $1", {std::to_string(version + 1)});
    }
    m_db->commit();
  } catch (const DbError&) {
    m_db->rollback();
    throw;
  }
}

bool HistoryStore::stored_member(std::string_view top, int depth, std::string_view key) {
  // Depths as util::KeepMember counts them: 1 the record's keys; under "hosts", 3 a host's keys
  // and 5 a result's. Everything under "run" and "scores" is read.
  if (depth > 1 && top != "hosts") {
    return true;
  }
  static const std::set<std::string, std::less<>> k_unread_record = {
      "catalog", "checks", "risk", "waivers", "attestations", "exception_files", "history"};
  static const std::set<std::string, std::less<>> k_unread_host = {"probes", "facts", "stats",
                                                                   "roles", "groups"};
  static const std::set<std::string, std::less<>> k_unread_result = {
      "expected", "observed", "probe_ids",   "check_sha256", "weight",      "requires_root",
      "risks",    "waiver",   "attestation", "rationale",    "remediation", "reason"};
  switch (depth) {
  case 1:
    return k_unread_record.count(key) == 0;
  case 3:
    return k_unread_host.count(key) == 0;
  case 5:
    return k_unread_result.count(key) == 0;
  default:
    return true;
  }
}

void HistoryStore::save(const json& record, std::string record_text) {
  const auto run_id = record["run"]["id"].get<std::string>();
  write_run(record["run"], record["scores"], [&](const run_rows::HostKeys& previous_keys) {
    insert_hosts_of(record, RecordHosts(record), run_id, previous_keys);
    std::string_view rest = record_text;
    for (int part = 0; part == 0 || !rest.empty(); ++part) {
      const auto length = run_rows::part_length(rest);
      insert_part(run_id, part, rest.substr(0, length));
      rest.remove_prefix(length);
    }
  });
}

void HistoryStore::save(const json& record, const HostSource& hosts, const TextWriter& write_text) {
  const util::TempFile text("cisscan-record");
  {
    std::ofstream out(text.path(), std::ios::binary | std::ios::trunc);
    write_text(out);
    out.flush();
    if (!out) {
      throw std::runtime_error("cannot write the run's record to " + text.path().string() +
                               " to store it");
    }
  }
  const auto run_id = record["run"]["id"].get<std::string>();
  write_run(record["run"], record["scores"], [&](const run_rows::HostKeys& previous_keys) {
    insert_hosts_of(record, hosts, run_id, previous_keys);
    insert_parts_of_file(run_id, text.path());
  });
}

void HistoryStore::insert_hosts_of(const json& record, const HostSource& hosts,
                                   const std::string& run_id,
                                   const run_rows::HostKeys& previous_keys) {
  run_rows::HostRows rows;
  hosts.each_scored(record, [&](const json& host, const json& score) {
    run_rows::add_host(host, run_id, score, previous_keys, rows);
    if (rows.results.size() >= k_rows_a_batch) {
      insert_hosts(rows);
      rows = {};
    }
  });
  insert_hosts(rows);
}

HistoryStore::Imported HistoryStore::import_file(const std::filesystem::path& path) {
  // Two passes over the file, neither holding its text or all its hosts: the run and scores
  // first (the hosts' rows need them, and the record's keys put "hosts" before both), then the
  // hosts one at a time, their rows written in batches. Then the text, a part at a time.
  const util::KeepMember head_only = [](std::string_view top, int depth, std::string_view key) {
    return top != "hosts" && stored_member(top, depth, key);
  };
  const auto head = stream_record(path, head_only, {});
  const auto& run = head["run"];
  const auto& scores = head["scores"];
  const auto run_id = run["id"].get<std::string>();
  if (has_run(run_id)) {
    return {run_id, false};
  }
  write_run(run, scores, [&](const run_rows::HostKeys& previous_keys) {
    const util::KeepMember hosts_only = [](std::string_view top, int depth, std::string_view key) {
      return (depth > 1 || key == "hosts" || key == "schema_version") &&
             stored_member(top, depth, key);
    };
    insert_hosts_of(head, StreamedHosts(path, hosts_only), run_id, previous_keys);
    insert_parts_of_file(run_id, path);
  });
  return {run_id, true};
}

void HistoryStore::write_run(const json& run, const json& scores,
                             const std::function<void(const run_rows::HostKeys&)>& write_hosts) {
  const auto run_id = run["id"].get<std::string>();
  m_db->begin();
  try {
    m_db->exec("INSERT INTO runs (id, started_at, finished_at, scanner_version, catalog_digest, "
               "operator, inventory_source, ig1_score, ig1_assessed, hosts_in_scope, "
               "hosts_scanned, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
               run_rows::run_row(run, scores));
    if (m_hooks.inside_write) {
      m_hooks.inside_write();
    }
    // Same host across runs: same name; a different host key is shown as a change. Each name's
    // newest earlier key, in one query.
    run_rows::HostKeys previous_keys;
    for (auto& row : m_db->query(
             "SELECT name, host_key_sha256 FROM (SELECT h.name, h.host_key_sha256, ROW_NUMBER() "
             "OVER (PARTITION BY h.name ORDER BY r.started_at DESC) AS newest FROM hosts h JOIN "
             "runs r ON r.id = h.run_id WHERE r.started_at < $1 AND h.host_key_sha256 IS NOT "
             "NULL) AS earlier WHERE newest = 1",
             {run["started_at"].get<std::string>()})) {
      previous_keys.emplace(row[0].value_or(""), row[1].value_or(""));
    }
    write_hosts(previous_keys);
    m_db->insert_rows("scores", {"run_id", "safeguard", "score", "state", "pass", "fail", "error"},
                      run_rows::score_rows(run_id, scores));
    m_db->commit();
  } catch (...) {
    m_db->rollback();
    throw;
  }
}

void HistoryStore::insert_hosts(run_rows::HostRows& rows) {
  std::vector<std::string> host_columns = {"run_id",          "name",       "address",
                                           "host_key_sha256", "machine_id", "status",
                                           "reason",          "ig1_score",  "key_changed"};
  if (schema_version() < 2) { // only under the test hook that builds an older store
    host_columns.pop_back();
    for (auto& row : rows.hosts) {
      row.pop_back();
    }
  }
  m_db->insert_rows("hosts", host_columns, rows.hosts);
  m_db->insert_rows("results",
                    {"run_id", "host", "check_id", "status", "original_status", "title",
                     "safeguards", "benchmark_ref"},
                    rows.results);
}

void HistoryStore::insert_part(const std::string& run_id, int part, std::string_view text) {
  if (schema_version() < 3) { // only under the test hook that builds an older store
    m_db->exec("UPDATE runs SET record = record || $1 WHERE id = $2", {std::string(text), run_id});
    return;
  }
  m_db->exec("INSERT INTO record_parts (run_id, part, text) VALUES ($1, $2, $3)",
             {run_id, std::to_string(part), std::string(text)});
}

void HistoryStore::insert_parts_of_file(const std::string& run_id,
                                        const std::filesystem::path& path) {
  const auto file = util::open_json_file(path);
  std::string buffer;
  int part = 0;
  for (bool end = false; !end;) {
    const auto kept = buffer.size();
    buffer.resize(run_rows::k_part_bytes);
    const auto read = std::fread(buffer.data() + kept, 1, buffer.size() - kept, file.get());
    buffer.resize(kept + read);
    if (std::ferror(file.get()) != 0) {
      throw ConfigError(path.string() + ": cannot read");
    }
    end = buffer.size() < run_rows::k_part_bytes;
    const auto length = end ? buffer.size() : run_rows::part_length(buffer, buffer.size() - 1);
    if (part == 0 || length > 0) {
      insert_part(run_id, part++, std::string_view(buffer).substr(0, length));
    }
    buffer.erase(0, length);
  }
}

std::vector<RunSummary> HistoryStore::runs() {
  std::vector<RunSummary> out;
  for (const auto& row :
       m_db->query("SELECT id, started_at, finished_at, ig1_score, ig1_assessed, hosts_in_scope, "
                   "hosts_scanned FROM runs ORDER BY started_at, id")) {
    RunSummary s;
    s.id = row[0].value_or("");
    s.started_at = row[1].value_or("");
    s.finished_at = row[2].value_or("");
    if (row[3]) {
      s.ig1_score = std::stod(*row[3]);
    }
    s.ig1_assessed = std::stoi(row[4].value_or("0"));
    s.hosts_in_scope = std::stoi(row[5].value_or("0"));
    s.hosts_scanned = std::stoi(row[6].value_or("0"));
    out.push_back(std::move(s));
  }
  return out;
}

bool HistoryStore::has_run(const std::string& run_id) {
  return !m_db->query("SELECT 1 FROM runs WHERE id = $1", {run_id}).empty();
}

std::optional<std::string> HistoryStore::export_record(const std::string& run_id) {
  std::ostringstream text;
  if (!export_record(run_id, text)) {
    return std::nullopt;
  }
  return std::move(text).str();
}

bool HistoryStore::export_record(const std::string& run_id, std::ostream& out) {
  const auto rows = m_db->query("SELECT COUNT(*) FROM runs WHERE id = $1", {run_id});
  if (rows.empty() || rows[0][0].value_or("0") == "0") {
    return false;
  }
  const auto parts = m_db->query("SELECT COUNT(*) FROM record_parts WHERE run_id = $1", {run_id});
  const int count = std::stoi(parts[0][0].value_or("0"));
  for (int part = 0; part < count; ++part) { // one part in memory at a time
    const auto text = m_db->query("SELECT text FROM record_parts WHERE run_id = $1 AND part = $2",
                                  {run_id, std::to_string(part)});
    if (text.empty() || !text[0][0]) {
      throw DbError("the store lacks part " + std::to_string(part) + " of run " + run_id);
    }
    out << *text[0][0];
  }
  return true;
}

std::optional<std::string> HistoryStore::latest_before(const std::string& started_at) {
  const auto rows = m_db->query(
      "SELECT id FROM runs WHERE started_at < $1 ORDER BY started_at DESC LIMIT 1", {started_at});
  if (rows.empty()) {
    return std::nullopt;
  }
  return rows[0][0];
}

int HistoryStore::prune_before(const std::string& cutoff) {
  m_db->begin();
  try {
    const auto doomed = m_db->query("SELECT id FROM runs WHERE started_at < $1", {cutoff});
    for (const char* table : {"record_parts", "scores", "results", "hosts"}) {
      m_db->exec(std::string("DELETE FROM ") + table +
                     " WHERE run_id IN (SELECT id FROM runs WHERE started_at < $1)",
                 {cutoff});
    }
    m_db->exec("DELETE FROM runs WHERE started_at < $1", {cutoff});
    m_db->commit();
    return static_cast<int>(doomed.size());
  } catch (...) {
    m_db->rollback();
    throw;
  }
}

std::vector<std::pair<std::string, std::optional<double>>> HistoryStore::ig1_over_time() {
  std::vector<std::pair<std::string, std::optional<double>>> out;
  for (const auto& row :
       m_db->query("SELECT started_at, ig1_score FROM runs ORDER BY started_at")) {
    out.emplace_back(row[0].value_or(""),
                     row[1] ? std::optional<double>(std::stod(*row[1])) : std::nullopt);
  }
  return out;
}

} // namespace cisscan
