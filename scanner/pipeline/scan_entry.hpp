// A scanned host's record entry as a scan spools it, never made a JSON tree whole: its members
// but results and probes as a small tree (what exceptions and risk entries select hosts by), its
// results as the run gave them with the assessment's marks beside them, and its text written
// from those. Building, writing and freeing a host's tree of ~350 results was a fifth of the
// scanner's work a host (issue 11). The text is byte for byte the compact text of
// host_to_json's entry assessed the same way (test_scan_entry.cpp).
#pragma once

#include "catalog/check.hpp"
#include "model/assessed_results.hpp"
#include "pipeline/scan.hpp"
#include "util/json.hpp"
#include "util/json_text.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cisscan {

// What a catalog's results and probes have the same on every host, as text once a run. Per
// check: every member of its results that depends on the check alone (its title, benchmarks,
// digest, root, id, safeguards and weight), in key order. Per probe: the members a catalog's
// probe has on every host that runs it as the catalog wrote it (a host whose probe differs, a
// command plan_host changed, has its own written).
struct ResultMembers {
  struct Probe {
    std::string type;
    std::string argument;
    std::string command;
    int timeout_seconds = 0;
    std::vector<util::MemberText> members;
  };
  std::unordered_map<const Check*, std::vector<util::MemberText>> by_check;
  std::unordered_map<std::string, Probe> by_probe;
};

ResultMembers result_members(const Catalog& catalog);

class ScanEntry final : public AssessedResults {
public:
  // `members` outlives the entry.
  ScanEntry(HostRun&& run, const ResultMembers& members);

  // The entry's members but "results" and "probes" (each there as a null, for their place).
  const cisscan::json& host() const { return m_host; }
  const std::string& name() const { return m_run.spec.name; }
  // Whether the host ran probes (else its results are placeholders).
  bool answered() const { return !m_run.probes.empty(); }
  // The entry's compact JSON text, appended to `out`.
  void append_text(std::string& out) const;

  size_t size() const override { return m_run.results.size(); }
  std::string_view check_id(size_t i) const override { return m_run.results[i].check->id; }
  ResultStatus status(size_t i) const override;
  double weight(size_t i) const override { return m_run.results[i].check->weight; }
  void safeguards(size_t i, std::vector<std::string_view>& out) const override;
  bool attested(size_t i) const override { return !m_marks[i].attestation.is_null(); }
  void waive(size_t i, std::string reason, cisscan::json waiver) override;
  void attest(size_t i, cisscan::json attestation) override;
  void set_risks(size_t i, cisscan::json risks) override;

private:
  // What the assessment set on a result.
  struct Marks {
    bool waived = false;
    std::string reason; // the waiver's, when waived
    cisscan::json waiver;
    cisscan::json attestation;
    cisscan::json risks;
  };
  void append_result(std::string& out, size_t i) const;

  HostRun m_run;
  const ResultMembers& m_members;
  cisscan::json m_host;
  std::vector<Marks> m_marks;
};

} // namespace cisscan
