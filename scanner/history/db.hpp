// A minimal SQL connection: parameterised statements, rows of nullable text, transactions.
// One implementation per database (sqlite_db.cpp, postgres_db.cpp), chosen by URL scheme.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cisscan {

using SqlValue = std::optional<std::string>; // NULL or text
using SqlRow = std::vector<SqlValue>;

// Raised on any database failure; the message never contains credentials.
class DbError : public std::runtime_error {
public:
  explicit DbError(const std::string& message) : std::runtime_error(message) {}
};

class Db {
public:
  virtual ~Db() = default;
  // `sql` uses $1, $2, ... placeholders in both dialects.
  virtual void exec(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
  virtual std::vector<SqlRow> query(const std::string& sql,
                                    const std::vector<SqlValue>& params = {}) = 0;
  // Inserts many rows of text or NULL into `table` (SQLite: one prepared statement run per row;
  // PostgreSQL: COPY). Each row has one value per column.
  virtual void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                           const std::vector<SqlRow>& rows) = 0;
  // Takes the write lock at once (SQLite: BEGIN IMMEDIATE), so concurrent writers queue.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual std::string dialect() const = 0; // "sqlite" | "postgresql"
};

struct DbKind {
  std::string_view prefix; // URL prefix
  std::unique_ptr<Db> (*open)(const std::string& url);
};

// The store table: one row per database. Throws ConfigError for an unknown or bad URL and
// DbError when the database cannot be opened.
const std::vector<DbKind>& db_kinds();
std::unique_ptr<Db> open_db(const std::string& url);
std::unique_ptr<Db> open_sqlite(const std::string& url);
// The file of a sqlite: URL (`sqlite:` alone: $XDG_STATE_HOME/cisscan/history.db, else
// ~/.local/state/cisscan/history.db); empty for another kind of store.
std::string sqlite_file(const std::string& url);
std::unique_ptr<Db> open_postgres(const std::string& url);
// The URL with any password replaced by ***, for messages.
std::string redact_url(const std::string& url);

} // namespace cisscan
