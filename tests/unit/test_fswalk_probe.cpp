// The fswalk probe against this machine's real filesystems, compared with find(1) run directly:
// the whole local tree as it is, and planted states in a folder of the real root filesystem.
#include "catalog/fswalk_probe.hpp"

#include "catalog/probe_types.hpp"
#include "execute/transport.hpp"
#include "run_local.hpp"
#include "temp_dir.hpp"
#include "util/text.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace cisscan;
using cisscan::test::Ran;
using cisscan::test::TempDir;

namespace {

// Runs `command` with /bin/sh through the local transport, as a host's probe script would; the
// walk of a whole machine takes seconds, so the host deadline is the scan's default.
Ran run_sh(const std::string& command) {
  return test::run_local(command, 900);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (const auto line : util::split_lines(text)) {
    lines.emplace_back(line);
  }
  return lines;
}

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string word; in >> word;) {
    words.push_back(word);
  }
  return words;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// What the probe said: start points, totals and listed entries ("PART PATH").
struct Walk {
  long count(const std::string& part) const {
    const auto it = listed_count.find(part);
    return it == listed_count.end() ? 0 : it->second;
  }
  std::vector<std::string> starts;
  std::map<std::string, long> totals;
  std::set<std::string> listed;
  std::map<std::string, long> listed_count;
};

Walk parse_walk(const std::string& output) {
  Walk walk;
  for (const auto& line : lines_of(output)) {
    const auto words = words_of(line);
    if (words.size() >= 3 && words[0] == "walk") {
      walk.starts.push_back(line.substr(5, line.rfind(' ') - 5));
    } else if (words.size() == 3 && words[0] == "total") {
      walk.totals[words[1]] = std::stol(words[2]);
    } else if (words.size() >= 6 && words[0] != "errors" && words[0] != "error") {
      std::string path = line;
      for (int i = 0; i < 5; ++i) {
        path = path.substr(path.find(' ') + 1);
      }
      walk.listed.insert(words[0] + " " + path);
      ++walk.listed_count[words[0]];
    }
  }
  return walk;
}

// The canonical answer: find(1) itself over the same start points, with its own -nouser and
// -nogroup, as "PART PATH" entries (a mount point reached twice counts once).
std::set<std::string> canonical_find(const std::vector<std::string>& starts) {
  std::string command = "find";
  for (const auto& start : starts) {
    command += " " + util::shell_quote(start);
  }
  command += " -xdev \\( -type d \\( -path /proc -o -path /sys -o -path /dev -o -path /run \\) "
             "-prune \\) -o \\( "
             "\\( -type f -perm -0002 -printf 'world-writable %p\\0' \\) , "
             "\\( -type d -perm -0002 ! -perm -1000 -printf 'no-sticky %p\\0' \\) , "
             "\\( \\( -type f -o -type d \\) -nouser -printf 'unowned %p\\0' \\) , "
             "\\( \\( -type f -o -type d \\) -nogroup -printf 'ungrouped %p\\0' \\) , "
             "\\( -type f -perm -4000 -printf 'suid %p\\0' \\) , "
             "\\( -type f -perm -2000 -printf 'sgid %p\\0' \\) \\) 2>/dev/null | tr '\\n\\000' "
             "'?\\n'";
  std::set<std::string> found;
  for (const auto& line : lines_of(run_sh(command).output)) {
    found.insert(line);
  }
  return found;
}

std::set<std::string> of_part(const std::set<std::string>& entries, const std::string& part,
                              const std::string& skip_under = "") {
  std::set<std::string> out;
  for (const auto& entry : entries) {
    const auto path = entry.substr(entry.find(' ') + 1);
    if (entry.rfind(part + " ", 0) == 0 && (skip_under.empty() || path.rfind(skip_under, 0) != 0)) {
      out.insert(entry);
    }
  }
  return out;
}

const std::vector<std::string> k_parts = {"world-writable", "no-sticky", "unowned",
                                          "ungrouped",      "suid",      "sgid"};

