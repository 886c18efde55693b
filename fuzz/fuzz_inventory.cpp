// The inventory (`--inventory`): any text as the YAML file.
#include "fuzz_input.hpp"

#include "inventory/inventory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const cisscan::fuzz::InputFile file("inventory.yaml");
  const auto& path = file.write(cisscan::fuzz::as_text(data, size));
  cisscan::fuzz::expect_config_errors([&] { cisscan::load_inventory(path); });
  return 0;
}
