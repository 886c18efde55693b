// The probe type table: one row per kind of probe, each turning its argument into a sh command.
#pragma once

#include "catalog/probe_fields.hpp"

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
  // Runs without the timeout/cap wrapper (see ProbeSpec::quick), which costs ~3 ms a probe: only
  // short reads of bounded output: sysctl (shell builtins on /proc/sys) and stat (one inode; it
  // could only hang on a dead network mount, and the host deadline bounds that). A package probe
  // is never run at all; service and mount start systemctl/findmnt and keep the wrapper.
  bool quick;
  // When set, the probe is answered from this fact probe's output instead of running on the host
  // again: `derive` returns the probe's output and sets its exit code.
  const char* derived_from;
  std::string (*derive)(std::string_view argument, std::string_view fact_output, int& exit_code);
  // The typed fields of a readable output (probe_fields.hpp), read once per output and shared by
  // every operator that judges it; null when operators read only the text.
  ProbeFields (*fields)(std::string_view output);
};

const std::vector<ProbeType>& probe_types();
// A line of dpkg-query's "${db:Status-Abbrev} ${Package} ${Version}" (anything else, such as its
// error messages, is not), and whether it says the package has files on disk (installed,
// unpacked, half-configured, awaiting triggers: its state is not n or c).
bool package_line(std::string_view line);
bool package_present(std::string_view status_line);
const ProbeType* find_probe_type(std::string_view name);

} // namespace cisscan