std::string walk_command(const std::string& root) {
  const auto* type = find_probe_type("fswalk");
  REQUIRE(type != nullptr);
  REQUIRE(type->validate(root).empty());
  return type->command(root);
}

// The walk of / is run once for the tests that read it (it takes seconds).
const Ran& walk_of_root() {
  static const Ran ran = run_sh(walk_command("/"));
  return ran;
}

} // namespace

TEST_CASE("fswalk: the local filesystems of this machine are the ones findmnt lists") {
  const auto& ran = walk_of_root();
  REQUIRE(ran.exit_code == 0);
  const auto walk = parse_walk(ran.output);
  REQUIRE_FALSE(walk.starts.empty());
  CHECK(walk.starts.front() == "/");
  // Every mount of a disk, overlay or tmpfs filesystem outside the runtime folders is walked,
  // and nothing else, apart from a mount of the same device as the mount it sits in (find
  // -xdev crosses into it from there).
  std::set<std::string> expected = {"/"};
  const std::set<std::string> local = {"ext2",     "ext3",    "ext4",  "xfs",  "btrfs",
                                       "zfs",      "overlay", "tmpfs", "f2fs", "jfs",
                                       "reiserfs", "vfat",    "exfat"};
  std::map<std::string, std::string> device; // target -> MAJ:MIN, the last mount on it
  std::vector<std::vector<std::string>> mounts;
  for (const auto& line :
       lines_of(run_sh("findmnt -kn -r -o FSTYPE,MAJ:MIN,TARGET | sed 's/\\\\x20/ /g'").output)) {
    auto words = words_of(line);
    REQUIRE(words.size() >= 3);
    const auto target = line.substr(words[0].size() + words[1].size() + 2);
    mounts.push_back({words[0], words[1], target});
    device[target] = words[1];
  }
  for (const auto& mount : mounts) {
    const auto& target = mount[2];
    bool runtime = false;
    for (const std::string folder : {"/proc", "/sys", "/dev", "/run"}) {
      runtime = runtime || target == folder || target.rfind(folder + "/", 0) == 0;
    }
    std::string parent;
    for (const auto& [other, dev] : device) {
      const bool above = other == "/" ? target != "/" : target.rfind(other + "/", 0) == 0;
      if (above && other.size() > parent.size()) {
        parent = other;
      }
    }
    const bool crossed = !parent.empty() && device[parent] == mount[1];
    if (local.count(mount[0]) != 0 && !runtime && !crossed) {
      expected.insert(target);
    }
  }
  CHECK(std::set<std::string>(walk.starts.begin(), walk.starts.end()) == expected);
}

TEST_CASE("fswalk: every part of the walk of / is what find -xdev finds") {
  const auto& ran = walk_of_root();
  REQUIRE(ran.exit_code == 0);
  const auto walk = parse_walk(ran.output);
  const auto canonical = canonical_find(walk.starts);
  for (const auto& part : k_parts) {
    CAPTURE(part);
    REQUIRE(walk.totals.count(part) == 1);
    // Other tests on this machine make and remove files under /tmp while the two walks run:
    // those entries are compared in the planted test below, not here.
    const auto listed = of_part(walk.listed, part, "/tmp/");
    const auto found = of_part(canonical, part, "/tmp/");
    if (walk.totals.at(part) < static_cast<long>(k_fswalk_lines_per_part)) {
      CHECK(walk.count(part) == walk.totals.at(part));
      CHECK(listed == found);
    } else {
      CHECK(walk.count(part) == static_cast<long>(k_fswalk_lines_per_part));
      for (const auto& entry : listed) {
        CHECK(found.count(entry) == 1);
      }
    }
  }
  // SUID and SGID programs do not come and go with the tests: their totals agree exactly.
  CHECK(walk.totals.at("suid") == static_cast<long>(of_part(canonical, "suid").size()));
  CHECK(walk.totals.at("sgid") == static_cast<long>(of_part(canonical, "sgid").size()));
}

