// Result cards: the findings (every fail, error and waived result) and each host's list of every
// result, passes included, each with its rationale, expectation, observation and probe evidence.
// A host that could not be scanned at all is one card with its reason, not one per check.
#include "model/record_status.hpp"
#include "reports/display.hpp"
#include "reports/html_evidence.hpp"
#include "reports/xml_text.hpp"

#include <unordered_map>

namespace cisscan::reports::html {

void add_findings_view(Data& view, const Index& index) {
  Data groups = list_data();
  size_t total = 0;
  for (size_t h = 0; h < index.host_count(); ++h) {
    const auto& host = index.head(h);
    const auto& tally = index.tally(h);
    const bool unscanned = index.unscanned(h);
    const size_t n = unscanned ? 1 : tally.findings.size();
    if (n == 0) {
      continue;
    }
    total += n;
    std::string breakdown;
    for (const auto status : {ResultStatus::fail, ResultStatus::error, ResultStatus::waived}) {
      if (tally.count(status) > 0) {
        breakdown += (breakdown.empty() ? "" : ", ") + std::to_string(tally.count(status)) + " " +
                     status_label(status);
      }
    }
    Data group = object_data();
    put(group, "host_index", std::to_string(h));
    put(group, "name", field(host, "name"));
    put(group, "anchor", host_anchor(h));
    put(group, "status", field(host, "status"));
    put(group, "host_ok", Data(field(host, "status") == "ok"));
    put(group, "reason", field(host, "reason"));
    put(group, "count", plural(static_cast<int64_t>(n), "finding", "findings"));
    put(group, "breakdown", breakdown);
    put(group, "unscanned", Data(unscanned));
    put(group, "unscanned_anchor", unscanned_anchor(h));
    put(group, "q", search_text({field(host, "name"), field(host, "status")}));
    put(group, "unscanned_results",
        plural(static_cast<int64_t>(index.result_count(h)), "check", "checks"));
    push(groups, std::move(group));
  }
  put(view, "findings_total", std::to_string(total));
  put(view, "has_findings", Data(total > 0));
  put(view, "finding_groups", std::move(groups));
}

namespace {

enum class CardField {
  anchor,
  status,
  status_label,
  check_id,
  title,
  controls,
  safeguards,
  safeguard_ids,
  q,
  has_benchmark,
  benchmark,
  has_expected,
  expected,
  observed,
  has_reason,
  reason,
  has_rationale,
  rationale,
  has_remediation,
  remediation,
  has_original_status,
  original_status,
  has_risks,
  risks,
  probe_count,
  has_probes,
  probes,
  has_waiver,
  waiver_id,
  waiver_anchor,
  is_finding,
  finding_anchor,
  has_note,
  note
};

const std::unordered_map<std::string, CardField>& card_fields() {
  using F = CardField;
  static const std::unordered_map<std::string, F> k_fields = {
      {"anchor", F::anchor},
      {"status", F::status},
      {"status_label", F::status_label},
      {"check_id", F::check_id},
      {"title", F::title},
      {"controls", F::controls},
      {"safeguards", F::safeguards},
      {"safeguard_ids", F::safeguard_ids},
      {"q", F::q},
      {"has_benchmark", F::has_benchmark},
      {"benchmark", F::benchmark},
      {"has_expected", F::has_expected},
      {"expected", F::expected},
      {"observed", F::observed},
      {"has_reason", F::has_reason},
      {"reason", F::reason},
      {"has_rationale", F::has_rationale},
      {"rationale", F::rationale},
      {"has_remediation", F::has_remediation},
      {"remediation", F::remediation},
      {"has_original_status", F::has_original_status},
      {"original_status", F::original_status},
      {"has_risks", F::has_risks},
      {"risks", F::risks},
      {"probe_count", F::probe_count},
      {"has_probes", F::has_probes},
      {"probes", F::probes},
      {"has_waiver", F::has_waiver},
      {"waiver_id", F::waiver_id},
      {"waiver_anchor", F::waiver_anchor},
      {"is_finding", F::is_finding},
      {"finding_anchor", F::finding_anchor},
      {"has_note", F::has_note},
      {"note", F::note}};
  return k_fields;
}

// Every benchmark recommendation the result names: "cis-debian12 1.1.0 5.1.20, level L1; ...".
std::string benchmark_text(const json& result) {
  std::string text;
  for (const auto& b : benchmarks_of(result)) {
    std::string one = field(b, "id");
    for (const char* key : {"version", "ref"}) {
      const auto part = field(b, key);
      one += part.empty() ? "" : (one.empty() ? "" : " ") + part;
    }
    const auto level = field(b, "level");
    one += level.empty() || one.empty() ? "" : ", level " + level;
    text += one.empty() ? "" : (text.empty() ? "" : "; ") + one;
  }
  return text;
}

Data risk_links(const Index& index, const json& risks) {
  Data links = list_data();
  for (const auto& risk : risks) {
    Data link = object_data();
    auto anchor = index.risk_anchor(string_of(risk));
    put(link, "id", text(risk));
    put(link, "linked", Data(!anchor.empty()));
    put(link, "anchor", std::move(anchor));
    push(links, std::move(link));
  }
  return links;
}

// One host's cards: the findings, or every result (then a finding's card links to its finding
// and the evidence is printed with the results that are not findings).
class ResultCards {
public:
  ResultCards(const Index& index, size_t host, bool findings_only)
      : m_index(index), m_host(host), m_findings_only(findings_only), m_entry(index.host(host)),
        m_results(at(*m_entry, "results")), m_rows(rows(index, host, findings_only)),
        m_evidence(m_entry, host, shown(findings_only), findings_only ? "ev-" : "hv-") {}

