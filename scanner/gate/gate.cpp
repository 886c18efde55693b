#include "gate/gate.hpp"

#include "history/diff.hpp"
#include "model/record_status.hpp"
#include "model/risk_state.hpp"
#include "util/yaml.hpp"

#include <cmath>
#include <cstdio>

namespace cisscan {

namespace {

using cisscan::json;

constexpr size_t k_listed = 20;

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f", value);
  return buffer;
}

void list_findings(const std::vector<std::string>& findings, std::vector<std::string>& out) {
  for (size_t i = 0; i < findings.size() && i < k_listed; ++i) {
    out.push_back("  " + findings[i]);
  }
  if (findings.size() > k_listed) {
    out.push_back("  ... and " + std::to_string(findings.size() - k_listed) + " more");
  }
}

std::vector<std::string> findings_for(const HostSource& hosts, const std::string& safeguard) {
  std::vector<std::string> out;
  hosts.each_gaps([&](const json& host) {
    for (const auto& result : host["results"]) {
      const auto status = result_status(result);
      if (!is_gap(status)) {
        continue;
      }
      for (const auto& s : result["safeguards"]) {
        if (safeguard.empty() || s == safeguard) {
          out.push_back(host["name"].get<std::string>() + "  " +
                        result["check_id"].get<std::string>() + "  " +
                        std::string(to_string(status)));
          break;
        }
      }
    }
  });
  return out;
}

// The unacceptable risks of the record's register: on evidence, and when strict also those
// without evidence (an entry with no host in scope or no result for its safeguards).
template <typename Fail> void risk_rule(const json& record, bool strict, const Fail& fail) {
  const std::string rule =
      strict ? "--fail-on unacceptable-risk-strict" : "--fail-on unacceptable-risk";
  if (!record.contains("risk")) {
    fail(rule + ": the record has no risk assessment", {});
    return;
  }
  std::vector<std::string> lines;
  size_t without_evidence = 0;
  for (const auto& entry : record["risk"]["entries"]) {
    const auto state = risk_state(entry);
    if (state == RiskState::acceptable || (state == RiskState::no_evidence && !strict)) {
      continue;
    }
    const bool evidenced = state == RiskState::unacceptable;
    without_evidence += evidenced ? 0 : 1;
    lines.push_back(entry["id"].get<std::string>() + "  risk " +
                    std::to_string(entry.value("risk", 0)) + (evidenced ? "" : " (no evidence)") +
                    "  " + entry.value("title", std::string()));
  }
  if (!lines.empty()) {
    fail(rule + ": " + std::to_string(lines.size()) + " risks above the acceptance criterion" +
             (strict ? " (" + std::to_string(without_evidence) + " of them without evidence)"
                     : " on evidence"),
         lines);
  }
}

} // namespace

bool GateRules::empty() const {
  return !fail_under && !fail_on_new_failures && !fail_on_unacceptable_risk && !ig1_minimum &&
         safeguard_minimums.empty();
}

GateVerdict evaluate_gate(const json& record, const GateRules& rules) {
  return evaluate_gate(record, RecordHosts(record), rules);
}

GateVerdict evaluate_gate(const json& record, const HostSource& hosts, const GateRules& rules) {
  GateVerdict verdict;
  const auto fail = [&](const std::string& line, const std::vector<std::string>& findings) {
    verdict.passed = false;
    verdict.failures.push_back(line);
    list_findings(findings, verdict.failures);
  };
  const auto& ig1 = record["scores"]["ig1"];
  const auto ig1_rule = [&](double minimum, const char* rule) {
    if (!ig1["score"].is_number()) {
      fail(std::string(rule) + ": the IG1 score is not available (no IG1 safeguard assessed)", {});
    } else if (ig1["score"].get<double>() < minimum) {
      fail(std::string(rule) + ": IG1 score " + number(ig1["score"].get<double>()) + " is under " +
               number(minimum) + " (" + std::to_string(ig1.value("assessed", 0)) + " of " +
               std::to_string(ig1.value("total", 56)) + " IG1 safeguards assessed)",
           findings_for(hosts, ""));
    }
  };
  if (rules.empty()) {
    std::vector<std::string> failures;
    hosts.each_gaps([&](const json& host) {
      for (const auto& result : host["results"]) {
        if (result_status(result) == ResultStatus::fail) {
          failures.push_back(host["name"].get<std::string>() + "  " +
                             result["check_id"].get<std::string>() + "  fail");
        }
      }
    });
    if (!failures.empty()) {
      fail("default gate: " + std::to_string(failures.size()) +
               (failures.size() == 1 ? " check result" : " check results") + " failed (not waived)",
           failures);
    }
    return verdict;
  }
  if (rules.fail_under) {
    ig1_rule(*rules.fail_under, "--fail-under");
  }
  if (rules.ig1_minimum) {
    ig1_rule(*rules.ig1_minimum, "gate file ig1");
  }
  for (const auto& [safeguard, minimum] : rules.safeguard_minimums) {
    const auto tally = record["scores"]["safeguards"].value(safeguard, json::object());
    const auto score = tally.value("score", json());
    if (!score.is_number()) {
      fail("gate file safeguard " + safeguard + ": not assessed (minimum " + number(minimum) + ")",
           {});
    } else if (score.get<double>() < minimum) {
      fail("gate file safeguard " + safeguard + ": score " + number(score.get<double>()) +
               " is under " + number(minimum),
           findings_for(hosts, safeguard));
    }
  }
  if (rules.fail_on_new_failures && rules.baseline) {
    const auto diff = diff_run(digest_of(*rules.baseline), record, hosts);
    if (!diff["newly_failing"].empty()) {
      std::vector<std::string> lines;
      for (const auto& item : diff["newly_failing"]) {
        lines.push_back(item["host"].get<std::string>() + "  " +
                        item["check_id"].get<std::string>() + "  " +
                        item["from"].get<std::string>() + " -> " + item["to"].get<std::string>());
      }
      fail("--fail-on new-failures: " + std::to_string(lines.size()) +
               " results newly failing since " + diff["old_run"].get<std::string>(),
           lines);
    }
  }
  if (rules.fail_on_unacceptable_risk) {
    risk_rule(record, rules.risk_strict, fail);
  }
  return verdict;
}

void load_gate_file(const std::string& path, GateRules& rules,
                    const std::function<bool(const std::string&)>& known_safeguard) try {
  const util::YamlFile file(path);
  const auto& root = file.root();
  file.check_keys(root, {"ig1", "safeguards"}, "a gate file");
  if (root["ig1"]) {
    rules.ig1_minimum = file.integer(root, "ig1", 0, 100);
  }
  if (root["safeguards"]) {
    if (!root["safeguards"].IsMap()) {
      file.fail(root["safeguards"], "safeguards must map a safeguard id to a minimum score");
    }
    for (const auto& item : root["safeguards"]) {
      double minimum = 0;
      try {
        minimum = item.second.as<double>();
      } catch (const yaml::Exception&) {
        file.fail(item.second, "a minimum score must be a number 0..100");
      }
      if (!std::isfinite(minimum) || minimum < 0 || minimum > 100) {
        file.fail(item.second, "a minimum score must be a number 0..100");
      }
      const auto safeguard = item.first.as<std::string>();
      if (!known_safeguard(safeguard)) {
        file.fail(item.first,
                  "safeguard '" + safeguard + "' is not in the CIS Controls v8 catalog");
      }
      rules.safeguard_minimums[safeguard] = minimum;
    }
  }
} catch (const yaml::Exception& e) {
  throw util::yaml_error(path, e);
}

} // namespace cisscan
