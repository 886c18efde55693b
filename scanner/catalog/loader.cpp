#include "catalog/loader.hpp"

#include "catalog/probe_types.hpp"
#include "evaluate/operators.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"
#include "util/yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace cisscan {

namespace fs = std::filesystem;

std::string Diagnostic::to_string() const {
  std::string out = file + ":" + std::to_string(line) + ": ";
  if (!check_id.empty()) {
    out += check_id + ": ";
  }
  return out + message;
}

namespace {

// A problem at a node; caught per check so one bad check does not hide the others.
struct CheckError {
  int line;
  std::string message;
};

int line_of(const YAML::Node& node) {
  return node.Mark().line + 1;
}

const std::set<std::string> k_check_keys = {
    "id",       "title",     "benchmark",   "safeguards",    "applies",
    "probe",    "expect",    "weight",      "requires_root", "on_missing",
    "on_empty", "rationale", "remediation", "manual",        "risks",
};
const std::set<std::string> k_benchmark_keys = {"id", "version", "ref", "level"};
const std::set<std::string> k_applies_keys = {"os",       "version",  "roles", "not_roles",
                                              "packages", "services", "facts"};
// Top-level keys of the other kinds of YAML file that live beside check files.
const std::set<std::string> k_other_kinds = {"safeguards", "register",     "criteria", "entries",
                                             "waivers",    "attestations", "hosts"};

void check_keys(const YAML::Node& map, const std::set<std::string>& allowed, const char* where) {
  for (const auto& item : map) {
    const auto key = item.first.as<std::string>();
    if (allowed.count(key) == 0) {
      std::string expected;
      for (const auto& k : allowed) {
        expected += expected.empty() ? k : ", " + k;
      }
      throw CheckError{line_of(item.first), "unknown key '" + key + "' in " + where +
                                                " (expected one of " + expected + ")"};
    }
  }
}

std::string scalar(const YAML::Node& node, const char* key, bool required = true) {
  const auto value = node[key];
  if (!value) {
    if (required) {
      throw CheckError{line_of(node), std::string("missing '") + key + "'"};
    }
    return {};
  }
  if (!value.IsScalar()) {
    throw CheckError{line_of(value), std::string("'") + key + "' must be a string"};
  }
  return value.as<std::string>();
}

std::vector<std::string> strings(const YAML::Node& node, const char* key) {
  std::vector<std::string> out;
  const auto value = node[key];
  if (!value) {
    return out;
  }
  if (value.IsScalar()) {
    out.push_back(value.as<std::string>());
    return out;
  }
  if (!value.IsSequence()) {
    throw CheckError{line_of(value), std::string("'") + key + "' must be a list of strings"};
  }
  for (const auto& item : value) {
    if (!item.IsScalar()) {
      throw CheckError{line_of(item), std::string("'") + key + "' must be a list of strings"};
    }
    out.push_back(item.as<std::string>());
  }
  return out;
}

// Replaces ${name} with the file's variable; an unknown name is an error.
std::string substitute(const std::string& text, const std::map<std::string, std::string>& vars,
                       int line) {
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
      throw CheckError{line, "unterminated ${ in '" + text + "'"};
    }
    const auto name = text.substr(start + 2, end - start - 2);
    const auto it = vars.find(name);
    if (it == vars.end()) {
      throw CheckError{line, "unknown variable ${" + name + "}"};
    }
    out += text.substr(pos, start - pos) + it->second;
    pos = end + 1;
  }
}

