// A record's assessment: exceptions, scores and the risk register, on a fresh or a saved record.
#include "pipeline/run.hpp"

#include "risk/evidence.hpp"
#include "score/score.hpp"

namespace cisscan {

HostAssessor::HostAssessor(const json& record, const ControlsCatalog& controls,
                           const Assessment& assessment)
    : m_assessment(assessment), m_exceptions(assessment.exceptions, assessment.as_of),
      m_scores(controls), m_host_scores(json::object()) {
  if (assessment.risk) {
    m_evidence = std::make_unique<EvidencePass>(record, *assessment.risk);
  }
}

HostAssessor::~HostAssessor() = default;

void HostAssessor::add(json& host, size_t index) {
  m_host_scores[host.at("name").get<std::string>()] = add_spooled(host, index);
}

json HostAssessor::add_spooled(json& host, size_t index) {
  m_exceptions.apply(host, index);
  auto score = m_scores.add(host);
  if (m_evidence) {
    m_evidence->add(host, index);
  }
  return score;
}

json HostAssessor::add(ScanEntry& entry, size_t index) {
  m_exceptions.apply(entry.host(), entry, index);
  auto score = m_scores.add(entry.host(), entry, entry.answered());
  if (m_evidence) {
    m_evidence->add(entry.host(), entry, index);
  }
  return score;
}

void HostAssessor::finish(json& record) {
  m_exceptions.finish(record);
  auto& scores = record["scores"] = m_scores.finish(record["attestations"]);
  scores["hosts"] = std::move(m_host_scores);
  if (m_evidence) {
    assess_risks(record, *m_assessment.risk, *m_evidence);
  }
}

void assess_record(json& record, const ControlsCatalog& controls, const Assessment& assessment) {
  HostAssessor assessor(record, controls, assessment);
  size_t index = 0;
  for (auto& host : record["hosts"]) {
    assessor.add(host, index++);
  }
  assessor.finish(record);
}

} // namespace cisscan
