#include "plan/facts.hpp"

#include "catalog/accounts_probe.hpp"
#include "catalog/mount_probe.hpp"
#include "catalog/probe_types.hpp"
#include "catalog/service_probe.hpp"
#include "catalog/stat_probe.hpp"
#include "catalog/sysctl_probe.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace cisscan {

namespace {

// A fact's cost (ProbeSpec::cost): what it took run alone on the booted stock hosts of
// benchmarks/booted_scan.py, in quick probes of ~5 ms (one process start and a subshell), so the
// two lanes of the facts' part end together. f-units' two systemctl calls cost as much as all the
// others together and get a lane of their own (where systemd is not the service manager it ends
// at once, and the other lane runs the rest).
ProbeSpec fact(const std::string& id, const std::string& command, int cost = 1) {
  auto probe = ProbeSpec{id, "command", command, command, 20, true};
  probe.cost = cost;
  return probe;
}

const std::vector<ProbeSpec> k_fact_probes = {
    // Read by the shell, not cat: one process start fewer (a regular file, so dash's byte-at-a-time
    // read gets all of it).
    fact("f-os-release",
         "for f in /etc/os-release /usr/lib/os-release; do [ -r \"$f\" ] || continue; "
         "while IFS= read -r l || [ -n \"$l\" ]; do printf '%s\\n' \"$l\"; done <\"$f\"; "
         "exit 0; done; echo 'cannot read /etc/os-release or /usr/lib/os-release' >&2; exit 1"),
    fact("f-kernel", "uname -srm"),
    fact("f-virt", "if [ -r /run/systemd/container ]; then "
                   "c=; read -r c </run/systemd/container; echo \"container=$c\"; "
                   "elif command -v systemd-detect-virt >/dev/null 2>&1; then "
                   "echo \"detected=$(systemd-detect-virt 2>/dev/null)\"; "
                   "elif grep -q '^flags.* hypervisor' /proc/cpuinfo 2>/dev/null; then "
                   "echo vm=unknown; fi"),
    fact("f-machine-id", "[ -r /etc/machine-id ] || { echo 'cannot read /etc/machine-id' >&2; "
                         "exit 1; }; m=; read -r m </etc/machine-id; echo \"$m\""),
    fact("f-pve", "if [ -d /etc/pve ] || command -v pveversion >/dev/null 2>&1; then "
                  "echo pve=yes; pveversion 2>/dev/null; else echo pve=no; fi"),
    fact("f-user", "id"),
    fact("f-packages", "dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\\n'", 2),
    // Enabled = linked into a .wants folder; reading the links is 100x cheaper than systemctl.
    fact("f-services", "for f in /etc/systemd/system/*.wants/*.service; do "
                       "[ -e \"$f\" ] && echo \"${f##*/}\"; done; exit 0"),
};

const ProbeOutput* find(const std::vector<ProbeOutput>& outputs, const std::string& id) {
  for (const auto& output : outputs) {
    if (output.id == id) {
      return &output;
    }
  }
  return nullptr;
}

std::string unquote(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

// Lines of "key=value" into the map, prefixed.
void read_pairs(const ProbeOutput* output, const std::string& prefix,
                std::map<std::string, std::string>& values) {
  if (output == nullptr) {
    return;
  }
  for (const auto line : util::Lines(output->output)) {
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      continue;
    }
    values[prefix + util::to_lower(util::trim(line.substr(0, eq)))] =
        unquote(util::trim(line.substr(eq + 1)));
  }
}

// systemd-detect-virt's answer: the role (container, lxc, vm, bare-metal) and `virtualization`.
void read_virtualization(const std::vector<ProbeOutput>& outputs, Facts& facts) {
  std::map<std::string, std::string> virt;
  read_pairs(find(outputs, "f-virt"), "", virt);
  // systemd-detect-virt prints the innermost technology: a container's name or a VM's.
  // `container-other`: a container systemd cannot name (a bare PID namespace, for one).
  static const std::set<std::string> k_containers = {
      "lxc", "lxc-libvirt", "systemd-nspawn", "docker", "podman",         "rkt",
      "wsl", "proot",       "pouch",          "openvz", "container-other"};
  auto vm = virt.count("vm") != 0 ? virt["vm"] : "";
  auto container = virt.count("container") != 0 ? virt["container"] : "";
  if (virt.count("detected") != 0) {
    (k_containers.count(virt["detected"]) != 0 ? container : vm) = virt["detected"];
  }
  std::string virtualization = "none";
  if (!container.empty() && container != "none") {
    virtualization = container;
    facts.roles.push_back(container == "lxc" ? "lxc" : "container");
  } else if (!vm.empty() && vm != "none") {
    virtualization = vm;
    facts.roles.push_back("vm");
  } else {
    facts.roles.push_back("bare-metal");
  }
  facts.values["virtualization"] = virtualization;
}

void read_user(const std::vector<ProbeOutput>& outputs, Facts& facts) {
  // "uid=0(root) gid=0(root) groups=0(root)"
  if (const auto* id = find(outputs, "f-user"); id != nullptr) {
    const std::string_view text = id->output;
    if (text.rfind("uid=", 0) == 0) {
      size_t end = 4;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) {
        ++end;
      }
      facts.values["uid"] = std::string(text.substr(4, end - 4));
      // id -u prints the effective uid: id's "euid=" where it differs, else the uid.
      const auto euid = text.find(" euid=");
      if (end > 4 && euid == std::string_view::npos) {
        facts.values["effective_uid"] = facts.values["uid"];
      }
      // The name belongs to the uid only when it follows it directly: "uid=0(root)".
      const auto close = text.find(')', end);
      if (end < text.size() && text[end] == '(' && close != std::string_view::npos) {
        facts.values["user"] = std::string(text.substr(end + 1, close - end - 1));
      }
    }
  }
}