ProbeSpec parse_probe(const YAML::Node& node, const std::map<std::string, std::string>& vars) {
  if (!node.IsMap()) {
    throw CheckError{line_of(node), "probe must be a mapping such as {command: \"sshd -T\"}"};
  }
  ProbeSpec probe;
  for (const auto& item : node) {
    const auto key = item.first.as<std::string>();
    if (key == "timeout") {
      probe.timeout_seconds = item.second.as<int>();
      if (probe.timeout_seconds <= 0 || probe.timeout_seconds > 3600) {
        throw CheckError{line_of(item.second), "timeout must be 1..3600 seconds"};
      }
      continue;
    }
    const auto* type = find_probe_type(key);
    if (type == nullptr) {
      std::string names;
      for (const auto& t : probe_types()) {
        names += names.empty() ? std::string(t.name) : ", " + std::string(t.name);
      }
      throw CheckError{line_of(item.first),
                       "unknown probe type '" + key + "' (expected one of " + names + ")"};
    }
    if (!probe.type.empty()) {
      throw CheckError{line_of(item.first), "a probe has exactly one type"};
    }
    if (!item.second.IsScalar()) {
      throw CheckError{line_of(item.second), "the " + key + " probe takes a string"};
    }
    probe.type = key;
    probe.argument = substitute(item.second.as<std::string>(), vars, line_of(item.second));
    const auto problem = type->validate(probe.argument);
    if (!problem.empty()) {
      throw CheckError{line_of(item.second), "the " + key + " probe expects " + problem};
    }
    probe.command = type->command(probe.argument);
    probe.quick = type->quick;
  }
  if (probe.type.empty()) {
    throw CheckError{line_of(node), "probe has no type"};
  }
  probe.id = "p-" + util::sha256_hex(probe.type + "\n" + probe.argument + "\n" +
                                     std::to_string(probe.timeout_seconds))
                        .substr(0, 12);
  return probe;
}

Applicability parse_applies(const YAML::Node& node) {
  if (!node.IsMap()) {
    throw CheckError{line_of(node), "applies must be a mapping"};
  }
  check_keys(node, k_applies_keys, "applies");
  Applicability a;
  a.os = strings(node, "os");
  a.version = scalar(node, "version", false);
  a.roles = strings(node, "roles");
  a.not_roles = strings(node, "not_roles");
  a.packages = strings(node, "packages");
  a.services = strings(node, "services");
  if (node["facts"]) {
    if (!node["facts"].IsMap()) {
      throw CheckError{line_of(node["facts"]), "applies.facts must map fact names to values"};
    }
    for (const auto& item : node["facts"]) {
      a.facts[item.first.as<std::string>()] = item.second.as<std::string>();
    }
  }
  return a;
}

// on_missing and on_empty: what a check makes of a probe that could not read, or printed nothing.
void parse_unreadable_keys(const YAML::Node& node, bool manual, Check& check) {
  const auto on_missing = scalar(node, "on_missing", false);
  if (on_missing == "fail") {
    check.on_missing = OnMissing::fail;
  } else if (!on_missing.empty() && on_missing != "error") {
    throw CheckError{line_of(node["on_missing"]), "on_missing must be error or fail"};
  }
  const auto on_empty = scalar(node, "on_empty", false);
  if (on_empty == "pass") {
    check.on_empty = OnEmpty::pass;
  } else if (on_empty == "fail") {
    check.on_empty = OnEmpty::fail;
  } else if (!on_empty.empty() && on_empty != "error") {
    throw CheckError{line_of(node["on_empty"]), "on_empty must be error, pass or fail"};
  }
  if (!on_empty.empty() && manual) {
    throw CheckError{line_of(node["on_empty"]), "a manual check has no probe output"};
  }
}

// `benchmark:` is one {id, version, ref, level} or a list of them (every recommendation the check
// implements, usually one per benchmark); the same recommendation may appear once.
std::vector<Benchmark> parse_benchmarks(const YAML::Node& node) {
  const char* shape = "benchmark must be {id, version, ref, level} or a list of them";
  if (!node.IsMap() && !(node.IsSequence() && node.size() > 0)) {
    throw CheckError{line_of(node), shape};
  }
  std::vector<Benchmark> out;
  for (const auto& b : node.IsMap() ? std::vector<YAML::Node>{node}
                                    : std::vector<YAML::Node>(node.begin(), node.end())) {
    if (!b.IsMap()) {
      throw CheckError{line_of(b), shape};
    }
    check_keys(b, k_benchmark_keys, "benchmark");
    Benchmark benchmark{scalar(b, "id"), scalar(b, "version", false), scalar(b, "ref", false),
                        scalar(b, "level", false)};
    for (const auto& seen : out) {
      if (seen.id == benchmark.id && seen.ref == benchmark.ref) {
        throw CheckError{line_of(b),
                         "benchmark '" + benchmark.id + "' " + benchmark.ref + " is named twice"};
      }
    }
    out.push_back(std::move(benchmark));
  }
  return out;
}

