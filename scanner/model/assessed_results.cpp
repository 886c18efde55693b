#include "model/assessed_results.hpp"

#include "model/record_status.hpp"

namespace cisscan {

namespace {

// The host's results, or null where it has no list of them.
const cisscan::json& results_of(const cisscan::json& host) {
  static const cisscan::json none;
  const auto& results = util::member_or_null(host, "results");
  return results.is_array() ? results : none;
}

} // namespace

template <class Interface>
EntryReads<Interface>::EntryReads(const cisscan::json& host) : m_read(results_of(host)) {}

template <class Interface> size_t EntryReads<Interface>::size() const {
  return m_read.size();
}

template <class Interface> std::string_view EntryReads<Interface>::check_id(size_t i) const {
  return status_word(m_read[i], "check_id");
}

template <class Interface> ResultStatus EntryReads<Interface>::status(size_t i) const {
  return result_status(m_read[i]);
}

template <class Interface> double EntryReads<Interface>::weight(size_t i) const {
  return m_read[i].value("weight", 1.0);
}

template <class Interface>
void EntryReads<Interface>::safeguards(size_t i, std::vector<std::string_view>& out) const {
  out.clear();
  const auto& result = m_read[i];
  const auto it = result.find("safeguards");
  if (it == result.end() || !it->is_array()) {
    return;
  }
  for (const auto& s : *it) {
    if (s.is_string()) {
      out.emplace_back(s.get_ref<const std::string&>());
    }
  }
}

template <class Interface> bool EntryReads<Interface>::attested(size_t i) const {
  return m_read[i].contains("attestation");
}

template class EntryReads<ResultsView>;
template class EntryReads<AssessedResults>;

EntryResults::EntryResults(cisscan::json& host)
    : EntryReads<AssessedResults>(host), m_results(host["results"]) {}

void EntryResults::waive(size_t i, std::string reason, cisscan::json waiver) {
  auto& result = m_results[i];
  result["original_status"] = to_string(status(i));
  result["original_reason"] = result["reason"];
  result["status"] = to_string(ResultStatus::waived);
  result["reason"] = std::move(reason);
  result["waiver"] = std::move(waiver);
}

void EntryResults::attest(size_t i, cisscan::json attestation) {
  m_results[i]["attestation"] = std::move(attestation);
}

void EntryResults::set_risks(size_t i, cisscan::json risks) {
  if (risks.empty()) { // null or []
    m_results[i].erase("risks");
  } else {
    m_results[i]["risks"] = std::move(risks);
  }
}

} // namespace cisscan
