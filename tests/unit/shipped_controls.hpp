// The shipped CIS Controls v8 catalog, loaded once for the unit tests that need it.
#pragma once

#include "catalog/controls.hpp"

namespace cisscan::test {

inline const ControlsCatalog& shipped_controls() {
  static const auto catalog =
      ControlsCatalog::load(CISSCAN_SOURCE_DIR "/checks/controls/cis-controls-v8.yaml");
  return catalog;
}

} // namespace cisscan::test
