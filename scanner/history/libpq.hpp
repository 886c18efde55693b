// libpq, loaded when a PostgreSQL store is first opened rather than linked: linked, it and what
// it pulls in (GnuTLS, Kerberos, LDAP) cost every cisscan process ~6 ms to start, whether or
// not it uses a store (benchmarks/README.md, 2026-12-06 19:15).
#pragma once

#include <libpq-fe.h>

#include <string>

namespace cisscan {

// The libpq functions postgres_db.cpp calls, by their names less "PQ": listed once here, for
// the table below and for load_libpq, which finds each.
#define CISSCAN_LIBPQ_FUNCTIONS(X)                                                                 \
  X(connectdb)                                                                                     \
  X(status)                                                                                        \
  X(errorMessage)                                                                                  \
  X(finish)                                                                                        \
  X(exec)                                                                                          \
  X(execParams)                                                                                    \
  X(resultStatus)                                                                                  \
  X(resultErrorMessage)                                                                            \
  X(ntuples)                                                                                       \
  X(nfields)                                                                                       \
  X(getisnull)                                                                                     \
  X(getvalue)                                                                                      \
  X(getlength)                                                                                     \
  X(clear)                                                                                         \
  X(putCopyData)                                                                                   \
  X(putCopyEnd)                                                                                    \
  X(getResult)

struct Libpq {
#define CISSCAN_LIBPQ_MEMBER(name) decltype(&PQ##name) name = nullptr;
  CISSCAN_LIBPQ_FUNCTIONS(CISSCAN_LIBPQ_MEMBER)
#undef CISSCAN_LIBPQ_MEMBER
};

// The library `soname` with every function above, loaded for the rest of the process. Throws
// DbError naming the library (and what the loader said) when it or a function is missing.
Libpq load_libpq(const std::string& soname);
// load_libpq of the libpq this build was made against, once a process.
const Libpq& libpq();

} // namespace cisscan
