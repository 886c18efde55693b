// The `mount` probe type, and the facts' one reading of the kernel's mount table (fact probe
// f-mounts), from which the mount probes are answered without a findmnt process each.
#pragma once

#include "catalog/fact_output.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

// findmnt's table for one mount point: "TARGET SOURCE FSTYPE OPTIONS" (one line per mount on
// it, columns as findmnt aligns them); exit 3 when it is not a mount point, 5 without findmnt.
std::string mount_command(std::string_view target);

// The fact probe's command for these mount points: for each plain path (letters, digits and
// "/._-" only) a line "path PATH dir CANONICAL" (a folder, CANONICAL its path with symlinks
// resolved), "path PATH none" (nothing there) or "path PATH other"; then the whole mount table,
// one `findmnt -P` line per mount.
std::string mount_fact_command(const std::vector<std::string>& targets);

// From the fact's output, the probe's output and exit code exactly as mount_command gives them
// on the same host; nullopt wherever findmnt's own lookup could differ from a plain comparison of
// paths (a symlink or trailing slash on the way, a path that is some mount's source, a value
// findmnt escapes or aligns by display width), and the probe then runs on the host.
std::optional<std::string> mount_derive(std::string_view target, const FactOutput& fact_output,
                                        int& exit_code);

} // namespace cisscan
