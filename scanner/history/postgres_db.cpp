// PostgreSQL through libpq: credentials come from the URL, PGPASSFILE or the environment, and
// are never logged or recorded.
#include "history/db.hpp"
#include "history/libpq.hpp"

namespace cisscan {

namespace {

class PostgresDb : public Db {
public:
  explicit PostgresDb(const std::string& url) : m_pq(libpq()), m_where(redact_url(url)) {
    m_conn = m_pq.connectdb(url.c_str());
    if (m_conn == nullptr || m_pq.status(m_conn) != CONNECTION_OK) {
      std::string message = m_conn != nullptr ? m_pq.errorMessage(m_conn) : "out of memory";
      while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
        message.pop_back();
      }
      m_pq.finish(m_conn);
      m_conn = nullptr;
      throw DbError("cannot connect to PostgreSQL store " + m_where + ": " + message);
    }
    exec("SET client_min_messages TO WARNING", {});
  }

  ~PostgresDb() override { m_pq.finish(m_conn); }

  void exec(const std::string& sql, const std::vector<SqlValue>& params) override {
    query(sql, params);
  }

  std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    std::vector<const char*> values;
    for (const auto& p : params) {
      values.push_back(p ? p->c_str() : nullptr);
    }
    PGresult* result = m_pq.execParams(m_conn, sql.c_str(), static_cast<int>(values.size()),
                                       nullptr, values.data(), nullptr, nullptr, 0);
    const auto status = m_pq.resultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const std::string message = m_pq.resultErrorMessage(result);
      m_pq.clear(result);
      fail(message);
    }
    std::vector<SqlRow> rows;
    for (int r = 0; r < m_pq.ntuples(result); ++r) {
      SqlRow row;
      for (int c = 0; c < m_pq.nfields(result); ++c) {
        if (m_pq.getisnull(result, r, c)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(m_pq.getvalue(result, r, c),
                                       static_cast<size_t>(m_pq.getlength(result, r, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    m_pq.clear(result);
    return rows;
  }

  void insert_rows(const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<SqlRow>& rows) override {
    std::string names;
    for (const auto& column : columns) {
      names += (names.empty() ? "" : ", ") + column;
    }
    PGresult* started =
        m_pq.exec(m_conn, ("COPY " + table + " (" + names + ") FROM STDIN").c_str());
    const bool copying = m_pq.resultStatus(started) == PGRES_COPY_IN;
    std::string message = copying ? "" : m_pq.resultErrorMessage(started);
    m_pq.clear(started);
    if (!copying) {
      fail(message);
    }
    // COPY's text format: tab-separated, \N for NULL, backslash escapes; sent in ~1 MB pieces.
    std::string buffer;
    bool sent = true;
    for (const auto& row : rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        buffer += c == 0 ? "" : "\t";
        if (!row[c]) {
          buffer += "\\N";
          continue;
        }
        for (const char ch : *row[c]) {
          switch (ch) {
          case '\\':
            buffer += "\\\\";
            break;
          case '\n':
            buffer += "\\n";
            break;
          case '\r':
            buffer += "\\r";
            break;
          case '\t':
            buffer += "\\t";
            break;
          default:
            buffer += ch;
          }
        }
      }
      buffer += '\n';
      if (buffer.size() >= (1 << 20)) {
        sent =
            sent && m_pq.putCopyData(m_conn, buffer.data(), static_cast<int>(buffer.size())) == 1;
        buffer.clear();
      }
    }
    if (!buffer.empty()) {
      sent = sent && m_pq.putCopyData(m_conn, buffer.data(), static_cast<int>(buffer.size())) == 1;
    }
    sent = m_pq.putCopyEnd(m_conn, sent ? nullptr : "cisscan: sending rows failed") == 1 && sent;
    // The COPY's outcome, then nothing: read every result so the connection is ready again.
    message.clear();
    while (PGresult* result = m_pq.getResult(m_conn)) {
      if (m_pq.resultStatus(result) != PGRES_COMMAND_OK && message.empty()) {
        message = m_pq.resultErrorMessage(result);
      }
      m_pq.clear(result);
    }
    if (!message.empty() || !sent) {
      fail(message.empty() ? m_pq.errorMessage(m_conn) : message);
    }
  }

  void begin() override { exec("BEGIN", {}); }
  void commit() override { exec("COMMIT", {}); }
  void rollback() override { exec("ROLLBACK", {}); }
  std::string dialect() const override { return "postgresql"; }

private:
  [[noreturn]] void fail(std::string message) const {
    while (!message.empty() && message.back() == '\n') {
      message.pop_back();
    }
    throw DbError(m_where + ": " + message);
  }

  const Libpq& m_pq;
  std::string m_where;
  PGconn* m_conn = nullptr;
};

} // namespace

std::unique_ptr<Db> open_postgres(const std::string& url) {
  return std::make_unique<PostgresDb>(url);
}

} // namespace cisscan
