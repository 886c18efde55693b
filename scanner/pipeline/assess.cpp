// A record's assessment: exceptions, scores and the risk register, on a fresh or a saved record.
#include "pipeline/run.hpp"

#include "score/score.hpp"

namespace cisscan {

void assess_record(json& record, const ControlsCatalog& controls, const Assessment& assessment) {
  apply_exceptions(record, assessment.exceptions, assessment.as_of);
  record["scores"] = score_hosts(record["hosts"], controls, record["attestations"]);
  if (assessment.risk) {
    assess_risks(record, *assessment.risk);
  }
}

} // namespace cisscan
