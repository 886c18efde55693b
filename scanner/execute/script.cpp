#include "execute/script.hpp"

#include "util/text.hpp"

namespace cisscan {

namespace {

// cisscan_probe runs a probe under `timeout` with its output capped by `head` (four process
// starts: its own shell under timeout); cisscan_quick runs a quick one (ProbeSpec::quick) in a
// subshell of the script's shell, its positional parameters cleared as `sh -c` has them.
constexpr const char* k_prelude =
    R"SH(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
export PATH LC_ALL
umask 077
renice -n 10 -p $$ >/dev/null 2>&1 &
ionice -c 3 -p $$ >/dev/null 2>&1 &
if command -v timeout >/dev/null 2>&1; then T=timeout; else T=; fi
cisscan_up() {
  U=
  if [ -r /proc/uptime ]; then read -r U _ </proc/uptime; fi
}
cisscan_probe() {
  cisscan_up; u=$U
  printf '%s begin %s\n' "$B" "$1"
  if [ -n "$T" ]; then
    { r=$( { { timeout -k 2 "$2" sh -c "$4" </dev/null 2>&1 3>&- 4>&-; echo $? >&3; } | head -c "$3" >&4; } 3>&1 ); } 4>&1
  else
    { r=$( { { sh -c "$4" </dev/null 2>&1 3>&- 4>&-; echo $? >&3; } | head -c "$3" >&4; } 3>&1 ); } 4>&1
  fi
  cisscan_up
  printf '\n%s end %s %s %s %s %s\n' "$B" "$1" "$r" "$S" "$u" "$U"
}
cisscan_quick() {
  cisscan_up; u=$U
  printf '%s begin %s\n' "$B" "$1"
  ( eval "set --; $2" ) </dev/null 2>&1
  r=$?
  cisscan_up
  printf '\n%s end %s %s %s %s %s\n' "$B" "$1" "$r" "$S" "$u" "$U"
}
)SH";

} // namespace

std::string generate_script(const std::vector<ProbeSpec>& probes, const ScriptOptions& options) {
  std::string script;
  if (options.prelude) {
    script = "B=" + options.boundary + "\n";
    script += k_prelude;
  }
  // The probes' frames go out through dd in 64 KiB writes rather than a few bytes at a time: each
  // write the host's sshd reads becomes a packet the scanner wakes up, decrypts and parses for
  // (~360 a host before, benchmarks/README.md 2026-12-03 15:00). dd ends with the part, so its
  // frames are all out before the scanner needs them. Where dd cannot do that (not GNU), cat.
  // The price: a host cut off at its time limit loses the frames dd still held (under 64 KiB);
  // a probe past its own timeout is still framed, as before.
  // As frames reach the scanner in batches, their arrival says nothing of when each probe ran:
  // every end line carries the host's uptime (/proc/uptime, 10 ms steps) when the part began
  // (S), when the probe began and when it ended (frames.hpp).
  if (!probes.empty()) {
    script += "cisscan_up; S=$U\n{\n";
  }
  for (const auto& probe : probes) {
    if (probe.quick) {
      script += "cisscan_quick " + probe.id + " " + util::shell_quote(probe.command) + "\n";
    } else {
      script += "cisscan_probe " + probe.id + " " + std::to_string(probe.timeout_seconds) + " " +
                std::to_string(options.host_cap) + " " + util::shell_quote(probe.command) + "\n";
    }
  }
  if (!probes.empty()) {
    script += "} | { dd iflag=fullblock bs=65536 status=none 2>/dev/null || cat; }\n";
  }
  if (options.final_exit) {
    script += "exit 0\n";
  }
  return script;
}

std::string remote_command(const std::string& become) {
  return become == "sudo" ? "sudo -n sh -s" : "sh -s";
}

} // namespace cisscan
