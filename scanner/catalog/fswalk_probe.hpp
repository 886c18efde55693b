// The `fswalk` probe: one `find -xdev` pass over the local filesystems at and below a folder,
// printing every part the filesystem-wide checks read (world-writable files, world-writable
// folders without the sticky bit, files without an owner or a group, SUID and SGID files).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cisscan {

// Lines kept of each part: the totals are always exact, the lists stop at this many entries so
// that the whole output stays within the evidence kept of a probe (64 KiB) on any host.
inline constexpr size_t k_fswalk_lines_per_part = 30;
// Characters of one listed line at most (a longer path is cut and ends with "...").
inline constexpr size_t k_fswalk_line_chars = 300;

// The sh command of the probe for `root` (an absolute path, already validated).
std::string fswalk_command(std::string_view root);

} // namespace cisscan
