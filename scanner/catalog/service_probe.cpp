#include "catalog/service_probe.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace cisscan {

namespace {

using util::shell_quote;

constexpr std::string_view k_units_marker = "#units ";
constexpr std::string_view k_files_marker = "#list-unit-files";
constexpr std::string_view k_sysv_marker = "#sysv ";

// The unit file states list-unit-files computes exactly as is-enabled does (the same function
// of systemd's install code, on the same files). Left out: `generated` (a unit a generator made,
// such as a SysV script's, for which is-enabled asks systemd-sysv-install instead), `bad` and
// words newer than these.
constexpr std::array<std::string_view, 11> k_file_states = {
    "enabled",        "enabled-runtime", "linked",   "linked-runtime", "alias",    "masked",
    "masked-runtime", "static",          "indirect", "disabled",       "transient"};

bool known_file_state(std::string_view state) {
  return std::find(k_file_states.begin(), k_file_states.end(), state) != k_file_states.end();
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// is-enabled's answer from the fact, as the services lines show it: the unit file state, empty
// where there is none (list-unit-files lists every unit file; an instance has its template's,
// a .service with a SysV script is asked of that script); nullopt where the fact cannot say.
std::optional<std::string> enabled_state(std::string_view name, const UnitState& unit) {
  if (unit.file) {
    return known_file_state(*unit.file) ? unit.file : std::nullopt;
  }
  if (name.find('@') == std::string_view::npos && !unit.sysv) {
    return std::string();
  }
  return std::nullopt;
}

// The unit's states when the fact asked about it and is-active answered.
const UnitState* asked(const UnitStates& states, std::string_view name) {
  const auto it = states.find(unit_id(name));
  return it == states.end() || !it->second.asked || it->second.active.empty() ? nullptr
                                                                              : &it->second;
}

} // namespace

std::string validate_unit(std::string_view name) {
  const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("@._-:\\").find(c) != std::string_view::npos;
  });
  return valid ? "" : "a systemd unit name";
}

std::vector<std::string_view> unit_names(std::string_view names) {
  return util::split_words(names);
}

std::string validate_units(std::string_view names) {
  const bool valid = util::every_word(names, [](auto name) { return validate_unit(name).empty(); });
  return valid ? "" : "systemd unit names separated by spaces";
}

std::string unit_id(std::string_view name) {
  static constexpr std::array<std::string_view, 11> k_suffixes = {
      ".service", ".socket", ".target", ".timer", ".mount", ".automount",
      ".path",    ".slice",  ".scope",  ".swap",  ".device"};
  for (const auto suffix : k_suffixes) {
    if (ends_with(name, suffix) && name.size() > suffix.size()) {
      return std::string(name);
    }
  }
  return std::string(name) + ".service";
}

std::string service_command(std::string_view name) {
  const auto n = shell_quote(name);
  return "command -v systemctl >/dev/null 2>&1 || exit 5; e=$(systemctl is-enabled -- " + n +
         " 2>/dev/null); [ -n \"$e\" ] || exit 3; a=$(systemctl is-active -- " + n +
         " 2>/dev/null); echo \"enabled=$e\"; echo \"active=$a\"";
}

std::string services_command(std::string_view names) {
  const auto quoted = util::shell_quote_words(names);
  return "c=; command -v systemctl >/dev/null 2>&1 && c=1; for u in" + quoted +
         "; do e=; a=; if [ -n \"$c\" ]; then e=$(systemctl is-enabled -- \"$u\" 2>/dev/null); "
         "a=$(systemctl is-active -- \"$u\" 2>/dev/null); fi; [ \"$e\" = not-found ] && e=; "
         "echo \"service $u enabled=$e active=$a\"; done";
}

std::string services_lines_command(std::string_view names) {
  if (names.find('\\') != std::string_view::npos) {
    return services_command(names);
  }
  std::vector<std::string> list;
  std::vector<std::string> ids;
  std::string quoted_ids;
  for (const auto name : unit_names(names)) {
    list.emplace_back(name);
    ids.push_back(unit_id(name));
    quoted_ids += " " + shell_quote(ids.back());
  }
  std::string states;
  for (const auto state : k_file_states) {
    states += (states.empty() ? "" : "|") + std::string(state);
  }
  // awk prints "NAME ID STATE": the listed state, `-` where none is listed, `?` for a state
  // is-enabled may answer otherwise.
  const auto quoted = util::shell_quote_words(names);
  // Without systemctl every state is empty (as services_command prints it), with no awk needed.
  return "if ! command -v systemctl >/dev/null 2>&1; then for u in" + quoted +
         "; do echo \"service $u enabled= active=\"; done; else b=; [ -d /run/systemd/system ] "
         "&& b=1; l=$(systemctl list-unit-files --no-legend --no-pager --" +
         quoted_ids + " 2>/dev/null); printf '%s\\n' \"$l\" | awk -v names=" +
         shell_quote(util::join(list, " ")) + " -v ids=" + shell_quote(util::join(ids, " ")) +
         " '{ st[$1] = $2 } END { n = split(names, a, \" \"); split(ids, b, \" \"); "
         "for (i = 1; i <= n; i++) { s = (b[i] in st) ? st[b[i]] : \"-\"; "
         "if (s != \"-\" && s !~ /^(" +
         states +
         ")$/) s = \"?\"; print a[i], b[i], s } }' | while read -r u i e; do a=; "
         "if [ \"$e\" = - ]; then e=; case \"$i\" in *@*) e='?';; *.service) "
         "[ -e \"/etc/init.d/${i%.service}\" ] && e='?';; esac; fi; "
         "[ \"$e\" = '?' ] && e=$(systemctl is-enabled -- \"$u\" </dev/null 2>/dev/null); "
         "[ -n \"$b\" ] && a=$(systemctl is-active -- \"$u\" </dev/null 2>/dev/null); "
         "[ \"$e\" = not-found ] && e=; echo \"service $u enabled=$e active=$a\"; done; fi";
}