  size_t size() const { return m_rows.size(); }

  bool field_of(size_t row, const std::string& name, Data& out) const {
    const auto f = card_fields().find(name);
    if (f == card_fields().end()) {
      return false;
    }
    const size_t r = m_rows[row];
    const auto& result = m_results[r];
    const auto value = [&](std::string_view key) -> const json& {
      return m_values.get(row, result, key);
    };
    const auto text_of = [&](std::string_view key) { return m_values.text(row, result, key); };
    out = card_field(f->second, r, result, value, text_of);
    return true;
  }

private:
  static std::vector<size_t> rows(const Index& index, size_t host, bool findings_only) {
    if (findings_only) {
      return index.tally(host).findings;
    }
    if (index.unscanned(host)) {
      return {};
    }
    std::vector<size_t> all(index.result_count(host));
    for (size_t r = 0; r < all.size(); ++r) {
      all[r] = r;
    }
    return all;
  }

  std::vector<size_t> shown(bool findings_only) const {
    if (findings_only) {
      return m_rows;
    }
    std::vector<size_t> out;
    for (const size_t r : m_rows) {
      if (!is_finding(result_status(m_results[r]))) {
        out.push_back(r);
      }
    }
    return out;
  }

  static std::string attestation_note(const json& a) {
    return "attested by " + field(a, "attested_by") + " (" + field(a, "id") + ", until " +
           field(a, "expires") + ")";
  }

