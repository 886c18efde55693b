#include "history/libpq.hpp"

#include "history/db.hpp"

#include <dlfcn.h>

namespace cisscan {

namespace {

// What dlerror() says, or `fallback` when it says nothing.
std::string loader_error(const char* fallback) {
  const char* said = dlerror();
  return said != nullptr ? said : fallback;
}

template <typename Function>
void resolve(void* library, const std::string& soname, const char* name, Function& out) {
  dlerror(); // clear what an earlier call left
  void* symbol = dlsym(library, name);
  if (symbol == nullptr) {
    throw DbError("the PostgreSQL client library " + soname + " has no " + name + " (" +
                  loader_error("not found") + ")");
  }
  out = reinterpret_cast<Function>(symbol);
}

} // namespace

Libpq load_libpq(const std::string& soname) {
  // Never closed: a PGconn must not outlive the code that made it.
  void* library = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    throw DbError(
        "a PostgreSQL store needs the client library " + soname +
        " (Debian package libpq5), which could not be loaded: " + loader_error("not found"));
  }
  Libpq pq{};
  resolve(library, soname, "PQconnectdb", pq.connectdb);
  resolve(library, soname, "PQstatus", pq.status);
  resolve(library, soname, "PQerrorMessage", pq.errorMessage);
  resolve(library, soname, "PQfinish", pq.finish);
  resolve(library, soname, "PQexec", pq.exec);
  resolve(library, soname, "PQexecParams", pq.execParams);
  resolve(library, soname, "PQresultStatus", pq.resultStatus);
  resolve(library, soname, "PQresultErrorMessage", pq.resultErrorMessage);
  resolve(library, soname, "PQntuples", pq.ntuples);
  resolve(library, soname, "PQnfields", pq.nfields);
  resolve(library, soname, "PQgetisnull", pq.getisnull);
  resolve(library, soname, "PQgetvalue", pq.getvalue);
  resolve(library, soname, "PQgetlength", pq.getlength);
  resolve(library, soname, "PQclear", pq.clear);
  resolve(library, soname, "PQputCopyData", pq.putCopyData);
  resolve(library, soname, "PQputCopyEnd", pq.putCopyEnd);
  resolve(library, soname, "PQgetResult", pq.getResult);
  return pq;
}

const Libpq& libpq() {
  static const Libpq loaded = load_libpq(CISSCAN_LIBPQ);
  return loaded;
}

} // namespace cisscan
