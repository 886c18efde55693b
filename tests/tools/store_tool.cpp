// A test's way into the history store's hooks (history/store.hpp StoreHooks), which the scanner
// itself never sets: imports one record file as `cisscan history --import` does, into a store
// migrated only up to an older schema version, or pausing inside the write transaction so that
// a test can kill the process there.
//   cisscan_store_tool URL RECORD [--schema-version N] [--pause SECONDS]
#include "history/store.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s URL RECORD [--schema-version N] [--pause SECONDS]\n", argv[0]);
    return 2;
  }
  cisscan::StoreHooks hooks;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (option == "--schema-version") {
      hooks.schema_version = value;
    } else if (option == "--pause") {
      hooks.inside_write = [value] {
        std::fprintf(stderr, "store_tool: paused inside the store transaction\n");
        std::fflush(stderr);
        std::this_thread::sleep_for(std::chrono::seconds(value));
      };
    } else {
      std::fprintf(stderr, "store_tool: unknown option %s\n", option.c_str());
      return 2;
    }
  }
  try {
    cisscan::HistoryStore store(argv[1], hooks);
    const auto imported = store.import_file(argv[2]);
    std::printf("%s %s\n", imported.run_id.c_str(), imported.stored ? "stored" : "present");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_tool: %s\n", e.what());
    return 1;
  }
}
