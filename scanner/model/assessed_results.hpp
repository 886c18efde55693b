// A host's results as the assessment (exceptions, scores, risk evidence) reads and marks them:
// the results of a record's host entry (EntryResults, below), or a scan's results before their
// text is written (pipeline/scan_entry.hpp), which never become a JSON tree: building, writing
// and freeing that tree was a fifth of the scanner's work a host (issue 11).
#pragma once

#include "model/status.hpp"
#include "util/json.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace cisscan {

// What the assessment reads of a host's results.
class ResultsView {
public:
  virtual ~ResultsView() = default;
  virtual size_t size() const = 0;
  virtual std::string_view check_id(size_t i) const = 0;
  virtual ResultStatus status(size_t i) const = 0;
  virtual double weight(size_t i) const = 0;
  // The result's safeguards, into `out` (cleared first).
  virtual void safeguards(size_t i, std::vector<std::string_view>& out) const = 0;
  virtual bool attested(size_t i) const = 0;
};

// And what it marks on them.
class AssessedResults : public ResultsView {
public:
  // A failure made `waived`: its status and reason kept as `original_status` and
  // `original_reason`, `reason` its new one, `waiver` the waiver's members.
  virtual void waive(size_t i, std::string reason, cisscan::json waiver) = 0;
  virtual void attest(size_t i, cisscan::json attestation) = 0;
  // The risk entries the result's finding feeds; null or empty: none (no `risks` member).
  virtual void set_risks(size_t i, cisscan::json risks) = 0;
};

// The reads of a record's host entry's "results", for either interface.
template <class Interface> class EntryReads : public Interface {
public:
  explicit EntryReads(const cisscan::json& host);
  size_t size() const override;
  std::string_view check_id(size_t i) const override;
  ResultStatus status(size_t i) const override;
  double weight(size_t i) const override;
  void safeguards(size_t i, std::vector<std::string_view>& out) const override;
  bool attested(size_t i) const override;

protected:
  const cisscan::json& m_read; // the results, or null where the host has none
};

using EntryView = EntryReads<ResultsView>;

// The same, marked in place.
class EntryResults final : public EntryReads<AssessedResults> {
public:
  explicit EntryResults(cisscan::json& host);
  void waive(size_t i, std::string reason, cisscan::json waiver) override;
  void attest(size_t i, cisscan::json attestation) override;
  void set_risks(size_t i, cisscan::json risks) override;

private:
  cisscan::json& m_results;
};

} // namespace cisscan
