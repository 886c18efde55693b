#include "cli/paths.hpp"

#include <cstdlib>
#include <unistd.h>

namespace cisscan {

namespace fs = std::filesystem;

fs::path default_checks_dir() {
  if (const char* env = std::getenv("CISSCAN_CHECKS_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "cisscan" / "checks";
    if (fs::is_directory(installed, ec)) {
      return installed;
    }
  }
  return fs::path(CISSCAN_SOURCE_DIR) / "checks";
}

fs::path default_controls_file() {
  return default_checks_dir() / "controls" / "cis-controls-v8.yaml";
}

} // namespace cisscan
