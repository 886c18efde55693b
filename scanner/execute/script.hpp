// Generates the one POSIX sh script that runs every probe of a host, each framed by the boundary.
#pragma once

#include "catalog/check.hpp"

#include <string>
#include <vector>

namespace cisscan {

struct ScriptOptions {
  std::string boundary;               // random per run, from util::random_hex
  size_t host_cap = k_probe_send_cap; // bytes a probe may send at most (head -c on the host)
  bool prelude = true;                // define the environment and functions first
  bool final_exit = true;             // end with `exit 0`; without it the shell waits for more
  // Probes the host runs side by side: the probes are split into this many lanes (and, where
  // it is 2 or more, one more for each filesystem walk), each run in its own subshell at once,
  // their frames sent lane after lane (frame_order), never mixed.
  size_t lanes = 1;
  // The effective uid the facts saw (digits), or empty: the part sets CISSCAN_UID to it, and a
  // probe that needs it reads ${CISSCAN_UID:-$(id -u)}, so it runs alone as well.
  std::string uid{};
};

// Every probe gets /dev/null as stdin, so no probe can read (or eat) the rest of the script.
// A scan sends two parts over one channel: the facts (prelude, no exit), then, once the facts
// are back, the probes (no prelude, exit).
std::string generate_script(const std::vector<ProbeSpec>& probes, const ScriptOptions& options);
// The probes' ids in the order their frames come back from generate_script with `lanes`.
std::vector<std::string> frame_order(const std::vector<ProbeSpec>& probes, size_t lanes);
// The command the exec channel runs; the script travels over its stdin, never in argv.
std::string remote_command(const std::string& become);
// Saves part `part` of a host's script in `dir` when it is set (scan --dump-scripts, for
// benchmarks), as HOST.PART.sh: the host's name made safe (util::safe_file_name), never a path.
void dump_script(const std::string& dir, const std::string& host, int part,
                 const std::string& script);

} // namespace cisscan
