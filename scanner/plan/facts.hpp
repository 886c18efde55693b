// The facts round trip: a few fixed probes whose answers decide roles and applicable checks.
#pragma once

#include "catalog/check.hpp"
#include "catalog/probe_types.hpp"
#include "execute/frames.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

struct Facts {
  std::map<std::string, std::string> values; // os_id, os_version_id, kernel, virtualization, ...
  PackageStates package_states;              // every package dpkg lists, with its states
  std::set<std::string> services;            // enabled systemd services, without ".service"
  std::vector<std::string> roles;            // implied by the facts: pve-node, vm, lxc, container
  // f-units' output when it came back whole with exit 0 (the unit states command probes'
  // `services:` lines are printed from), else empty: those probes read the states themselves.
  std::optional<std::string> unit_states;
  std::string machine_id;

  // Whether the package list was read: empty when dpkg-query failed or was cut (every Debian
  // host lists packages), and then whether a package is installed is unknown.
  bool packages_known() const { return !package_states.empty(); }
  // Whether some architecture of the package has files on disk (package_word_present).
  bool installed(std::string_view package) const;
  size_t packages_installed() const;
};

// The probes of the facts round trip, in the order they run.
const std::vector<ProbeSpec>& fact_probes();
// The same, and f-units when the catalog's `service` and `services` probes (and command probes'
// `services:`) name units: one
// `systemctl is-active` and one `systemctl list-unit-files` for all of them, from which those
// probes are answered (catalog/service_probe.hpp) instead of two systemctl processes per unit.
std::vector<ProbeSpec> fact_probes(const Catalog& catalog);
// Reads the facts from the fact probes' outputs; missing outputs leave facts unset.
Facts parse_facts(const std::vector<ProbeOutput>& outputs);

} // namespace cisscan