// `risks:` (an id or a list of them): entries of the risk register that `known_risk` knows.
std::vector<std::string> parse_risks(const YAML::Node& node, const KnownRisk& known_risk) {
  auto risks = strings(node, "risks");
  const auto list = node["risks"];
  if (list && risks.empty()) {
    throw CheckError{line_of(list), "'risks' must name at least one risk register entry"};
  }
  for (size_t i = 0; i < risks.size(); ++i) {
    const auto where = list.IsSequence() ? list[i] : list;
    if (!known_risk || !known_risk(risks[i])) {
      throw CheckError{line_of(where),
                       "risk '" + risks[i] + "' is not an entry of the risk register"};
    }
    if (std::find(risks.begin(), risks.begin() + static_cast<std::ptrdiff_t>(i), risks[i]) !=
        risks.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw CheckError{line_of(where), "risk '" + risks[i] + "' is named twice"};
    }
  }
  return risks;
}

Check parse_check(const YAML::Node& node, const std::string& file,
                  const std::map<std::string, std::string>& vars, const ControlsCatalog& controls,
                  const KnownRisk& known_risk) {
  if (!node.IsMap()) {
    throw CheckError{line_of(node), "expected a check (a mapping with id, title, ...)"};
  }
  check_keys(node, k_check_keys, "a check");
  Check check;
  check.file = file;
  check.line = line_of(node);
  check.id = scalar(node, "id");
  check.title = scalar(node, "title");
  if (node["benchmark"]) {
    check.benchmarks = parse_benchmarks(node["benchmark"]);
  }
  check.safeguards = strings(node, "safeguards");
  if (check.safeguards.empty()) {
    throw CheckError{check.line, "expected at least one CIS v8 safeguard in 'safeguards'"};
  }
  for (size_t i = 0; i < check.safeguards.size(); ++i) {
    if (controls.find(check.safeguards[i]) == nullptr) {
      const auto list = node["safeguards"];
      const auto where = list.IsSequence() ? list[i] : list;
      throw CheckError{line_of(where), "safeguard '" + check.safeguards[i] +
                                           "' is not in the CIS Controls v8 catalog"};
    }
  }
  check.risks = parse_risks(node, known_risk);
  if (node["applies"]) {
    check.applies = parse_applies(node["applies"]);
  }
  const bool manual = node["manual"] && node["manual"].as<bool>();
  if (node["probe"]) {
    check.probe = parse_probe(node["probe"], vars);
  }
  if (node["expect"]) {
    if (!check.probe) {
      throw CheckError{line_of(node["expect"]), "expect needs a probe"};
    }
    try {
      check.expect = parse_expectation(node["expect"], check.probe->type);
    } catch (const ExpectationError& e) {
      throw CheckError{e.line(), e.what()};
    }
  }
  if (!manual && (!check.probe || !check.expect)) {
    throw CheckError{check.line, "expected 'probe' and 'expect' (or 'manual: true')"};
  }
  if (manual && (check.probe || check.expect)) {
    throw CheckError{check.line, "a manual check has no probe or expect"};
  }
  if (node["weight"]) {
    check.weight = node["weight"].as<double>();
    if (!std::isfinite(check.weight) || check.weight <= 0) {
      throw CheckError{line_of(node["weight"]), "weight must be positive"};
    }
  }
  check.requires_root = node["requires_root"] && node["requires_root"].as<bool>();
  parse_unreadable_keys(node, manual, check);
  check.rationale = scalar(node, "rationale", false);
  check.remediation = scalar(node, "remediation", false);
  check.sha256 = util::sha256_hex(YAML::Dump(node));
  return check;
}

