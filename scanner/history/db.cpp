#include "history/db.hpp"

#include "util/error.hpp"

#include <regex>

namespace cisscan {

const std::vector<DbKind>& db_kinds() {
  static const std::vector<DbKind> k_kinds = {
      {"sqlite:", open_sqlite},
      {"postgresql://", open_postgres},
      {"postgres://", open_postgres},
  };
  return k_kinds;
}

std::unique_ptr<Db> open_db(const std::string& url) {
  for (const auto& kind : db_kinds()) {
    if (url.rfind(kind.prefix, 0) == 0) {
      return kind.open(url);
    }
  }
  throw ConfigError("--store " + redact_url(url) +
                    ": expected sqlite:PATH, sqlite: (the default file) or postgresql://...");
}

std::string redact_url(const std::string& url) {
  // scheme://user:password@host -> scheme://user:***@host; also password=... parameters.
  static const std::regex k_userinfo(R"(^([a-z]+://[^:/@]*):[^@/]*@)");
  static const std::regex k_param(R"((password=)[^&\s]*)");
  return std::regex_replace(std::regex_replace(url, k_userinfo, "$1:***@"), k_param, "$1***");
}

} // namespace cisscan
