// The `sysctl` probe type, and the facts' one reading of every kernel parameter the catalog's
// sysctl probes name (fact probe f-sysctl), from which they are answered without the five
// processes each would start on the host.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

// A kernel parameter as the benchmark audits it: "running=VALUE" (read from /proc/sys in one
// read), then "configured=VALUE" and "configured_in=FILE" (its last assignment across the files
// systemd-sysctl reads), or "configured=(not set in any sysctl configuration file)". Exit 3: no
// such parameter; 4: it cannot be read.
std::string sysctl_command(std::string_view name);

// The fact probe's command for these parameters: for each, in order, a line "@ NAME 3" (no such
// parameter), "@ NAME 4" (cannot be read) or "@ NAME 0 N" and the N lines sysctl_command prints
// for it; the configuration files read once for all of them, the values by one awk. Each probe's
// output and exit code are its block of that output (catalog/fact_blocks.hpp), exactly what
// sysctl_command prints for it on the same host.
std::string sysctl_fact_command(const std::vector<std::string>& names);

} // namespace cisscan
