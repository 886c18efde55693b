#include "catalog/check_parser.hpp"

#include "catalog/operators.hpp"
#include "util/sha256.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace cisscan {

namespace {

const std::set<std::string> k_check_keys = {
    "id",       "title",     "benchmark",   "safeguards",    "applies",
    "probe",    "expect",    "weight",      "requires_root", "on_missing",
    "on_empty", "rationale", "remediation", "manual",        "risks",
};
const std::set<std::string> k_benchmark_keys = {"id", "version", "ref", "level"};
const std::set<std::string> k_applies_keys = {"os",       "version",      "roles",    "not_roles",
                                              "packages", "not_packages", "services", "facts"};

Applicability parse_applies(const yaml::Node& node, const util::YamlFile& file) {
  Applicability a;
  if (!node.IsMap()) {
    file.report(node, "applies must be a mapping");
    return a;
  }
  file.check_keys(node, k_applies_keys, "applies");
  a.os = file.strings(node, "os");
  a.version = file.string(node, "version", false);
  a.roles = file.strings(node, "roles");
  a.not_roles = file.strings(node, "not_roles");
  a.packages = file.strings(node, "packages");
  a.not_packages = file.strings(node, "not_packages");
  a.services = file.strings(node, "services");
  if (node["facts"] && !node["facts"].IsMap()) {
    file.report(node["facts"], "applies.facts must map fact names to values");
  } else if (node["facts"]) {
    for (const auto& item : node["facts"]) {
      a.facts[item.first.as<std::string>()] = item.second.as<std::string>();
    }
  }
  return a;
}

// on_missing and on_empty: what a check makes of a probe that could not read, or printed nothing.
void parse_unreadable_keys(const yaml::Node& node, bool manual, Check& check,
                           const util::YamlFile& file) {
  const auto on_missing = file.string(node, "on_missing", false);
  if (on_missing == "fail") {
    check.on_missing = OnMissing::fail;
  } else if (!on_missing.empty() && on_missing != "error") {
    file.report(node["on_missing"], "on_missing must be error or fail");
  }
  const auto on_empty = file.string(node, "on_empty", false);
  if (on_empty == "pass") {
    check.on_empty = OnEmpty::pass;
  } else if (on_empty == "fail") {
    check.on_empty = OnEmpty::fail;
  } else if (!on_empty.empty() && on_empty != "error") {
    file.report(node["on_empty"], "on_empty must be error, pass or fail");
  }
  if (!on_empty.empty() && manual) {
    file.report(node["on_empty"], "a manual check has no probe output");
  }
}

// `benchmark:` is one {id, version, ref, level} or a list of them (every recommendation the check
// implements, usually one per benchmark); the same recommendation may appear once.
std::vector<Benchmark> parse_benchmarks(const yaml::Node& node, const util::YamlFile& file) {
  const char* shape = "benchmark must be {id, version, ref, level} or a list of them";
  std::vector<Benchmark> out;
  if (!node.IsMap() && !(node.IsSequence() && node.size() > 0)) {
    file.report(node, shape);
    return out;
  }
  for (const auto& b : node.IsMap() ? std::vector<yaml::Node>{node}
                                    : std::vector<yaml::Node>(node.begin(), node.end())) {
    if (!b.IsMap()) {
      file.report(b, shape);
      continue;
    }
    file.check_keys(b, k_benchmark_keys, "benchmark");
    Benchmark benchmark{file.string(b, "id"), file.string(b, "version", false),
                        file.string(b, "ref", false), file.string(b, "level", false)};
    for (const auto& seen : out) {
      if (seen.id == benchmark.id && seen.ref == benchmark.ref) {
        file.report(b, "benchmark '" + benchmark.id + "' " + benchmark.ref + " is named twice");
      }
    }
    out.push_back(std::move(benchmark));
  }
  return out;
}

// The entry of a list (or the scalar itself) where the i-th of its strings was written.
yaml::Node entry(const yaml::Node& list, size_t i) {
  return list.IsSequence() ? list[i] : list;
}

void parse_safeguards(const yaml::Node& node, const ControlsCatalog& controls, Check& check,
                      const util::YamlFile& file) {
  const auto before = file.problems();
  check.safeguards = file.strings(node, "safeguards");
  if (check.safeguards.empty() && file.problems() == before) {
    file.report(check.line, "expected at least one CIS v8 safeguard in 'safeguards'");
  }
  for (size_t i = 0; i < check.safeguards.size(); ++i) {
    if (controls.find(check.safeguards[i]) == nullptr) {
      file.report(entry(node["safeguards"], i),
                  "safeguard '" + check.safeguards[i] + "' is not in the CIS Controls v8 catalog");
    }
  }
}

// `risks:` (an id or a list of them): entries of the risk register that `known_risk` knows.
std::vector<std::string> parse_risks(const yaml::Node& node, const KnownRisk& known_risk,
                                     const util::YamlFile& file) {
  const auto before = file.problems();
  auto risks = file.strings(node, "risks");
  const auto list = node["risks"];
  if (list && risks.empty() && file.problems() == before) {
    file.report(list, "'risks' must name at least one risk register entry");
  }
  for (size_t i = 0; i < risks.size(); ++i) {
    if (!known_risk || !known_risk(risks[i])) {
      file.report(entry(list, i), "risk '" + risks[i] + "' is not an entry of the risk register");
    }
    if (std::find(risks.begin(), risks.begin() + static_cast<std::ptrdiff_t>(i), risks[i]) !=
        risks.begin() + static_cast<std::ptrdiff_t>(i)) {
      file.report(entry(list, i), "risk '" + risks[i] + "' is named twice");
    }
  }
  return risks;
}

// What the check is and what it covers: id, title, benchmarks, safeguards, risks, applies.
void parse_identity(const yaml::Node& node, const CheckContext& context, Check& check,
                    const util::YamlFile& file) {
  file.guard([&] { check.id = file.string(node, "id"); });
  file.guard([&] { check.title = file.string(node, "title"); });
  if (node["benchmark"]) {
    file.guard([&] { check.benchmarks = parse_benchmarks(node["benchmark"], file); });
  }
  file.guard([&] { parse_safeguards(node, context.controls, check, file); });
  file.guard([&] { check.risks = parse_risks(node, context.known_risk, file); });
  if (node["applies"]) {
    file.guard([&] { check.applies = parse_applies(node["applies"], file); });
  }
}

// How the check is judged: `probe:` and `expect:`, or `manual: true`. Whether it has what it
// needs is judged only when what it has read cleanly (`clean_before`: the problems before it).
void parse_test(const yaml::Node& node, const CheckContext& context, Check& check, bool manual,
                size_t clean_before, const util::YamlFile& file) {
  std::string probe_type;
  if (node["probe"]) {
    const auto before = file.problems();
    file.guard([&] {
      auto probe = parse_probe(node["probe"], context.vars, file);
      probe_type = probe.type;
      if (file.problems() == before) {
        check.probe = std::move(probe);
      }
    });
  }
  if (node["expect"] && !node["probe"]) {
    file.report(node["expect"], "expect needs a probe");
  } else if (node["expect"]) {
    const auto before = file.problems();
    file.guard([&] {
      auto expect = parse_expectation(node["expect"], probe_type, file);
      if (file.problems() == before) {
        check.expect = std::move(expect);
      }
    });
  }
  if (file.problems() != clean_before) {
    return;
  }
  if (!manual && (!check.probe || !check.expect)) {
    file.report(check.line, "expected 'probe' and 'expect' (or 'manual: true')");
  }
  if (manual && (check.probe || check.expect)) {
    file.report(check.line, "a manual check has no probe or expect");
  }
}

} // namespace

