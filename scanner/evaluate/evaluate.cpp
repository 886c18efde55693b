#include "evaluate/evaluate.hpp"

#include "catalog/probe_types.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace cisscan {

std::string_view to_string(ProbeState state) {
  switch (state) {
  case ProbeState::ok:
    return "ok";
  case ProbeState::absent:
    return "absent";
  case ProbeState::denied:
    return "denied";
  case ProbeState::error:
    return "error";
  case ProbeState::timeout:
    return "timeout";
  case ProbeState::not_run:
    return "not_run";
  }
  return "error";
}

ProbeState classify(const ProbeSpec& spec, const ProbeOutput* output) {
  if (output == nullptr) {
    return ProbeState::not_run;
  }
  if (!output->complete) {
    return ProbeState::error;
  }
  if (output->exit_code == k_exit_timeout) {
    return ProbeState::timeout;
  }
  const auto* type = find_probe_type(spec.type);
  if (type == nullptr || !type->typed) {
    return output->exit_code == 126 || output->exit_code == 127 ? ProbeState::error
                                                                : ProbeState::ok;
  }
  switch (output->exit_code) {
  case 0:
    return ProbeState::ok;
  case k_exit_absent:
    return ProbeState::absent;
  case k_exit_denied:
    return ProbeState::denied;
  default:
    return ProbeState::error;
  }
}

namespace {

std::string first_line(std::string_view text) {
  const auto lines = util::split_lines(text);
  for (const auto line : lines) {
    if (!util::trim(line).empty()) {
      return std::string(util::trim(line)).substr(0, 200);
    }
  }
  return {};
}

// Operators that judge the text of the output (exists and exit_code do not).
bool reads_output(const Expectation& expectation) {
  if (expectation.op == "exists" || expectation.op == "exit_code") {
    return false;
  }
  if (expectation.op == "all" || expectation.op == "any" || expectation.op == "none") {
    return std::any_of(expectation.children.begin(), expectation.children.end(),
                       [](const Expectation& child) { return reads_output(child); });
  }
  return true;
}

// A probe that ran fine and printed nothing, judged by the check's on_empty.
void judge_empty(const Check& check, CheckResult& result) {
  result.observed = "nothing (the probe printed no output)";
  switch (check.on_empty) {
  case OnEmpty::pass:
    result.status = ResultStatus::pass;
    break;
  case OnEmpty::fail:
    result.status = ResultStatus::fail;
    break;
  case OnEmpty::error:
    result.status = ResultStatus::error;
    result.reason = "the probe printed nothing";
    break;
  }
}

} // namespace

CheckResult evaluate_check(const PlannedCheck& planned,
                           const std::map<std::string, const ProbeRecord*>& probes) {
  CheckResult result;
  result.check = planned.check;
  const auto& check = *planned.check;
  if (planned.decision == Decision::not_applicable) {
    result.status = ResultStatus::not_applicable;
    result.reason = planned.reason;
    return result;
  }
  if (planned.decision == Decision::manual) {
    result.status = ResultStatus::manual;
    result.reason = planned.reason;
    return result;
  }
  result.probe_ids.push_back(check.probe->id);
  const auto it = probes.find(check.probe->id);
  if (it == probes.end() || it->second->state == ProbeState::not_run) {
    result.status = ResultStatus::error;
    result.reason = "the probe did not run";
    return result;
  }
  const auto& record = *it->second;
  ProbeView view{record.state, record.output.exit_code, record.output.output};
  if (record.state == ProbeState::ok && check.probe->type == "command" &&
      record.output.exit_code != 0 && !uses_operator(*check.expect, "exit_code")) {
    result.status = ResultStatus::error;
    result.reason = "the command exited " + std::to_string(record.output.exit_code);
    const auto line = first_line(record.output.output);
    if (!line.empty()) {
      result.reason += ": " + line;
    }
    return result;
  }
  Verdict verdict;
  try {
    verdict = evaluate_expectation(*check.expect, view);
  } catch (const std::exception& e) {
    result.status = ResultStatus::error;
    result.reason = e.what();
    return result;
  }
  result.expected = verdict.expected;
  result.observed = verdict.observed;
  if (record.state == ProbeState::ok && util::trim(record.output.output).empty() &&
      reads_output(*check.expect)) {
    judge_empty(check, result);
    return result;
  }
  switch (verdict.outcome) {
  case Outcome::pass:
    result.status = ResultStatus::pass;
    break;
  case Outcome::fail:
    result.status = ResultStatus::fail;
    break;
  case Outcome::unreadable:
    result.status = check.on_missing == OnMissing::fail ? ResultStatus::fail : ResultStatus::error;
    result.reason = "the probe could not read what the check needs: " + verdict.observed;
    if (record.state == ProbeState::denied || record.state == ProbeState::error) {
      const auto line = first_line(record.output.output);
      if (!line.empty()) {
        result.reason += " (" + line + ")";
      }
    }
    break;
  }
  return result;
}

} // namespace cisscan