// The installed packages and the enabled services.
void read_units(const std::vector<ProbeOutput>& outputs, Facts& facts) {
  // A dpkg-query that failed (a database it cannot read) leaves the list unknown (empty); its
  // messages are no package names. So does a list cut at the facts' cap: a package past the cut
  // would read as not installed.
  if (const auto* packages = find(outputs, "f-packages");
      packages != nullptr && packages->exit_code == 0 && !packages->truncated) {
    facts.package_states = read_package_states(packages->output);
  }
  if (const auto* services = find(outputs, "f-services"); services != nullptr) {
    for (const auto line : util::Lines(services->output)) {
      const auto unit = util::trim(line);
      const auto dot = unit.rfind(".service");
      if (dot != std::string_view::npos && dot > 0) {
        facts.services.emplace(unit.substr(0, dot));
      }
    }
  }
}

} // namespace

bool Facts::installed(std::string_view package) const {
  return package_states.present(package);
}

size_t Facts::packages_installed() const {
  return package_states.present_count();
}

const std::vector<ProbeSpec>& fact_probes() {
  return k_fact_probes;
}

std::vector<ProbeSpec> fact_probes(const Catalog& catalog) {
  auto probes = k_fact_probes;
  std::set<std::string> units; // sorted: the same command (and id) for the same catalog
  const auto add = [&units](std::string_view names) {
    for (const auto name : unit_names(names)) {
      if (unit_in_facts(name)) {
        units.insert(unit_id(name));
      }
    }
  };
  for (const auto& check : catalog.checks) {
    if (!check->probe) {
      continue;
    }
    if (check->probe->type == "service" || check->probe->type == "services") {
      add(check->probe->argument);
    }
    add(check->probe->services);
  }
  if (!units.empty()) {
    probes.push_back(fact("f-units", unit_states_command({units.begin(), units.end()}), 14));
  }
  // Kernel parameters, stat paths, mount points and account questions likewise: each read once
  // for all the probes that name them (catalog/sysctl_probe.hpp, stat_probe.hpp,
  // mount_probe.hpp, accounts_probe.hpp).
  std::map<std::string, std::set<std::string>> arguments; // sorted, as units
  for (const auto& check : catalog.checks) {
    if (check->probe && (check->probe->type == "sysctl" || check->probe->type == "stat" ||
                         check->probe->type == "accounts" || check->probe->type == "mount")) {
      arguments[check->probe->type].insert(check->probe->argument);
    }
  }
  if (const auto& names = arguments["sysctl"]; !names.empty()) {
    probes.push_back(fact("f-sysctl", sysctl_fact_command({names.begin(), names.end()}), 2));
  }
  if (const auto& paths = arguments["stat"]; !paths.empty()) {
    probes.push_back(fact("f-stat", stat_fact_command({paths.begin(), paths.end()}), 2));
  }
  if (const auto& targets = arguments["mount"]; !targets.empty()) {
    probes.push_back(fact("f-mounts", mount_fact_command({targets.begin(), targets.end()}), 2));
  }
  if (const auto& queries = arguments["accounts"]; !queries.empty()) {
    probes.push_back(fact("f-accounts", accounts_fact_command({queries.begin(), queries.end()})));
  }
  return probes;
}

Facts parse_facts(const std::vector<ProbeOutput>& outputs) {
  Facts facts;
  std::map<std::string, std::string> os;
  read_pairs(find(outputs, "f-os-release"), "", os);
  for (const auto& [key, target] :
       std::vector<std::pair<std::string, std::string>>{{"id", "os_id"},
                                                        {"id_like", "os_id_like"},
                                                        {"version_id", "os_version_id"},
                                                        {"version_codename", "os_codename"},
                                                        {"pretty_name", "os_pretty_name"}}) {
    if (os.count(key) != 0) {
      facts.values[target] = os[key];
    }
  }
  if (const auto* kernel = find(outputs, "f-kernel"); kernel != nullptr && kernel->exit_code == 0) {
    facts.values["kernel"] = std::string(util::trim(kernel->output));
  }
  read_virtualization(outputs, facts);
  if (const auto* id = find(outputs, "f-machine-id"); id != nullptr && id->exit_code == 0) {
    facts.machine_id = std::string(util::trim(id->output));
  }
  const auto* pve = find(outputs, "f-pve");
  const bool is_pve = pve != nullptr && pve->output.rfind("pve=yes", 0) == 0;
  facts.values["pve_node"] = is_pve ? "true" : "false";
  if (is_pve) {
    facts.roles.insert(facts.roles.begin(), "pve-node");
    for (const auto line : util::Lines(pve->output)) {
      if (line.rfind("pve-manager/", 0) == 0) {
        facts.values["pve_version"] = std::string(util::trim(line));
      }
    }
  }
  read_user(outputs, facts);
  read_units(outputs, facts);
  // As FactAnswers takes a fact (pipeline/derive.hpp): whole and with exit 0, or not at all.
  if (const auto* units = find(outputs, "f-units");
      units != nullptr && units->complete && units->exit_code == 0 && !units->truncated) {
    facts.unit_states = units->output;
  }
  return facts;
}

} // namespace cisscan
