// Check definitions: immutable values loaded once from the catalog and shared by every host worker.
#pragma once

#include "catalog/expectation.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cisscan {

// Bytes a probe may send at most: a wrapped probe's output goes through `head -c` this size on
// the host (ScriptOptions::host_cap), and a quick probe that could read more (a file) caps itself.
inline constexpr size_t k_probe_send_cap = 8 * 1024 * 1024;

// One command to run on a host; checks that need the same probe share it (same id).
struct ProbeSpec {
  std::string id;       // "p-" + 12 hex of sha256(type, argument): stable across runs
  std::string type;     // a row of the probe type table
  std::string argument; // after variable substitution
  std::string command;  // the POSIX sh command the probe type built (quoted, never pasted)
  int timeout_seconds = 30;
  // Quick probes are short, bounded reads run in a subshell without the timeout and output-cap
  // wrapper (which costs four process starts per probe); the host deadline still bounds them.
  // Set by the probe type, or by a command probe's `quick: true`.
  bool quick = false;
  // A command probe's `packages:` (names separated by spaces): its output starts with their
  // "package NAME STATE" lines, printed from the facts' package list where it was read
  // (plan_host), else read by `command`'s own dpkg-query. Empty for other probes.
  std::string packages = {};
  // A command probe's `services:` (unit names separated by spaces): after the package lines, a
  // "service NAME enabled=STATE active=STATE" line each, as the `services` probe prints them,
  // from the facts' unit states where they answer it exactly (plan_host), else from the
  // `services` probe's own command. Empty for other probes.
  std::string services = {};
  // Set by plan_host for a command probe whose own command is `true` and whose packages: and
  // services: lines all come from the facts: its whole output (plan/plan.hpp: printed_from).
  // Such a probe is answered without running (pipeline/derive.hpp).
  std::optional<std::string> printed = {};
  // What the probe costs the host in quick probes, where its kind says too little to split the
  // probes into lanes evenly (execute/script.cpp: weight); 0: its kind says. Set for the facts,
  // whose costs are known (plan/facts.cpp), and by a check file's `cost:` (the highest any check
  // sharing the probe states: load_catalog).
  int cost = 0;
  // A check file's `lane:`: probes naming the same lane run in one lane of the host's script,
  // one after another, never beside each other (execute/script.cpp: split_lanes), for probes
  // whose side effects another could see. Empty: any lane. Checks sharing the probe: the
  // greatest name any of them states (load_catalog).
  std::string lane = {};
};

// One benchmark recommendation a check implements (level may be empty).
struct Benchmark {
  std::string id;
  std::string version;
  std::string ref;
  std::string level;
};

// Where a check applies: every listed condition must hold; an empty list does not constrain.
struct Applicability {
  std::vector<std::string> os;              // os-release ID (or ID_LIKE)
  std::string version;                      // os-release VERSION_ID prefix, e.g. "12"
  std::vector<std::string> roles;           // host has at least one of these roles
  std::vector<std::string> not_roles;       // host has none of these roles
  std::vector<std::string> packages;        // every one installed
  std::vector<std::string> not_packages;    // none of these installed
  std::vector<std::string> services;        // every one enabled
  std::map<std::string, std::string> facts; // fact equals value
};

enum class OnMissing { error, fail };

// What an empty output of a probe that otherwise ran fine means for a check that reads output.
enum class OnEmpty { error, pass, fail };

struct Check {
  std::string id;
  std::string title;
  // Every recommendation the check implements, in the order written: a check that is the same
  // in two benchmarks (CIS Debian 12 and 13) names both. Empty when the file names none.
  std::vector<Benchmark> benchmarks;
  std::vector<std::string> safeguards;
  // Risk register entries the check's failures feed (`risks:`); empty: those of its safeguards.
  std::vector<std::string> risks;
  Applicability applies;
  std::optional<ProbeSpec> probe; // absent for manual checks
  std::optional<Expectation> expect;
  double weight = 1.0;
  bool requires_root = false;
  OnMissing on_missing = OnMissing::error;
  OnEmpty on_empty = OnEmpty::error;
  std::string rationale;
  std::string remediation;
  std::string file;
  int line = 0;
  std::string sha256; // of the check's YAML text as loaded
};

using CheckPtr = std::shared_ptr<const Check>;

struct Catalog {
  std::vector<CheckPtr> checks;
  std::vector<std::string> files; // check files used, sorted
  std::string digest;             // sha256 over (path, sha256 of content) of every file used
};

} // namespace cisscan
