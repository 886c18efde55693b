#include "plan/plan.hpp"

#include "catalog/probe_types.hpp"
#include "catalog/service_probe.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <set>

namespace cisscan {

namespace {

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

const std::vector<std::string> k_none;

std::string fact(const Facts& facts, const std::string& key) {
  const auto it = facts.values.find(key);
  return it == facts.values.end() ? std::string() : it->second;
}

// The probe as this host runs it: a command probe's `packages:` lines are printed from the
// facts' package list when it was read, so no dpkg-query reads the database again; a list that
// could not be read (empty) leaves the probe's own dpkg-query to say so. Its `services:` lines
// likewise, from the facts' unit states where they say exactly what the `services` probe's own
// command would print on this host, else that command runs. Printed from the facts, those lines
// cost the host nothing: the probe runs quick when its own command is quick or just `true` (a
// probe that only carries such lines), wrapped when dpkg-query or systemctl has to run.
ProbeSpec for_host(const ProbeSpec& probe, const Facts& facts) {
  const bool packages = !probe.packages.empty() && facts.packages_known();
  int exit_code = 0;
  const auto services = probe.services.empty() || !facts.unit_states
                            ? std::nullopt
                            : services_derive(probe.services, *facts.unit_states, exit_code);
  const bool just_true = probe.type == "command" && probe.argument == "true";
  const bool lines_from_facts =
      (probe.packages.empty() || packages) && (probe.services.empty() || services);
  auto spec = probe;
  spec.quick = (probe.quick || just_true) && lines_from_facts;
  if (!packages && !services) {
    return spec;
  }
  spec.command.clear();
  if (!probe.packages.empty()) {
    spec.command = packages ? package_states_from_facts(probe.packages, facts.package_states)
                            : package_states_command(probe.packages) + "; ";
  }
  if (!probe.services.empty()) {
    spec.command += services ? unit_states_from_facts(probe.services, *services)
                             : services_lines_command(probe.services) + "; ";
  }
  spec.command += find_probe_type(probe.type)->command(probe.argument);
  if (just_true && lines_from_facts) {
    spec.printed = (packages ? package_state_lines(probe.packages, facts.package_states) : "") +
                   services.value_or("");
  }
  return spec;
}
} // namespace

std::vector<std::string> printed_from(const ProbeSpec& probe) {
  std::vector<std::string> facts;
  if (!probe.packages.empty()) {
    facts.emplace_back("f-packages");
  }
  if (!probe.services.empty()) {
    facts.emplace_back("f-units");
  }
  return facts;
}

std::string why_not_applicable(const Applicability& applies, const Facts& facts,
                               const std::vector<std::string>& roles) {
  if (!applies.os.empty()) {
    const auto id = fact(facts, "os_id");
    bool match = has(applies.os, id);
    const auto id_like = fact(facts, "os_id_like"); // split_lines keeps views into it
    for (const auto& like : util::split_lines(id_like)) {
      for (size_t start = 0; start < like.size();) {
        const auto end = std::min(like.find(' ', start), like.size());
        match = match || has(applies.os, std::string(like.substr(start, end - start)));
        start = end + 1;
      }
    }
    if (!match) {
      return "os is " + (id.empty() ? std::string("unknown") : id) + ", check applies to " +
             util::join(applies.os, ", ");
    }
  }
  if (!applies.version.empty()) {
    const auto version = fact(facts, "os_version_id");
    if (version != applies.version && version.rfind(applies.version + ".", 0) != 0) {
      return "os version is " + (version.empty() ? std::string("unknown") : version) +
             ", check applies to " + applies.version;
    }
  }
  if (!applies.roles.empty() && std::none_of(applies.roles.begin(), applies.roles.end(),
                                             [&](const auto& r) { return has(roles, r); })) {
    return "host roles (" + util::join(roles, ", ") + ") include none of " +
           util::join(applies.roles, ", ");
  }
  for (const auto& role : applies.not_roles) {
    if (has(roles, role)) {
      return "does not apply to role " + role;
    }
  }
  // An empty package list is one that could not be read (every Debian host has packages): the
  // package conditions are left to why_undecided.
  for (const auto& package : facts.packages_known() ? applies.packages : k_none) {
    if (!facts.installed(package)) {
      return "package " + package + " is not installed";
    }
  }
  for (const auto& package : applies.not_packages) {
    if (facts.installed(package)) {
      return "package " + package + " is installed";
    }
  }
  for (const auto& service : applies.services) {
    if (facts.services.count(service) == 0) {
      return "service " + service + " is not enabled";
    }
  }
  for (const auto& [key, value] : applies.facts) {
    if (fact(facts, key) != value) {
      return "fact " + key + " is '" + fact(facts, key) + "', not '" + value + "'";
    }
  }
  return {};
}

std::string why_undecided(const Applicability& applies, const Facts& facts) {
  if (facts.packages_known() || (applies.packages.empty() && applies.not_packages.empty())) {
    return {};
  }
  auto named = applies.packages;
  named.insert(named.end(), applies.not_packages.begin(), applies.not_packages.end());
  const auto verb = named.size() == 1 ? " is" : " are";
  return "the installed packages could not be read, so whether " + util::join(named, ", ") + verb +
         " installed, and so whether this check applies, is unknown";
}

HostPlan plan_host(const Catalog& catalog, const Facts& facts,
                   const std::vector<std::string>& roles) {
  HostPlan plan;
  std::set<std::string> seen;
  for (const auto& check : catalog.checks) {
    PlannedCheck planned{check, Decision::run, {}};
    planned.reason = why_not_applicable(check->applies, facts, roles);
    if (!planned.reason.empty()) {
      planned.decision = Decision::not_applicable;
    } else if (planned.reason = why_undecided(check->applies, facts); !planned.reason.empty()) {
      planned.decision = Decision::undecided;
    } else if (!check->probe) {
      planned.decision = Decision::manual;
      planned.reason = "no probe can show this: it needs a person's answer";
    } else if (seen.insert(check->probe->id).second) {
      plan.probes.push_back(for_host(*check->probe, facts));
    }
    plan.checks.push_back(std::move(planned));
  }
  return plan;
}

} // namespace cisscan
