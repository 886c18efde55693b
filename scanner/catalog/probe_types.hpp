// The probe type table: one row per kind of probe, each turning its argument into a sh command.
#pragma once

#include "catalog/fact_output.hpp"
#include "catalog/package_states.hpp"
#include "catalog/probe_fields.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

// Typed probes share one exit-code convention; `command` probes keep their own exit code.
inline constexpr int k_exit_absent = 3; // the file, key, package or unit does not exist
inline constexpr int k_exit_denied = 4; // it exists and cannot be read
inline constexpr int k_exit_timeout = 124;

struct ProbeType {
  std::string_view name;
  std::string_view summary;
  // Empty when the argument is acceptable, else what was expected.
  std::string (*validate)(std::string_view argument);
  std::string (*command)(std::string_view argument);
  bool typed; // uses the k_exit_* convention
  // Runs without the timeout/cap wrapper (see ProbeSpec::quick), which costs ~10 ms a probe on
  // the booted test hosts: only short reads of bounded output: sysctl (shell builtins on
  // /proc/sys), stat (one inode; it could only hang on a dead network mount, and the host
  // deadline bounds that), mount (findmnt reads the kernel's mount table and resolves one path,
  // as stat does) and file (a regular file through `head -c`, anything else under `timeout`). A
  // package probe is never run at all; service asks systemd and keeps the wrapper.
  bool quick;
  // When set, the probe is answered from this fact probe's output instead of running on the host
  // again: `derive` returns the probe's output and sets its exit code, or nullopt where the
  // fact cannot say what the probe's own command would print (the probe then runs on the host).
  const char* derived_from;
  std::optional<std::string> (*derive)(std::string_view argument, const FactOutput& fact_output,
                                       int& exit_code);
  // The typed fields of a readable output (probe_fields.hpp), read once per output and shared by
  // every operator that judges it; null when operators read only the text.
  ProbeFields (*fields)(std::string_view output);
  // Every readable output has at least this many lines (sysctl: running= and configured=): an
  // operator that compares the whole output with a shorter value could never hold. 0: any.
  size_t lines_at_least;
};

const std::vector<ProbeType>& probe_types();
// A line of dpkg-query's "${db:Status-Abbrev} ${Package} ${Version}" (anything else, such as its
// error messages, is not), and whether it says the package has files on disk (installed,
// unpacked, half-configured, awaiting triggers: its state is not n or c).
bool package_line(std::string_view line);
bool package_present(std::string_view status_line);

// The package a dpkg-query line (package_line) lists, without its architecture.
std::string_view package_of(std::string_view line);
// dpkg's status word for the state letter of ${db:Status-Abbrev} (package_line's second letter).
std::string_view package_state_word(char state);
// Each package the facts' dpkg-query lines list → dpkg's status word ("installed",
// "config-files", "unpacked", ...) for each architecture of it listed, in their order.
PackageStates read_package_states(std::string_view dpkg_lines);
// Whether a status word of those says the package has files on disk, as package_present.
bool package_word_present(std::string_view word);
// The lines of a `packages` probe, and of a command probe's `packages:`: "package NAME STATE"
// for each architecture dpkg lists of each name (`names` separated by whitespace), in order.
std::string package_state_lines(std::string_view names, const PackageStates& states);
// The same lines read on the host with dpkg-query, for a host whose package list the facts
// could not read: exit 2 when dpkg-query cannot read its database, 127 when it is missing.
std::string package_states_command(std::string_view names);
// The same lines printed from the facts' list (no process on the host), with a comment saying
// so: what a command probe's `packages:` becomes on a host whose package list was read.
std::string package_states_from_facts(std::string_view names, const PackageStates& states);
const ProbeType* find_probe_type(std::string_view name);

} // namespace cisscan