// The file's `vars:` into `vars`; false, with a diagnostic, for a top-level key other than checks
// and vars or a variable that is not one value.
bool read_vars(const YAML::Node& root, const std::string& file,
               std::map<std::string, std::string>& vars, std::vector<Diagnostic>& diagnostics) {
  bool ok = true;
  for (const auto& item : root) {
    const auto key = item.first.IsScalar() ? item.first.as<std::string>() : std::string();
    if (key == "vars" && item.second.IsMap()) {
      for (const auto& var : item.second) {
        if (!var.first.IsScalar() || !var.second.IsScalar()) {
          diagnostics.push_back({file, line_of(var.second), "",
                                 "expected one value for a variable (vars: {name: value})"});
          return false;
        }
        vars[var.first.as<std::string>()] = var.second.as<std::string>();
      }
    } else if (key != "checks") {
      diagnostics.push_back(
          {file, line_of(item.first), "", "unknown key '" + key + "' (expected checks, vars)"});
      ok = false;
    }
  }
  return ok;
}

} // namespace

std::vector<std::pair<fs::path, std::string>> find_yaml_files(const std::vector<fs::path>& paths,
                                                              std::vector<Diagnostic>& diags) {
  std::vector<std::pair<fs::path, std::string>> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) {
          files.emplace_back(entry.path(), fs::relative(entry.path(), path).string());
        }
      }
    } else if (fs::is_regular_file(path, ec)) {
      files.emplace_back(path, path.filename().string());
    } else {
      diags.push_back({path.string(), 0, "", "no such file or folder"});
    }
  }
  // The same file reached through a folder and directly is loaded once.
  std::sort(files.begin(), files.end());
  std::set<fs::path> seen;
  std::vector<std::pair<fs::path, std::string>> unique;
  for (auto& file : files) {
    std::error_code ec;
    if (seen.insert(fs::weakly_canonical(file.first, ec)).second) {
      unique.push_back(std::move(file));
    }
  }
  return unique;
}

CatalogLoad load_catalog(const std::vector<fs::path>& paths, const ControlsCatalog& controls,
                         const KnownRisk& known_risk) {
  CatalogLoad load;
  std::map<std::string, const Check*> seen;
  std::vector<std::shared_ptr<Check>> checks;
  std::string digest_input;
  for (const auto& [path, digest_name] : find_yaml_files(paths, load.diagnostics)) {
    const auto file = path.string();
    std::string text;
    YAML::Node root;
    try {
      text = util::read_file(path);
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      load.diagnostics.push_back({file, e.mark.line + 1, "", "malformed YAML: " + e.msg});
      continue;
    } catch (const std::exception& e) {
      load.diagnostics.push_back({file, 0, "", e.what()});
      continue;
    }
    if (root.IsMap() && !root["checks"]) {
      const bool other_kind = std::any_of(root.begin(), root.end(), [](const auto& item) {
        return item.first.IsScalar() &&
               k_other_kinds.count(item.first.template as<std::string>()) != 0;
      });
      if (other_kind) {
        continue;
      }
    }
    if (!root.IsMap() || !root["checks"] || !root["checks"].IsSequence()) {
      load.diagnostics.push_back({file, 1, "", "expected a mapping with a 'checks:' list"});
      continue;
    }
    std::map<std::string, std::string> vars;
    if (!read_vars(root, file, vars, load.diagnostics)) {
      continue;
    }
    for (const auto& node : root["checks"]) {
      const std::string id = node.IsMap() && node["id"] && node["id"].IsScalar()
                                 ? node["id"].as<std::string>()
                                 : std::string();
      try {
        auto check = std::make_shared<Check>(parse_check(node, file, vars, controls, known_risk));
        const auto it = seen.find(check->id);
        if (it != seen.end()) {
          throw CheckError{check->line, "duplicate id (first defined at " + it->second->file + ":" +
                                            std::to_string(it->second->line) + ")"};
        }
        seen[check->id] = check.get();
        checks.push_back(std::move(check));
      } catch (const CheckError& e) {
        load.diagnostics.push_back({file, e.line, id, e.message});
      } catch (const YAML::Exception& e) {
        load.diagnostics.push_back({file, e.mark.line + 1, id, util::expected_of(e)});
      }
    }
    load.catalog.files.push_back(file);
    digest_input += digest_name + "\n" + util::sha256_hex(text) + "\n";
  }
  load.catalog.digest = util::sha256_hex(digest_input);
  for (auto& check : checks) {
    load.catalog.checks.push_back(std::move(check));
  }
  return load;
}

} // namespace cisscan
