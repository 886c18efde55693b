#include "execute/script.hpp"

#include "util/files.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <map>

namespace cisscan {

namespace {

// cisscan_probe runs a probe under `timeout` with its output capped by `head` (four process
// starts: its own shell under timeout); cisscan_quick runs a quick one (ProbeSpec::quick) in a
// subshell of the script's shell, its positional parameters cleared as `sh -c` has them.
constexpr const char* k_prelude =
    R"SH(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
export PATH LC_ALL
unset CISSCAN_UID
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

bool is_walk(const ProbeSpec& probe) {
  return probe.type == "fswalk";
}

// A probe's expected cost on the host, roughly, in quick probes (the booted hosts of
// benchmarks/booted_scan.py take ~7 ms for one run alone, ~10 in a lane beside another): a
// quick probe 1, a wrapped one 4 (the wrapper's four process starts are ~10 ms of it; the three
// wrapped probes of the booted bookworm's second part take 24-33 ms), one allowed longer than
// the default 30 s (the homes' walk) 8; the filesystem walk, as long as the rest together on an
// ordinary host, outweighs them all (split_lanes gives it a lane of its own). A probe that
// states its cost (ProbeSpec::cost: the facts, and `cost:` in a check file, such as sshd -T's
// 5, root's login shell's 5 and the kernel modules' 3) weighs that.
int weight(const ProbeSpec& probe) {
  if (probe.cost > 0) {
    return probe.cost;
  }
  if (is_walk(probe)) {
    return 1 << 20;
  }
  if (probe.timeout_seconds > ProbeSpec{}.timeout_seconds) {
    return 8;
  }
  return probe.quick ? 1 : 4;
}

// Lanes: the heaviest unit first into the lightest lane (ties: the earlier lane); each lane
// keeps the probes' order. A unit is a probe, or every probe naming one lane (ProbeSpec::lane),
// weighing together. Empty lanes are dropped. Where lanes run side by side, a filesystem walk
// gets a lane beside the `lanes` the other probes share: on a small host the walk is over
// before the others, on a large one the others are over long before it, and either way the rest
// are not left to one lane while it runs (benchmarks/README.md, 2026-12-06 05:00).
std::vector<std::vector<size_t>> split_lanes(const std::vector<ProbeSpec>& probes, size_t lanes) {
  std::vector<std::vector<size_t>> units;
  std::vector<long long> weights;
  std::map<std::string, size_t> named;
  for (size_t i = 0; i < probes.size(); ++i) {
    auto unit = units.size();
    if (!probes[i].lane.empty()) {
      unit = named.try_emplace(probes[i].lane, unit).first->second;
    }
    if (unit == units.size()) {
      units.emplace_back();
      weights.push_back(0);
    }
    units[unit].push_back(i);
    weights[unit] += weight(probes[i]);
  }
  std::vector<size_t> by_weight(units.size());
  for (size_t u = 0; u < units.size(); ++u) {
    by_weight[u] = u;
  }
  std::stable_sort(by_weight.begin(), by_weight.end(),
                   [&](size_t a, size_t b) { return weights[a] > weights[b]; });
  size_t walks = 0;
  if (lanes > 1) {
    walks = static_cast<size_t>(std::count_if(probes.begin(), probes.end(), is_walk));
  }
  std::vector<std::vector<size_t>> split(std::max<size_t>(1, lanes) + walks);
  std::vector<long long> load(split.size(), 0);
  for (const auto u : by_weight) {
    const auto lane = static_cast<size_t>(
        std::distance(load.begin(), std::min_element(load.begin(), load.end())));
    split[lane].insert(split[lane].end(), units[u].begin(), units[u].end());
    load[lane] += weights[u];
  }
  std::erase_if(split, [](const auto& lane) { return lane.empty(); });
  for (auto& lane : split) {
    std::sort(lane.begin(), lane.end());
  }
  return split;
}

std::string probe_line(const ProbeSpec& probe, const ScriptOptions& options) {
  if (probe.quick) {
    return "cisscan_quick " + probe.id + " " + util::shell_quote(probe.command) + "\n";
  }
  return "cisscan_probe " + probe.id + " " + std::to_string(probe.timeout_seconds) + " " +
         std::to_string(options.host_cap) + " " + util::shell_quote(probe.command) + "\n";
}

// Lanes side by side, their frames one lane after the other. The first lane writes to the
// part's output (fd 7) while it runs. The later lanes run at the same time into a pipe that a
// reader copies out only once the first lane is done: it waits for end of file on the first
// lane's own stdout (the reader's fd 5), which nothing writes and which the first lane holds
// open as its fd 6 until its shell ends (bash, unlike dash, keeps no copy of its own). So frames
// never interleave, a later lane runs ahead by at most a pipe's buffer (64 KiB) of output and
// then waits, and nothing is written to the host's disk. Later lanes nest the same way. POSIX
// sh: one read builtin and one cat for each lane after the first. Each probe keeps a line of
// its own, the lanes' lines in frame order.
std::string lanes_text(const std::vector<std::string>& lanes, size_t from) {
  if (from + 1 == lanes.size()) {
    return lanes[from];
  }
  return "{ {\n" + lanes[from] + "} 6>&1 >&7 | { {\n" + lanes_text(lanes, from + 1) +
         "} 5<&- | { while read -r _ <&5; do :; done; cat; }; } 5<&0; } 7>&1\n";
}

} // namespace

std::vector<std::string> frame_order(const std::vector<ProbeSpec>& probes, size_t lanes) {
  std::vector<std::string> ids;
  for (const auto& lane : split_lanes(probes, lanes)) {
    for (const auto i : lane) {
      ids.push_back(probes[i].id);
    }
  }
  return ids;
}

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
  if (!options.uid.empty() && std::all_of(options.uid.begin(), options.uid.end(),
                                          [](char c) { return c >= '0' && c <= '9'; })) {
    script += "CISSCAN_UID=" + options.uid + "; export CISSCAN_UID\n";
  }
  if (!probes.empty()) {
    script += "cisscan_up; S=$U\n{\n";
  }
  std::vector<std::string> lanes;
  for (const auto& lane : split_lanes(probes, options.lanes)) {
    auto& text = lanes.emplace_back();
    for (const auto i : lane) {
      text += probe_line(probes[i], options);
    }
  }
  if (!lanes.empty()) {
    script += lanes_text(lanes, 0);
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

void dump_script(const std::string& dir, const std::string& host, int part,
                 const std::string& script) {
  if (!dir.empty()) {
    const auto name = util::safe_file_name(host) + "." + std::to_string(part) + ".sh";
    util::write_file_atomic(std::filesystem::path(dir) / name, script);
  }
}

} // namespace cisscan
