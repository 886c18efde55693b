// The probe evidence shown on the HTML report's result cards (html_evidence.cpp).
#pragma once

#include "reports/html_view.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace cisscan::reports::html {

// Where a probe's output is printed: the anchor of its block and the check whose card holds it.
struct Printed {
  std::string anchor;
  std::string check_id;
};

// The output as segments {text, hit} for the template, the lines equal to one of `observed`'s
// lines (the deciding lines) as hits; `marked` tells whether there was one.
Data output_segments(const std::string& output, const std::string& observed, bool& marked);

// Which card of one host's list prints each probe's output: the first of `shown` that reads it.
class EvidencePlan {
public:
  // `entry`: the host whole, with its probes' outputs (Index::host).
  EvidencePlan(std::shared_ptr<const json> entry, size_t host, const std::vector<size_t>& shown,
               std::string prefix);
  // The evidence items of result r (one of `shown`).
  Data evidence(size_t r) const;

private:
  std::shared_ptr<const json> m_host;
  const json& m_results;
  const json& m_probes;
  std::unordered_map<std::string, size_t> m_probe_index;
  std::unordered_map<size_t, Printed> m_first_use; // probe index -> the card that prints it
  std::unordered_map<size_t, size_t> m_printed_by; // probe index -> result index printing it
};

} // namespace cisscan::reports::html
