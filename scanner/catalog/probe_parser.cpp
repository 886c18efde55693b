// `probe:` of a check: its type from the probe type table, its argument with the file's
// variables substituted, its timeout, and the stable id checks that share it share.
#include "catalog/check_parser.hpp"

#include "catalog/probe_types.hpp"
#include "catalog/service_probe.hpp"
#include "util/sha256.hpp"

#include <optional>

namespace cisscan {

namespace {

// Replaces ${name} with the file's variable; an unknown name is a problem (and left out).
std::string substitute(const yaml::Node& node, const Variables& vars, const util::YamlFile& file) {
  const auto text = node.as<std::string>();
  std::string out;
  size_t pos = 0;
  while (true) {
    const auto start = text.find("${", pos);
    if (start == std::string::npos) {
      out += text.substr(pos);
      return out;
    }
    const auto end = text.find('}', start);
    if (end == std::string::npos) {
      file.report(node, "unterminated ${ in '" + text + "'");
      return out;
    }
    const auto name = text.substr(start + 2, end - start - 2);
    const auto it = vars.find(name);
    if (it == vars.end()) {
      file.report(node, "unknown variable ${" + name + "}");
    } else {
      out += text.substr(pos, start - pos) + it->second;
    }
    pos = end + 1;
  }
}

std::string type_names() {
  std::string names;
  for (const auto& t : probe_types()) {
    names += names.empty() ? std::string(t.name) : ", " + std::string(t.name);
  }
  return names;
}

void parse_timeout(const yaml::Node& value, ProbeSpec& probe, const util::YamlFile& file) {
  file.guard([&] {
    probe.timeout_seconds = value.as<int>();
    if (probe.timeout_seconds <= 0 || probe.timeout_seconds > 3600) {
      file.report(value, "timeout must be 1..3600 seconds");
    }
  });
}

// A command probe's `quick: true`: its command is a short read of bounded output (configuration
// files, /proc, /sys), run without the per-probe timeout and output cap, which cost four
// processes a probe (ProbeSpec::quick). A timeout is what quick leaves out: not both.
void parse_quick(const yaml::Node& value, bool has_timeout, ProbeSpec& probe,
                 const util::YamlFile& file) {
  file.guard([&] { probe.quick = value.as<bool>(); });
  if (probe.quick && has_timeout) {
    file.report(value, "a quick probe runs without a timeout of its own: give quick or timeout");
  }
}

// The argument of a probe of `type`, substituted and validated, and the command it makes.
void parse_argument(const ProbeType& type, const yaml::Node& value, const Variables& vars,
                    ProbeSpec& probe, const util::YamlFile& file) {
  const auto key = std::string(type.name);
  if (!value.IsScalar()) {
    file.report(value, "the " + key + " probe takes a string");
    return;
  }
  const auto before = file.problems();
  probe.argument = substitute(value, vars, file);
  if (file.problems() != before) {
    return;
  }
  const auto problem = type.validate(probe.argument);
  if (!problem.empty()) {
    file.report(value, "the " + key + " probe expects " + problem);
    return;
  }
  probe.command = type.command(probe.argument);
  probe.quick = type.quick;
}

// A command probe's `packages:` or `services:` (key): the names, validated as the argument of
// the probe type of that name; empty after a problem.
std::string parse_names(const yaml::Node& value, const std::string& key, const Variables& vars,
                        const util::YamlFile& file) {
  if (!value.IsScalar()) {
    file.report(value,
                key + " takes a string of " + (key == "packages" ? "package" : "unit") + " names");
    return {};
  }
  const auto before = file.problems();
  auto names = substitute(value, vars, file);
  if (file.problems() != before) {
    return {};
  }
  const auto problem = find_probe_type(key)->validate(names);
  if (!problem.empty()) {
    file.report(value, key + " expects " + problem);
    return {};
  }
  return names;
}

// The probe's id, from everything that makes its output (its cost and lane do not), and its
// command with the package and unit lines it starts with.
void set_identity(ProbeSpec& probe) {
  auto identity = probe.type + "\n" + probe.argument + "\n" + std::to_string(probe.timeout_seconds);
  if (probe.quick && probe.type == "command") {
    identity += "\nquick";
  }
  if (!probe.services.empty()) {
    identity += "\nservices " + probe.services;
    if (!probe.command.empty()) {
      probe.command = services_lines_command(probe.services) + "; " + probe.command;
    }
  }
  if (!probe.packages.empty()) {
    identity += "\npackages " + probe.packages;
    if (!probe.command.empty()) {
      probe.command = package_states_command(probe.packages) + "; " + probe.command;
    }
  }
  probe.id = "p-" + util::sha256_hex(identity).substr(0, 12);
}

} // namespace

ProbeSpec parse_probe(const yaml::Node& node, const Variables& vars, const util::YamlFile& file) {
  ProbeSpec probe;
  if (!node.IsMap()) {
    file.report(node, "probe must be a mapping such as {command: \"sshd -T\"}");
    return probe;
  }
  bool named_a_type = false;
  std::optional<yaml::Node> quick; // its value, read once the probe's type is known
  // Beside `command`, `packages` and `services` are what the command's output starts with, not
  // types.
  const bool has_command = node["command"].IsDefined();
  for (const auto& item : node) {
    const auto key = item.first.as<std::string>();
    if (key == "timeout") {
      parse_timeout(item.second, probe, file);
      continue;
    }
    if (key == "cost") {
      // What the probe costs the host, in quick probes, where its kind says too little to place
      // it in a lane (ProbeSpec::cost). Not part of its id: checks that share the probe and
      // state different costs weigh it by the highest (load_catalog).
      probe.cost = file.integer(node, "cost", 1, 1000);
      continue;
    }
    if (key == "lane") {
      // Probes that must not run beside each other (ProbeSpec::lane). Not part of the id.
      const auto lane = item.second.IsScalar() ? item.second.as<std::string>() : std::string();
      if (lane.empty() ||
          lane.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
        file.report(item.second,
                    "lane is a name of lowercase letters, digits and '-', such as homes");
      }
      probe.lane = lane;
      continue;
    }
    if (key == "quick") {
      if (has_command) {
        quick = item.second;
      } else {
        file.report(item.first, "quick is for command probes (the other types are quick or not "
                                "by their type)");
      }
      continue;
    }
    if ((key == "packages" || key == "services") && has_command) {
      (key == "packages" ? probe.packages : probe.services) =
          parse_names(item.second, key, vars, file);
      continue;
    }
    const auto* type = find_probe_type(key);
    if (type == nullptr) {
      file.report(item.first,
                  "unknown probe type '" + key + "' (expected one of " + type_names() + ")");
      named_a_type = true;
      continue;
    }
    if (!probe.type.empty()) {
      file.report(item.first, "a probe has exactly one type");
      continue;
    }
    named_a_type = true;
    probe.type = key;
    parse_argument(*type, item.second, vars, probe, file);
  }
  if (!named_a_type) {
    file.report(node, "probe has no type");
  }
  if (quick) {
    parse_quick(*quick, node["timeout"].IsDefined(), probe, file);
  } else if (probe.quick && node["timeout"].IsDefined()) {
    file.report(node["timeout"], "a " + probe.type +
                                     " probe is a short read without a timeout of its own (the "
                                     "host's deadline bounds it): drop timeout");
  }
  set_identity(probe);
  return probe;
}

} // namespace cisscan
