// libpq, loaded when a PostgreSQL store is first opened rather than linked: linked, it and what
// it pulls in (GnuTLS, Kerberos, LDAP) cost every cisscan process ~6 ms to start, whether or
// not it uses a store (benchmarks/README.md, 2026-12-06 19:15).
#pragma once

#include <libpq-fe.h>

#include <string>

namespace cisscan {

// The libpq functions postgres_db.cpp calls, by their names less "PQ".
struct Libpq {
  decltype(&PQconnectdb) connectdb;
  decltype(&PQstatus) status;
  decltype(&PQerrorMessage) errorMessage;
  decltype(&PQfinish) finish;
  decltype(&PQexec) exec;
  decltype(&PQexecParams) execParams;
  decltype(&PQresultStatus) resultStatus;
  decltype(&PQresultErrorMessage) resultErrorMessage;
  decltype(&PQntuples) ntuples;
  decltype(&PQnfields) nfields;
  decltype(&PQgetisnull) getisnull;
  decltype(&PQgetvalue) getvalue;
  decltype(&PQgetlength) getlength;
  decltype(&PQclear) clear;
  decltype(&PQputCopyData) putCopyData;
  decltype(&PQputCopyEnd) putCopyEnd;
  decltype(&PQgetResult) getResult;
};

// The library `soname` with every function above, loaded for the rest of the process. Throws
// DbError naming the library (and what the loader said) when it or a function is missing.
Libpq load_libpq(const std::string& soname);
// load_libpq of the libpq this build was made against, once a process.
const Libpq& libpq();

} // namespace cisscan