std::string unit_states_command(const std::vector<std::string>& units) {
  std::string quoted;
  std::string scripts;
  for (const auto& unit : units) {
    quoted += " " + shell_quote(unit);
    if (ends_with(unit, ".service")) {
      scripts += " " + shell_quote("/etc/init.d/" + unit.substr(0, unit.size() - 8));
    }
  }
  // Without /run/systemd/system, systemd is not the service manager (sd_booted) and systemctl
  // would fail after starting a process: the probes then run their own commands. The two
  // systemctl run side by side (each ~10-20 ms on a booted host, the facts' longest part):
  // list-unit-files into the pipe, whose lines follow is-active's once it has answered.
  auto command = "command -v systemctl >/dev/null 2>&1 || exit 5; [ -d /run/systemd/system ] || "
                 "exit 1; echo " +
                 shell_quote(std::string(k_units_marker) + util::join(units, " ")) +
                 "; systemctl list-unit-files --no-legend --no-pager --" + quoted +
                 " 2>/dev/null | { systemctl is-active --" + quoted +
                 " </dev/null 2>/dev/null; echo '" + std::string(k_files_marker) +
                 "'; while IFS= read -r l || [ -n \"$l\" ]; do printf '%s\\n' \"$l\"; done; }; ";
  if (!scripts.empty()) {
    // is-enabled asks systemd-sysv-install about a .service without a unit file that has one.
    command += "for f in" + scripts + "; do [ -e \"$f\" ] && echo \"" + std::string(k_sysv_marker) +
               "${f##*/}.service\"; done; ";
  }
  return command + "exit 0";
}

bool unit_in_facts(std::string_view name) {
  // A backslash would be an escape in list-unit-files' patterns.
  return validate_unit(name).empty() && name.find("@.") == std::string_view::npos &&
         name.find('\\') == std::string_view::npos;
}

UnitStates read_unit_states(std::string_view fact_output) {
  UnitStates states;
  std::vector<std::string_view> asked;
  std::vector<std::string_view> active; // is-active's lines, one per unit asked, in order
  enum class Part { none, active, files } part = Part::none;
  for (const auto line : util::Lines(fact_output)) {
    if (line.rfind(k_units_marker, 0) == 0) {
      asked = unit_names(line.substr(k_units_marker.size()));
      part = Part::active;
    } else if (line == k_files_marker) {
      part = Part::files;
    } else if (line.rfind(k_sysv_marker, 0) == 0) {
      states[std::string(line.substr(k_sysv_marker.size()))].sysv = true;
    } else if (part == Part::active) {
      active.push_back(line);
    } else if (part == Part::files) {
      // "NAME STATE PRESET", in columns.
      const auto fields = unit_names(line);
      if (fields.size() >= 2) {
        states[std::string(fields[0])].file = std::string(fields[1]);
      }
    }
  }
  // is-active stops at a unit it cannot ask about: fewer lines than units say nothing of any.
  for (size_t i = 0; i < asked.size(); ++i) {
    auto& state = states[std::string(asked[i])];
    state.asked = true;
    if (active.size() == asked.size()) {
      state.active = std::string(active[i]);
    }
  }
  return states;
}

std::optional<std::string> service_derive(std::string_view name, const FactOutput& fact_output,
                                          int& exit_code) {
  const auto& states = fact_output.table(read_unit_states);
  const auto* unit = asked(states, name);
  // A unit without a unit file: is-enabled prints nothing (systemd 252: the probe exits 3) or
  // `not-found` (257): the probe's own command says which.
  if (unit == nullptr || !unit->file || !known_file_state(*unit->file)) {
    return std::nullopt;
  }
  exit_code = 0;
  return "enabled=" + *unit->file + "\nactive=" + unit->active + "\n";
}

std::optional<std::string> services_derive(std::string_view names, const FactOutput& fact_output,
                                           int& exit_code) {
  const auto& states = fact_output.table(read_unit_states);
  std::string lines;
  for (const auto name : unit_names(names)) {
    const auto* unit = asked(states, name);
    const auto enabled = unit == nullptr ? std::nullopt : enabled_state(unit_id(name), *unit);
    if (!enabled) {
      return std::nullopt;
    }
    lines +=
        "service " + std::string(name) + " enabled=" + *enabled + " active=" + unit->active + "\n";
  }
  exit_code = 0;
  return lines;
}

std::string unit_states_from_facts(std::string_view names, std::string_view lines) {
  std::vector<std::string> list;
  for (const auto name : unit_names(names)) {
    list.emplace_back(name);
  }
  return util::print_lines_command("the unit states of " + util::join(list, " ") +
                                       ", from the facts' systemctl (probe f-units)",
                                   lines);
}

} // namespace cisscan
