#include "pipeline/derive.hpp"

#include "catalog/probe_types.hpp"
#include "evaluate/evaluate.hpp"
#include "plan/plan.hpp"
#include "util/sha256.hpp"
#include "util/text.hpp"

#include <iterator>

namespace cisscan {

FactAnswers::FactAnswers(std::span<const ProbeRecord> facts) : m_facts(facts) {
  m_outputs.reserve(facts.size());
  for (const auto& fact : facts) {
    m_outputs.emplace_back(fact.output.output);
  }
}

ProbeRecord FactAnswers::printed(const ProbeSpec& spec) const {
  const auto from = printed_from(spec);
  ProbeRecord record;
  record.spec = spec;
  record.spec.command = "(answered from the facts: " + util::join(from, ", ") + ") " + spec.command;
  record.output.id = spec.id;
  record.output.output = *spec.printed;
  record.output.exit_code = 0;
  record.output.output_bytes = record.output.output.size();
  record.output.sha256 = util::sha256_hex(record.output.output);
  record.output.complete = true;
  for (const auto& fact : m_facts) {
    if (fact.spec.id == from.front()) {
      record.output.started_at = fact.output.started_at;
    }
  }
  record.state = classify(record.spec, &record.output);
  return record;
}

std::optional<ProbeRecord> FactAnswers::answer(const ProbeSpec& spec) const {
  if (spec.printed) {
    return printed(spec);
  }
  const auto* type = find_probe_type(spec.type);
  if (type == nullptr || type->derive == nullptr) {
    return std::nullopt;
  }
  for (size_t i = 0; i < m_facts.size(); ++i) {
    const auto& fact = m_facts[i];
    // Only from a fact probe that succeeded, whole: a failed dpkg-query lists no package, and
    // a list cut at the facts' cap lacks those past the cut, which must not read as absent;
    // a systemctl that could not reach its service manager answers no unit. The probe then
    // runs on the host and says why.
    if (fact.spec.id != type->derived_from || fact.state != ProbeState::ok ||
        fact.output.exit_code != 0 || fact.output.truncated) {
      continue;
    }
    int exit_code = 0;
    auto output = type->derive(spec.argument, m_outputs[i], exit_code);
    if (!output) {
      return std::nullopt;
    }
    ProbeRecord record;
    record.spec = spec;
    record.spec.command = "(answered from probe " + fact.spec.id + ") " + spec.command;
    record.output.id = spec.id;
    record.output.output = std::move(*output);
    record.output.exit_code = exit_code;
    record.output.output_bytes = record.output.output.size();
    record.output.sha256 = util::sha256_hex(record.output.output);
    record.output.complete = true;
    record.output.started_at = fact.output.started_at;
    record.state = classify(record.spec, &record.output);
    return record;
  }
  return std::nullopt;
}

std::vector<ProbeSpec> answer_from_facts(const std::vector<ProbeSpec>& probes,
                                         std::vector<ProbeRecord>& records, size_t fact_count) {
  std::vector<ProbeSpec> to_run;
  std::vector<ProbeRecord> answered;
  const FactAnswers facts({records.data(), fact_count});
  for (const auto& spec : probes) {
    if (auto record = facts.answer(spec)) {
      answered.push_back(std::move(*record));
    } else {
      to_run.push_back(spec);
    }
  }
  // Appended once the facts are no longer read: `records` may move as it grows.
  records.insert(records.end(), std::make_move_iterator(answered.begin()),
                 std::make_move_iterator(answered.end()));
  return to_run;
}

} // namespace cisscan
