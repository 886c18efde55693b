// The options that select checks from the catalog (scan and list): --profile, --only, --skip.
#pragma once

#include "catalog/selection.hpp"

#include <CLI/CLI.hpp>

namespace cisscan {

void add_selection_options(CLI::App* command, Selection& selection);

} // namespace cisscan
