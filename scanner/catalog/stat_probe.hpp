// The facts' one reading of every path the catalog's `stat` probes name (fact probe f-stat), from
// which they are answered without a process of their own on the host.
#pragma once

#include "catalog/fact_output.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

// What a `stat` probe prints of its path: `stat -c` with this format.
inline constexpr std::string_view k_stat_format = "mode=%a uid=%u gid=%g owner=%U group=%G type=%F";

// The fact probe's command for these absolute paths: one `stat` for all of them, a line
// "PATH<TAB>LINE" for each it could read (LINE: what the stat probe prints), and "PATH<TAB>" for
// each that does not exist in a folder the shell can search (the stat probe's exit 3).
std::string stat_fact_command(const std::vector<std::string>& paths);

// From the fact's output, the stat probe's output exactly as its own command prints it on the
// same host, and its exit code; nullopt where the fact cannot say (a path it did not list: not
// asked, or it could not tell absent from unreadable), and the probe then runs on the host.
std::optional<std::string> stat_derive(std::string_view path, const FactOutput& fact,
                                       int& exit_code);

} // namespace cisscan
