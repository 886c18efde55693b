// Generates the one POSIX sh script that runs every probe of a host, each framed by the boundary.
#pragma once

#include "catalog/check.hpp"

#include <string>
#include <vector>

namespace cisscan {

struct ScriptOptions {
  std::string boundary;               // random per run, from util::random_hex
  size_t host_cap = 8 * 1024 * 1024;  // bytes a probe may send at most (head -c on the host)
};

// The script reads nothing from its own stdin after the shell has it: every probe gets /dev/null.
std::string generate_script(const std::vector<ProbeSpec>& probes, const ScriptOptions& options);
// The command the exec channel runs; the script travels over its stdin, never in argv.
std::string remote_command(const std::string& become);

} // namespace cisscan
