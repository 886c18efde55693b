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
  Libpq pq;
#define CISSCAN_LIBPQ_RESOLVE(name) resolve(library, soname, "PQ" #name, pq.name);
  CISSCAN_LIBPQ_FUNCTIONS(CISSCAN_LIBPQ_RESOLVE)
#undef CISSCAN_LIBPQ_RESOLVE
  return pq;
}

const Libpq& libpq() {
  static const Libpq loaded = load_libpq(CISSCAN_LIBPQ);
  return loaded;
}

} // namespace cisscan
