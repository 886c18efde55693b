// Check files (`--checks`): any text as one YAML file of the catalog, and as the controls
// catalog (`--controls`). Problems must be diagnostics or a ConfigError.
#include "fuzz_input.hpp"

#include "catalog/controls.hpp"
#include "catalog/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto controls =
      cisscan::ControlsCatalog::load(CISSCAN_SOURCE_DIR "/checks/controls/cis-controls-v8.yaml");
  static const cisscan::fuzz::InputFile file("checks.yaml");
  const auto& path = file.write(cisscan::fuzz::as_text(data, size));
  cisscan::fuzz::expect_config_errors([&] {
    const auto load = cisscan::load_catalog({path}, controls);
    for (const auto& diagnostic : load.diagnostics) {
      (void)diagnostic.to_string();
    }
  });
  cisscan::fuzz::expect_config_errors([&] { cisscan::ControlsCatalog::load(path); });
  return 0;
}