Check parse_check(const yaml::Node& node, const CheckContext& context, const util::YamlFile& file) {
  Check check;
  if (!node.IsMap()) {
    file.report(node, "expected a check (a mapping with id, title, ...)");
    return check;
  }
  const auto start = file.problems();
  file.guard([&] { file.check_keys(node, k_check_keys, "a check"); });
  check.file = file.name();
  check.line = util::line_of(node);
  parse_identity(node, context, check, file);
  bool manual = false;
  file.guard([&] { manual = node["manual"] && node["manual"].as<bool>(); });
  parse_test(node, context, check, manual, start, file);
  if (node["weight"]) {
    file.guard([&] {
      check.weight = node["weight"].as<double>();
      // A tally sums weights in millionths (score/safeguard_state.hpp).
      if (!std::isfinite(check.weight) || check.weight < 0.001 || check.weight > 1000) {
        file.report(node["weight"], "weight must be a number from 0.001 to 1000");
      }
    });
  }
  file.guard(
      [&] { check.requires_root = node["requires_root"] && node["requires_root"].as<bool>(); });
  file.guard([&] { parse_unreadable_keys(node, manual, check, file); });
  file.guard([&] { check.rationale = file.string(node, "rationale", false); });
  file.guard([&] { check.remediation = file.string(node, "remediation", false); });
  check.sha256 = util::sha256_hex(util::canonical_text(node));
  return check;
}

} // namespace cisscan
