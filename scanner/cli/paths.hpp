// Where the shipped catalog lives: $CISSCAN_CHECKS_DIR, the installed share folder, or the source
// tree the binary was built from.
#pragma once

#include <filesystem>

namespace cisscan {

std::filesystem::path default_checks_dir();
std::filesystem::path default_controls_file();

} // namespace cisscan
