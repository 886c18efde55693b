// SQLite: an embedded file, WAL journal, writers queue on a busy timeout.
#include "history/db.hpp"

#include "util/error.hpp"

#include <sqlite3.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

namespace cisscan {

namespace {

constexpr int k_busy_timeout_ms = 60'000;

// "$1, $2" -> "?, ?" when the placeholders appear in order (SQLite looks "?NNN" up in a list),
// else "?NNN".
std::string numbered(const std::string& sql) {
  std::string plain;
  std::string indexed;
  int expected = 1;
  bool in_order = true;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '$' && i + 1 < sql.size() &&
        std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      size_t end = i + 1;
      while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) {
        ++end;
      }
      in_order = in_order && std::stoi(sql.substr(i + 1, end - i - 1)) == expected++;
      plain += '?';
      indexed += '?' + sql.substr(i + 1, end - i - 1);
      i = end - 1;
      continue;
    }
    plain += sql[i];
    indexed += sql[i];
  }
  return in_order ? plain : indexed;
}

class SqliteDb : public Db {
public:
  explicit SqliteDb(const std::string& path) : m_path(path) {
    const int rc = sqlite3_open_v2(
        path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    if (rc != SQLITE_OK) {
      const std::string message = m_db != nullptr ? sqlite3_errmsg(m_db) : "out of memory";
      sqlite3_close(m_db);
      m_db = nullptr;
      throw DbError("cannot open SQLite store " + path + ": " + message);
    }
    sqlite3_busy_timeout(m_db, k_busy_timeout_ms);
    sqlite3_extended_result_codes(m_db, 1);
    exec("PRAGMA journal_mode=WAL", {});
    exec("PRAGMA synchronous=NORMAL", {});
    exec("PRAGMA foreign_keys=ON", {});
  }

  ~SqliteDb() override { sqlite3_close(m_db); }

  void exec(const std::string& sql, const std::vector<SqlValue>& params) override {
    query(sql, params);
  }

  std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    Statement stmt(*this, numbered(sql));
    stmt.bind(params);
    std::vector<SqlRow> rows;
    while (stmt.step()) {
      SqlRow row;
      for (int c = 0; c < sqlite3_column_count(stmt.get()); ++c) {
        if (sqlite3_column_type(stmt.get(), c) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), c));
          row.emplace_back(
              std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt.get(), c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<SqlRow>& rows) override {
    std::string names;
    std::string marks;
    for (const auto& column : columns) {
      names += (names.empty() ? "" : ", ") + column;
      marks += marks.empty() ? "?" : ", ?";
    }
    Statement stmt(*this, "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")");
    for (const auto& row : rows) {
      stmt.bind(row);
      while (stmt.step()) {
      }
      sqlite3_reset(stmt.get());
    }
  }

  void begin() override { exec("BEGIN IMMEDIATE", {}); }
  void commit() override { exec("COMMIT", {}); }
  void rollback() override { exec("ROLLBACK", {}); }
  std::string dialect() const override { return "sqlite"; }

private:
  // A prepared statement, finalized when it goes out of scope.
  class Statement {
  public:
    Statement(SqliteDb& db, const std::string& sql) : m_db(db) {
      if (sqlite3_prepare_v2(db.m_db, sql.c_str(), -1, &m_stmt, nullptr) != SQLITE_OK) {
        throw DbError(db.m_path + ": " + sqlite3_errmsg(db.m_db));
      }
    }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    sqlite3_stmt* get() const { return m_stmt; }
    // SQLITE_STATIC: the values outlive the statement's use of them (a run's record text is
    // ~100 MB: no copy).
    void bind(const std::vector<SqlValue>& values) {
      for (size_t i = 0; i < values.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        if (values[i]) {
          sqlite3_bind_text(m_stmt, index, values[i]->data(), static_cast<int>(values[i]->size()),
                            SQLITE_STATIC);
        } else {
          sqlite3_bind_null(m_stmt, index);
        }
      }
    }
    // True while there is a row to read.
    bool step() {
      const int rc = sqlite3_step(m_stmt);
      if (rc == SQLITE_ROW) {
        return true;
      }
      if (rc == SQLITE_DONE) {
        return false;
      }
      if ((rc & 0xff) == SQLITE_BUSY) {
        throw DbError(m_db.m_path + ": the store is locked by another cisscan run (waited " +
                      std::to_string(k_busy_timeout_ms / 1000) + " s)");
      }
      throw DbError(m_db.m_path + ": " + sqlite3_errmsg(m_db.m_db));
    }

  private:
    SqliteDb& m_db;
    sqlite3_stmt* m_stmt = nullptr;
  };

  std::string m_path;
  sqlite3* m_db = nullptr;
};

} // namespace

std::string sqlite_file(const std::string& url) {
  const std::string prefix = "sqlite:";
  if (url.rfind(prefix, 0) != 0) {
    return {};
  }
  if (url.size() > prefix.size()) {
    return url.substr(prefix.size());
  }
  const char* state = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  const std::filesystem::path base =
      state != nullptr && *state != '\0'
          ? std::filesystem::path(state)
          : std::filesystem::path(home != nullptr ? home : "/") / ".local" / "state";
  return (base / "cisscan" / "history.db").string();
}

std::unique_ptr<Db> open_sqlite(const std::string& url) {
  const auto path = sqlite_file(url);
  if (url == "sqlite:") { // the default file's folder is ours to make
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  }
  return std::make_unique<SqliteDb>(path);
}

} // namespace cisscan