  template <typename Value, typename Text>
  Data card_field(CardField f, size_t r, const json& result, const Value& value,
                  const Text& text_of) const {
    using F = CardField;
    switch (f) {
    case F::anchor:
      return Data(m_findings_only ? finding_anchor(m_host, r) : result_anchor(m_host, r));
    case F::status:
      return Data(text_of("status"));
    case F::status_label:
      return Data(status_label(text_of("status")));
    case F::check_id:
      return Data(text_of("check_id"));
    case F::title:
      return Data(text_of("title"));
    case F::controls:
      return Data(controls_attribute(value("safeguards")));
    case F::safeguards:
      return Data(safeguards_text(m_index, value("safeguards"), true));
    case F::safeguard_ids:
      return Data(safeguards_text(m_index, value("safeguards"), false));
    case F::q:
      return Data(
          search_text({m_findings_only ? field(*m_entry, "name") : "", text_of("check_id"),
                       text_of("title"), safeguards_text(m_index, value("safeguards"), false)}));
    case F::has_benchmark:
      return Data(!benchmark_text(result).empty());
    case F::benchmark:
      return Data(benchmark_text(result));
    case F::has_expected:
      return Data(!text_of("expected").empty());
    case F::expected:
      return Data(text_of("expected"));
    case F::observed: {
      const auto observed = text_of("observed");
      return Data(observed.empty() ? "(empty)" : observed);
    }
    case F::has_reason:
      return Data(!text_of("reason").empty());
    case F::reason:
      return Data(text_of("reason"));
    case F::has_rationale:
      return Data(!check_text(r, text_of("rationale"), "rationale").empty());
    case F::rationale:
      return Data(check_text(r, text_of("rationale"), "rationale"));
    case F::has_remediation:
      return Data(!check_text(r, text_of("remediation"), "remediation").empty());
    case F::remediation:
      return Data(check_text(r, text_of("remediation"), "remediation"));
    case F::has_original_status:
      return Data(!text_of("original_status").empty());
    case F::original_status:
      return Data(text_of("original_status"));
    case F::has_risks:
      return Data(!value("risks").empty());
    case F::risks:
      return risk_links(m_index, value("risks"));
    case F::probe_count:
      return Data(plural(static_cast<int64_t>(value("probe_ids").size()), "probe", "probes"));
    case F::has_probes:
      return Data(!value("probe_ids").empty());
    case F::probes:
      return m_evidence.evidence(r);
    case F::has_waiver:
      return Data(!m_index.waiver_anchor(string_of(at(value("waiver"), "id"))).empty());
    case F::waiver_id:
      return Data(field(value("waiver"), "id"));
    case F::waiver_anchor:
      return Data(m_index.waiver_anchor(string_of(at(value("waiver"), "id"))));
    case F::is_finding:
      return Data(!m_findings_only && is_finding(result_status(result)));
    case F::finding_anchor:
      return Data(finding_anchor(m_host, r));
    case F::has_note:
      return Data(value("attestation").is_object());
    case F::note:
      return Data(attestation_note(value("attestation")));
    }
    return Data(false);
  }

  // A result's rationale or remediation: its own (older records), else its check's in
  // record.checks (looked up once per result: a fleet has many results of each check).
  std::string check_text(size_t r, const std::string& own, std::string_view key) const {
    if (!own.empty()) {
      return own;
    }
    if (m_checks.empty()) {
      m_checks.assign(m_results.size(), nullptr);
    }
    if (m_checks[r] == nullptr) {
      m_checks[r] = &at(at(m_index.record, "checks"), string_of(at(m_results[r], "check_id")));
    }
    return field(*m_checks[r], key);
  }

  const Index& m_index;
  size_t m_host;
  bool m_findings_only;
  std::shared_ptr<const json> m_entry; // the host whole, with its probes' outputs
  const json& m_results;
  std::vector<size_t> m_rows;
  EvidencePlan m_evidence;
  RowValues m_values;
  mutable std::vector<const json*> m_checks; // by result, filled as cards ask
};

Rows card_rows(const Index& index, size_t host, bool findings_only) {
  auto cards = std::make_shared<const ResultCards>(index, host, findings_only);
  return Rows{cards->size(), [cards](size_t row, const std::string& name, Data& out) {
                return cards->field_of(row, name, out);
              }};
}

} // namespace

Rows host_findings(const Index& index, size_t host) {
  return card_rows(index, host, true);
}

Rows host_results(const Index& index, size_t host) {
  return card_rows(index, host, false);
}

} // namespace cisscan::reports::html
