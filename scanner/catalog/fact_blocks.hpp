// The block format of the facts that answer many probes at once (f-sysctl, f-accounts): for each
// probe's argument, in any order, a header "@ NAME CODE [N]" and the N lines the probe's own
// command prints (none when N is left out), CODE being its exit code.
#pragma once

#include "catalog/fact_output.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cisscan {

// NAME's lines and exit code from such a fact's output; nullopt where it has no block for NAME
// or the output does not follow the format (the probe then runs on the host). Each header says
// how many lines follow it, so no line of a block is ever taken for a header.
std::optional<std::string> fact_block(std::string_view name, const FactOutput& fact_output,
                                      int& exit_code);

} // namespace cisscan
