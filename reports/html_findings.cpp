// Findings: every fail, error and waived result with its evidence. Each probe's output is printed
// once per host, with the first finding that used it; later findings that read the same probe link
// there. Passing results carry no output.
#include "reports/html_view.hpp"
#include "reports/xml_text.hpp"

#include <unordered_map>

namespace cisscan::reports::html {

namespace {

// A result's remediation: its own (older records), else its check's in record.checks.
std::string remediation_of(const Index& index, const json& result, const std::string& own) {
  if (!own.empty()) {
    return own;
  }
  return field(at(at(index.record, "checks"), string_of(at(result, "check_id"))), "remediation");
}

size_t base64_decoded_size(const std::string& encoded) {
  size_t padding = 0;
  for (auto it = encoded.rbegin(); it != encoded.rend() && *it == '=' && padding < 2; ++it) {
    ++padding;
  }
  return encoded.size() / 4 * 3 - padding;
}

struct Printed {
  std::string anchor;
  std::string check_id;
};

Data probe_item(const json& probe, bool print_here, const Printed& first) {
  Data item = object_data();
  put(item, "found", Data(true));
  for (const char* key : {"id", "type", "command", "state", "exit_code", "started_at",
                          "duration_ms", "timeout_s", "output_bytes", "output_sha256"}) {
    put(item, std::string("probe_") + key, field(probe, key));
  }
  put(item, "print_output", Data(print_here));
  put(item, "ev_anchor", first.anchor);
  put(item, "shown_anchor", first.anchor);
  put(item, "shown_check", first.check_id);
  if (!print_here) {
    return item;
  }
  const auto raw = string_of(at(probe, "output"));
  const bool binary = at(probe, "output_encoding") == "base64";
  put(item, "truncated", Data(at(probe, "truncated") == true));
  put(item, "kept_bytes", std::to_string(binary ? base64_decoded_size(raw) : raw.size()));
  put(item, "incomplete", Data(at(probe, "complete") == false));
  put(item, "binary", Data(binary));
  put(item, "has_output", Data(!raw.empty()));
  put(item, "output", binary ? raw : xml_safe(raw));
  return item;
}

Data missing_probe_item(const std::string& id) {
  Data item = object_data();
  put(item, "found", Data(false));
  put(item, "probe_id", xml_safe(id));
  return item;
}

} // namespace

void add_findings_view(Data& view, const Index& index) {
  Data groups = list_data();
  size_t total = 0;
  for (size_t h = 0; h < index.hosts.size(); ++h) {
    const auto& host = index.hosts[h];
    const auto& tally = index.tally(h);
    const size_t n = tally.findings.size();
    if (n == 0) {
      continue;
    }
    total += n;
    std::string breakdown;
    for (const char* status : {"fail", "error", "waived"}) {
      if (tally.count(status) > 0) {
        breakdown +=
            (breakdown.empty() ? "" : ", ") + std::to_string(tally.count(status)) + " " + status;
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
    push(groups, std::move(group));
  }
  put(view, "findings_total", std::to_string(total));
  put(view, "has_findings", Data(total > 0));
  put(view, "finding_groups", std::move(groups));
}

namespace {

enum class FindingField {
  anchor,
  status,
  status_label,
  check_id,
  title,
  controls,
  safeguards,
  has_benchmark,
  benchmark,
  has_level,
  level,
  has_expected,
  expected,
  has_observed,
  observed,
  has_reason,
  reason,
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
  waiver_anchor
};

const std::unordered_map<std::string, FindingField>& finding_fields() {
  using F = FindingField;
  static const std::unordered_map<std::string, F> k_fields = {
      {"anchor", F::anchor},
      {"status", F::status},
      {"status_label", F::status_label},
      {"check_id", F::check_id},
      {"title", F::title},
      {"controls", F::controls},
      {"safeguards", F::safeguards},
      {"has_benchmark", F::has_benchmark},
      {"benchmark", F::benchmark},
      {"has_level", F::has_level},
      {"level", F::level},
      {"has_expected", F::has_expected},
      {"expected", F::expected},
      {"has_observed", F::has_observed},
      {"observed", F::observed},
      {"has_reason", F::has_reason},
      {"reason", F::reason},
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
      {"waiver_anchor", F::waiver_anchor}};
  return k_fields;
}

// One host's findings: which results, and which finding prints each probe's output.
struct FindingRows {
  const Index& index;
  size_t host;
  const json& results;
  const json& probes;
  std::vector<size_t> findings;
  std::unordered_map<std::string, size_t> probe_index;
  std::unordered_map<size_t, Printed> first_use; // probe index -> the finding that prints it
  std::unordered_map<size_t, size_t> printed_by; // probe index -> result index printing it

  FindingRows(const Index& index_, size_t host_)
      : index(index_), host(host_), results(at(index_.hosts[host_], "results")),
        probes(at(index_.hosts[host_], "probes")), findings(index_.tally(host_).findings) {
    for (size_t p = 0; p < probes.size(); ++p) {
      probe_index.emplace(string_of(at(probes[p], "id")), p);
    }
    for (const size_t r : findings) {
      for (const auto& id : at(results[r], "probe_ids")) {
        const auto it = probe_index.find(string_of(id));
        if (it != probe_index.end() && first_use.count(it->second) == 0) {
          first_use.emplace(it->second,
                            Printed{"ev-" + std::to_string(host) + "-" + std::to_string(it->second),
                                    field(results[r], "check_id")});
          printed_by.emplace(it->second, r);
        }
      }
    }
  }

  Data evidence(size_t r) const {
    Data list = list_data();
    for (const auto& id : at(results[r], "probe_ids")) {
      const auto it = probe_index.find(string_of(id));
      if (it == probe_index.end()) {
        push(list, missing_probe_item(string_of(id)));
      } else {
        const auto& first = first_use.at(it->second);
        push(list, probe_item(probes[it->second], printed_by.at(it->second) == r, first));
      }
    }
    return list;
  }

  bool field_of(size_t row, const std::string& name, Data& out) const {
    const auto f = finding_fields().find(name);
    if (f == finding_fields().end()) {
      return false;
    }
    const size_t r = findings[row];
    const auto& result = results[r];
    const auto value = [&](std::string_view key) -> const json& {
      return m_values.get(row, result, key);
    };
    const auto text_of = [&](std::string_view key) { return m_values.text(row, result, key); };
    const auto& b = value("benchmark");
    using F = FindingField;
    switch (f->second) {
    case F::anchor:
      out = Data(finding_anchor(host, r));
      break;
    case F::status:
      out = Data(text_of("status"));
      break;
    case F::status_label:
      out = Data(status_label(text_of("status")));
      break;
    case F::check_id:
      out = Data(text_of("check_id"));
      break;
    case F::title:
      out = Data(text_of("title"));
      break;
    case F::controls:
      out = Data(controls_attribute(value("safeguards")));
      break;
    case F::safeguards:
      out = Data(safeguards_text(index, value("safeguards"), true));
      break;
    case F::has_benchmark:
    case F::benchmark: {
      std::string benchmark = field(b, "id");
      for (const char* key : {"version", "ref"}) {
        const auto part = field(b, key);
        benchmark += part.empty() ? "" : (benchmark.empty() ? "" : " ") + part;
      }
      out = f->second == F::benchmark ? Data(benchmark) : Data(!benchmark.empty());
      break;
    }
    case F::has_level:
      out = Data(!field(b, "level").empty());
      break;
    case F::level:
      out = Data(field(b, "level"));
      break;
    case F::has_expected:
      out = Data(!text_of("expected").empty());
      break;
    case F::expected:
      out = Data(text_of("expected"));
      break;
    case F::has_observed:
      out = Data(!text_of("observed").empty());
      break;
    case F::observed:
      out = Data(text_of("observed"));
      break;
    case F::has_reason:
      out = Data(!text_of("reason").empty());
      break;
    case F::reason:
      out = Data(text_of("reason"));
      break;
    case F::has_remediation:
      out = Data(!remediation_of(index, result, text_of("remediation")).empty());
      break;
    case F::remediation:
      out = Data(remediation_of(index, result, text_of("remediation")));
      break;
    case F::has_original_status:
      out = Data(!text_of("original_status").empty());
      break;
    case F::original_status:
      out = Data(text_of("original_status"));
      break;
    case F::has_risks:
      out = Data(!value("risks").empty());
      break;
    case F::risks: {
      Data risks = list_data();
      for (const auto& risk : value("risks")) {
        Data link = object_data();
        auto anchor = index.risk_anchor(string_of(risk));
        put(link, "id", text(risk));
        put(link, "linked", Data(!anchor.empty()));
        put(link, "anchor", std::move(anchor));
        push(risks, std::move(link));
      }
      out = std::move(risks);
      break;
    }
    case F::probe_count:
      out = Data(plural(static_cast<int64_t>(value("probe_ids").size()), "probe", "probes"));
      break;
    case F::has_probes:
      out = Data(!value("probe_ids").empty());
      break;
    case F::probes:
      out = evidence(r);
      break;
    case F::has_waiver:
      out = Data(!index.waiver_anchor(string_of(at(value("waiver"), "id"))).empty());
      break;
    case F::waiver_id:
      out = Data(field(value("waiver"), "id"));
      break;
    case F::waiver_anchor:
      out = Data(index.waiver_anchor(string_of(at(value("waiver"), "id"))));
      break;
    }
    return true;
  }

private:
  RowValues m_values;
};

} // namespace

Rows host_findings(const Index& index, size_t h) {
  auto rows = std::make_shared<const FindingRows>(index, h);
  return Rows{rows->findings.size(), [rows](size_t row, const std::string& name, Data& out) {
                return rows->field_of(row, name, out);
              }};
}

} // namespace cisscan::reports::html
