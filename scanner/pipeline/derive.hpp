// A probe answered from a fact probe's output (the probe type's `derived_from`/`derive`), so it
// needs no process on the host.
#pragma once

#include "catalog/fact_output.hpp"
#include "evaluate/result.hpp"

#include <optional>
#include <span>
#include <vector>

namespace cisscan {

// The fact records of one host, as the probes they answer read them: each fact's output read
// into a probe type's table once for all of them (catalog/fact_output.hpp).
class FactAnswers {
public:
  // `facts` must outlive this and stay where they are.
  explicit FactAnswers(std::span<const ProbeRecord> facts);

  // `spec`'s record, answered from the facts: its `printed` output (plan_host), or its type's
  // derivation from its fact; nullopt when its type derives from no fact, the fact did not come
  // back whole and with exit 0, or the fact cannot answer it: the probe then runs on the host.
  std::optional<ProbeRecord> answer(const ProbeSpec& spec) const;

private:
  ProbeRecord printed(const ProbeSpec& spec) const;

  std::span<const ProbeRecord> m_facts;
  std::vector<FactOutput> m_outputs; // m_facts' outputs, one each
};

// Appends to `records` the records of those of `probes` that the fact records records[0,
// fact_count) answer, in order, and returns the others: the probes to run on the host.
std::vector<ProbeSpec> answer_from_facts(const std::vector<ProbeSpec>& probes,
                                         std::vector<ProbeRecord>& records, size_t fact_count);

} // namespace cisscan
