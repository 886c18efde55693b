#include "evaluate/evaluate.hpp"

#include "catalog/probe_types.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace cisscan {

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
  for (const auto line : util::Lines(text)) {
    if (!util::trim(line).empty()) {
      return std::string(util::trim(line)).substr(0, 200);
    }
  }
  return {};
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

// An operator's verdict as the check's status, by its on_missing when unreadable. `result`
// holds the verdict's expected and observed already.
void judge_verdict(const Check& check, const ProbeView& view, const Verdict& verdict,
                   CheckResult& result) {
  switch (verdict.outcome) {
  case Outcome::pass:
    result.status = ResultStatus::pass;
    break;
  case Outcome::fail:
    result.status = ResultStatus::fail;
    break;
  case Outcome::unreadable:
    result.status = check.on_missing == OnMissing::fail ? ResultStatus::fail : ResultStatus::error;
    result.reason = "the probe could not read what the check needs: " + result.observed;
    if (view.state == ProbeState::denied || view.state == ProbeState::error) {
      const auto line = first_line(view.output);
      if (!line.empty()) {
        result.reason += " (" + line + ")";
      }
    }
    break;
  }
}

// The check judged on its probe's view; `view` is null when the probe did not run.
CheckResult judge_check(const PlannedCheck& planned, const ProbeView* view) {
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
  if (planned.decision == Decision::undecided) {
    result.status = ResultStatus::error;
    result.reason = planned.reason;
    return result;
  }
  result.probe_ids.push_back(check.probe->id);
  if (view == nullptr || view->state == ProbeState::not_run) {
    result.status = ResultStatus::error;
    result.reason = "the probe did not run";
    return result;
  }
  if (view->state == ProbeState::ok && check.probe->type == "command" && view->exit_code != 0 &&
      !reads_exit_code(*check.expect)) {
    result.status = ResultStatus::error;
    result.reason = "the command exited " + std::to_string(view->exit_code);
    const auto line = first_line(view->output);
    if (!line.empty()) {
      result.reason += ": " + line;
    }
    return result;
  }
  Verdict verdict;
  try {
    verdict = evaluate_expectation(*check.expect, *view);
  } catch (const std::exception& e) {
    result.status = ResultStatus::error;
    result.reason = e.what();
    return result;
  }
  result.expected = std::move(verdict.expected);
  result.observed = std::move(verdict.observed);
  if (view->state == ProbeState::ok && util::trim(view->output).empty() &&
      reads_output(*check.expect)) {
    judge_empty(check, result);
    return result;
  }
  judge_verdict(check, *view, verdict, result);
  return result;
}

ProbeView view_of(const ProbeRecord& record) {
  return view_of(find_probe_type(record.spec.type), record.state, record.output.exit_code,
                 record.output.output);
}

} // namespace

CheckResult evaluate_check(const PlannedCheck& planned,
                           const std::map<std::string, const ProbeRecord*>& probes) {
  if (planned.decision != Decision::run) {
    return judge_check(planned, nullptr);
  }
  const auto it = probes.find(planned.check->probe->id);
  if (it == probes.end()) {
    return judge_check(planned, nullptr);
  }
  const auto view = view_of(*it->second);
  return judge_check(planned, &view);
}

std::vector<CheckResult> evaluate_checks(const std::vector<PlannedCheck>& planned,
                                         const std::map<std::string, const ProbeRecord*>& probes) {
  std::map<std::string_view, ProbeView> views;
  for (const auto& [id, record] : probes) {
    views.emplace(id, view_of(*record));
  }
  std::vector<CheckResult> results;
  results.reserve(planned.size());
  for (const auto& one : planned) {
    const ProbeView* view = nullptr;
    if (one.decision == Decision::run) {
      const auto it = views.find(one.check->probe->id);
      view = it == views.end() ? nullptr : &it->second;
    }
    results.push_back(judge_check(one, view));
  }
  return results;
}

} // namespace cisscan
