// A hostile host's probe channel: any byte stream, fed to the frame parser whole.
#include "frame_parser.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parser = cisscan::fuzz::make_parser();
  parser.feed(cisscan::fuzz::as_text(data, size));
  parser.finish();
  cisscan::fuzz::check_bounds(parser);
  return 0;
}
