// Text that is safe inside XML 1.0: invalid UTF-8 replaced, forbidden control characters shown
// as \xNN escapes.
#pragma once

#include <string>
#include <string_view>

namespace cisscan::reports {

std::string xml_safe(std::string_view text);

} // namespace cisscan::reports
