// The `service` and `services` probe types, and the facts' one reading of every unit they name
// (fact probe f-units), from which they are answered without a systemctl process of their own.
#pragma once

#include "catalog/fact_output.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

std::string validate_unit(std::string_view name);
// Unit names separated by whitespace, as a `services` probe takes them.
std::string validate_units(std::string_view names);
std::vector<std::string_view> unit_names(std::string_view names);
// The name systemctl gives a unit argument: as written when it ends in a unit type's suffix,
// else with ".service" added ("cron" → "cron.service").
std::string unit_id(std::string_view name);

// `systemctl is-enabled` and `is-active` on the host: "enabled=STATE" and "active=STATE" lines;
// exit 3 when is-enabled prints nothing (no such unit, systemd 252), 5 without systemctl.
std::string service_command(std::string_view name);
// One "service NAME enabled=STATE active=STATE" line per unit, from is-enabled and is-active run
// on the host; enabled is empty where the unit has no unit file (is-enabled prints nothing, as
// systemd 252 does, or `not-found`, as 257 does), both are empty without systemctl, and active
// is empty where no service manager answers (systemd is not PID 1).
std::string services_command(std::string_view names);

// The same lines from one `systemctl list-unit-files` for all the units, read on the host:
// is-enabled runs only for a unit whose state that list cannot give (not a known state, or not
// listed where is-enabled could still answer: an instance, a SysV script), is-active only where
// a service manager answers (/run/systemd/system, as sd_booted asks). What a command probe's
// `services:` runs where the facts cannot answer: a host whose systemd is not PID 1 costs one
// systemctl process, not two per unit. services_command for a name with a backslash (an escape
// to awk and to list-unit-files' patterns).
std::string services_lines_command(std::string_view names);

// The fact probe's command for these units (unit_id names): one `systemctl is-active` for all
// of them (one line each, in order: what is-active prints for each alone) and one
// `systemctl list-unit-files` (the unit file state, computed from the disk by the function
// is-enabled uses; `systemctl show`'s UnitFileState is cached by the service manager until a
// daemon-reload, so it can differ from is-enabled's answer, and show costs twice as much).
std::string unit_states_command(const std::vector<std::string>& units);
// Whether the facts can read this unit: is-active stops at a template ("getty@.service"),
// which it cannot ask about; a backslash would be an escape in list-unit-files' patterns.
bool unit_in_facts(std::string_view name);

struct UnitState {
  bool asked = false;              // one of the units the fact asked about
  std::string active;              // is-active's answer, empty when it did not answer them all
  std::optional<std::string> file; // list-unit-files' state, when it listed the name
  bool sysv = false;               // a .service with a SysV script in /etc/init.d
};
// unit_id → its states, from the fact's output.
using UnitStates = std::map<std::string, UnitState, std::less<>>;
UnitStates read_unit_states(std::string_view fact_output);

// From the fact's output, the probes' outputs exactly as their commands print them on the
// same host; nullopt where the fact cannot say what the host's systemctl would (the probe then
// runs its own command): a name the fact did not ask about, a name list-unit-files did not list
// (for `service`: is-enabled prints nothing or `not-found` by systemd version; an instance), a
// state outside the known ones (`generated`: a SysV script, which is-enabled asks
// systemd-sysv-install about; `bad`; a newer word).
std::optional<std::string> service_derive(std::string_view name, const FactOutput& fact_output,
                                          int& exit_code);
std::optional<std::string> services_derive(std::string_view names, const FactOutput& fact_output,
                                           int& exit_code);

// A command probe's `services:` lines (services_derive's output) as the start of its command on
// a host whose facts answered them: a comment saying where they come from, then one printf.
std::string unit_states_from_facts(std::string_view names, std::string_view lines);

} // namespace cisscan