TEST_CASE("fswalk: planted states on the real root filesystem, compared with find") {
  const TempDir dir;
  const auto root = dir.path().string();
  const auto plant = [&](const std::string& name, mode_t mode, uid_t uid = 0, gid_t gid = 0,
                         bool folder = false) {
    const auto path = dir.path() / name;
    if (folder) {
      std::filesystem::create_directories(path);
    } else {
      dir.write(name, "x");
    }
    REQUIRE(chown(path.c_str(), uid, gid) == 0);
    REQUIRE(chmod(path.c_str(), mode) == 0);
  };
  // 4299 and 4298 are no account or group of this machine (checked below).
  REQUIRE(run_sh("getent passwd 4299 || getent group 4298").exit_code != 0);
  plant("open/data", 0666);
  plant("line\nbreak", 0646);
  plant("shared", 0777, 0, 0, true);
  plant("tmp", 01777, 0, 0, true);
  plant("orphan", 0644, 4299, 0);
  plant("orphan-group", 0644, 0, 4298);
  plant("tool-suid", 04755);
  plant("tool-sgid", 02755);
  std::filesystem::create_symlink("open/data", dir.path() / "link");
  REQUIRE(chmod(root.c_str(), 0755) == 0);

  const auto ran = run_sh(walk_command(root));
  REQUIRE(ran.exit_code == 0);
  const auto walk = parse_walk(ran.output);
  CHECK(walk.starts == std::vector<std::string>{root});
  const auto canonical = canonical_find(walk.starts);
  CHECK(walk.listed == canonical);
  CHECK(walk.totals.at("world-writable") == 2);
  CHECK(walk.listed.count("world-writable " + root + "/line?break") == 1);
  CHECK(walk.listed ==
        std::set<std::string>{"world-writable " + root + "/open/data",
                              "world-writable " + root + "/line?break",
                              "no-sticky " + root + "/shared", "unowned " + root + "/orphan",
                              "ungrouped " + root + "/orphan-group", "suid " + root + "/tool-suid",
                              "sgid " + root + "/tool-sgid"});
  CHECK(has(ran.output, "unowned f 644 4299 0 " + root + "/orphan\n"));
  CHECK(has(ran.output, "\nerrors 0\n"));
}

TEST_CASE("fswalk: a flood of offending files keeps the output bounded and the totals exact") {
  const TempDir dir;
  for (int i = 0; i < 3000; ++i) {
    const auto path = dir.write("flood/" + std::string(200, 'f') + std::to_string(i), "");
    REQUIRE(chmod(path.c_str(), 0666) == 0);
  }
  const auto ran = run_sh(walk_command(dir.path().string()));
  REQUIRE(ran.exit_code == 0);
  const auto walk = parse_walk(ran.output);
  CHECK(walk.totals.at("world-writable") == 3000);
  CHECK(walk.count("world-writable") == static_cast<long>(k_fswalk_lines_per_part));
  // The totals come first, and all six parts at their limit still fit the 64 KiB kept.
  CHECK(ran.output.find("total sgid") < ran.output.find("world-writable f"));
  CHECK(6 * k_fswalk_lines_per_part * (k_fswalk_line_chars + 4) < 64 * 1024);
  for (const auto& line : lines_of(ran.output)) {
    CHECK(line.size() <= k_fswalk_line_chars + 3);
  }
}

TEST_CASE("fswalk: without root it refuses (exit 4); a missing folder is absent (exit 3)") {
  const auto as_nobody = run_sh("setpriv --reuid=65534 --regid=65534 --clear-groups sh -c " +
                                util::shell_quote(walk_command("/")));
  CHECK(as_nobody.exit_code == k_exit_denied);
  CHECK(has(as_nobody.output, "needs root"));
  CHECK(run_sh(walk_command("/nonexistent-cisscan-folder")).exit_code == k_exit_absent);
}
