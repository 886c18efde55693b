// The CIS-RAM risk register, waivers and attestations sections of the HTML report.
#include "model/risk_state.hpp"
#include "reports/html_view.hpp"
#include "reports/xml_text.hpp"

#include <algorithm>
#include <iterator>

namespace cisscan::reports::html {

namespace {

int64_t integer(const json& value) {
  return value.is_number_integer() ? value.get<int64_t>() : 0;
}

std::string words(std::string state) {
  std::replace(state.begin(), state.end(), '_', ' ');
  return state;
}

std::string selector_text(const json& hosts) {
  std::string out;
  for (const char* key : {"names", "groups", "roles"}) {
    const auto values = field(hosts, key);
    if (!values.empty()) {
      out += (out.empty() ? "" : "; ") + std::string(key) + ": " + values;
    }
  }
  return out.empty() ? "all hosts" : out;
}

// The fields of a link to a result ({host, check_id, status}) that a waiver, attestation or risk
// entry names: host, check_id, status, anchor (to the finding, or else to the host) and linked.
constexpr const char* k_link_fields[] = {"host", "check_id", "status", "anchor", "linked"};

bool link_field(const Index& index, const json& item, bool to_findings, std::string_view name,
                Data& out) {
  const auto host = string_of(at(item, "host"));
  const auto check = string_of(at(item, "check_id"));
  if (name == "host") {
    out = Data(xml_safe(host));
  } else if (name == "check_id") {
    out = Data(xml_safe(check));
  } else if (name == "status") {
    out = Data(field(item, "status"));
  } else if (name == "anchor" || name == "linked") {
    const auto anchor = to_findings ? index.finding_anchor(host, check) : index.host_anchor(host);
    out = name == "anchor" ? Data(anchor) : Data(!anchor.empty());
  } else {
    return false;
  }
  return true;
}

Data result_links(const Index& index, const json& items, bool to_findings) {
  Data links = list_data();
  for (const auto& item : items) {
    Data link = object_data();
    for (const char* name : k_link_fields) {
      Data value;
      link_field(index, item, to_findings, name, value);
      put(link, name, std::move(value));
    }
    push(links, std::move(link));
  }
  return links;
}

// The label and badge class of each state, in the order the register lists them.
struct StateView {
  RiskState state;
  const char* label;
  const char* badge;
};
constexpr StateView k_state_views[] = {
    {RiskState::unacceptable, "unacceptable", "fail"},
    {RiskState::no_evidence, "no evidence", "no_evidence"},
    {RiskState::acceptable, "acceptable", "pass"},
};

size_t state_rank(const json& entry) {
  const auto state = risk_state(entry);
  for (size_t i = 0; i < std::size(k_state_views); ++i) {
    if (k_state_views[i].state == state) {
      return i;
    }
  }
  return 0;
}

// Why the entry is in its state, in words.
std::string evidence_text(const json& e, RiskState state) {
  const auto hosts = integer(at(e, "hosts_in_scope"));
  const auto in_scope = plural(hosts, "scanned host", "scanned hosts") + " in scope";
  switch (state) {
  case RiskState::unacceptable:
    return at(e, "findings").empty()
               ? "its safeguards are in place on the " + in_scope +
                     ", and its risk is above the criterion all the same"
               : "an evidenced gap: results linked to it failed on the " + in_scope;
  case RiskState::no_evidence:
    return hosts == 0 ? "no evidence: no scanned host is of its asset classes, so its risk is "
                        "counted as if its safeguards were missing"
                      : "no evidence: no result or attestation shows its safeguards in place on "
                        "the " +
                            in_scope + ", so its risk is counted as if they were missing";
  default:
    return "within the acceptance criterion (" + in_scope + ")";
  }
}

Data risk_entry(const Index& index, const json& e, size_t position, size_t order) {
  Data item = object_data();
  const auto& view = k_state_views[state_rank(e)];
  put(item, "anchor", "risk-" + std::to_string(position));
  put(item, "order", std::to_string(order));
  put(item, "id", field(e, "id"));
  put(item, "title", field(e, "title"));
  put(item, "acceptable", Data(view.state == RiskState::acceptable));
  put(item, "state", std::string(to_string(view.state)));
  put(item, "state_rank", std::to_string(state_rank(e)));
  put(item, "state_label", view.label);
  put(item, "state_badge", view.badge);
  put(item, "no_evidence", Data(view.state == RiskState::no_evidence));
  put(item, "risk", field(e, "risk"));
  const auto& impact = at(e, "impact");
  for (const char* key : {"score", "mission", "objectives", "obligations"}) {
    put(item, std::string("impact_") + key, field(impact, key));
  }
  put(item, "expectancy", field(e, "expectancy"));
  put(item, "expectancy_in_place", field(e, "expectancy_in_place"));
  put(item, "expectancy_missing", field(e, "expectancy_missing"));
  const bool in_place = at(e, "expectancy") == at(e, "expectancy_in_place") &&
                        at(e, "expectancy_in_place") != at(e, "expectancy_missing");
  put(item, "expectancy_basis",
      in_place ? "safeguards in place" : "safeguards missing or not shown to be in place");
  Data safeguards = list_data();
  const auto& states = at(e, "safeguard_states");
  for (const auto& s : at(e, "safeguards")) {
    const auto id = string_of(s);
    Data sg = object_data();
    put(sg, "id", xml_safe(id));
    put(sg, "title", index.safeguard_title(id));
    auto state = field(states, id);
    if (state.empty()) {
      state = to_string(SafeguardState::not_assessed);
    }
    put(sg, "state", state);
    put(sg, "state_label", words(state));
    push(safeguards, std::move(sg));
  }
  put(item, "safeguards", std::move(safeguards));
  for (const char* key : {"asset_classes", "threat", "vulnerability", "owner", "treatment",
                          "hosts_in_scope", "source"}) {
    put(item, key, field(e, key));
  }
  put(item, "evidence", evidence_text(e, view.state));
  // Its findings (thousands in a large fleet) are listed by risk_findings() when reached.
  const auto findings = at(e, "findings").size();
  put(item, "findings_count", plural(static_cast<int64_t>(findings), "finding", "findings"));
  put(item, "findings_number", std::to_string(findings));
  put(item, "has_findings", Data(findings > 0));
  put(item, "risk_index", std::to_string(position));
  return item;
}

} // namespace

Rows risk_findings(const Index& index, size_t entry) {
  const auto& entries = at(at(index.record, "risk"), "entries");
  const json& findings = entry < entries.size() ? at(entries[entry], "findings") : at(entries, "");
  const auto field_of = [&index, &findings](size_t row, const std::string& name, Data& out) {
    return link_field(index, findings[row], true, name, out);
  };
  return Rows{findings.is_array() ? findings.size() : 0, field_of};
}

void add_risk_view(Data& view, const Index& index) {
  const auto& risk = at(index.record, "risk");
  put(view, "has_register", Data(risk.is_object()));
  const auto& reg = at(risk, "register");
  put(view, "register_name", field(reg, "name"));
  put(view, "register_file", field(reg, "file"));
  put(view, "register_sha256", field(reg, "sha256"));
  const auto& criteria = at(risk, "criteria");
  Data impact = list_data();
  for (const auto& level : at(criteria, "impact")) {
    Data item = object_data();
    for (const char* key : {"level", "name", "mission", "objectives", "obligations"}) {
      put(item, key, field(level, key));
    }
    push(impact, std::move(item));
  }
  put(view, "impact_scale", std::move(impact));
  Data expectancy = list_data();
  for (const auto& level : at(criteria, "expectancy")) {
    Data item = object_data();
    for (const char* key : {"level", "name", "description"}) {
      put(item, key, field(level, key));
    }
    push(expectancy, std::move(item));
  }
  put(view, "expectancy_scale", std::move(expectancy));
  put(view, "acceptance_statement", field(criteria, "statement"));

  // Unacceptable on evidence first, then without evidence, then acceptable; the highest risk
  // first, those with the most findings first, then in register order.
  const auto& entries = at(risk, "entries");
  std::vector<size_t> order(entries.size());
  for (size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(), [&entries](size_t a, size_t b) {
    const auto sa = state_rank(entries[a]);
    const auto sb = state_rank(entries[b]);
    if (sa != sb) {
      return sa < sb;
    }
    const auto ra = integer(at(entries[a], "risk"));
    const auto rb = integer(at(entries[b], "risk"));
    if (ra != rb) {
      return ra > rb;
    }
    return at(entries[a], "findings").size() > at(entries[b], "findings").size();
  });
  Data list = list_data();
  for (size_t n = 0; n < order.size(); ++n) {
    push(list, risk_entry(index, entries[order[n]], order[n], n));
  }
  put(view, "has_risk_entries", Data(!list_empty(list)));
  put(view, "risk_list", std::move(list));
}

void add_exceptions_view(Data& view, const Index& index) {
  Data waivers = list_data();
  const auto& waiver_entries = at(at(index.record, "waivers"), "entries");
  for (size_t i = 0; i < waiver_entries.size(); ++i) {
    const auto& w = waiver_entries[i];
    Data item = object_data();
    put(item, "anchor", "waiver-" + std::to_string(i));
    for (const char* key :
         {"id", "checks", "justification", "approved_by", "ticket", "expires", "state", "source"}) {
      put(item, key, field(w, key));
    }
    put(item, "hosts", selector_text(at(w, "hosts")));
    if (field(w, "ticket").empty()) {
      put(item, "ticket", "none given");
    }
    const bool current = at(w, "state") == "current";
    put(item, "current", Data(current));
    const auto& matched = at(w, current ? "applied_to" : "would_apply_to");
    Data links = result_links(index, matched, true);
    put(item, "matches_nothing", Data(list_empty(links) && integer(at(w, "matched")) == 0));
    put(item, "matches_label", current ? "Applied to" : "Would apply to (not applied: expired)");
    put(item, "matched", plural(integer(at(w, "matched")), "failing result", "failing results"));
    put(item, "has_matches", Data(!list_empty(links)));
    put(item, "matches", std::move(links));
    push(waivers, std::move(item));
  }
  put(view, "has_waivers", Data(!list_empty(waivers)));
  put(view, "waivers", std::move(waivers));

  Data attestations = list_data();
  const auto& attestation_entries = at(at(index.record, "attestations"), "entries");
  for (size_t i = 0; i < attestation_entries.size(); ++i) {
    const auto& a = attestation_entries[i];
    Data item = object_data();
    put(item, "anchor", "attestation-" + std::to_string(i));
    for (const char* key :
         {"id", "statement", "evidence", "attested_by", "date", "expires", "state", "source"}) {
      put(item, key, field(a, key));
    }
    std::string subject;
    if (at(a, "safeguard").is_string()) {
      const auto id = string_of(at(a, "safeguard"));
      const auto title = index.safeguard_title(id);
      subject = "safeguard " + xml_safe(id) + (title.empty() ? "" : " " + title);
    } else {
      subject = "check " + field(a, "check") + " on " + selector_text(at(a, "hosts"));
    }
    put(item, "subject", subject);
    put(item, "current", Data(at(a, "state") == "current"));
    Data covers = result_links(index, at(a, "covers"), false);
    put(item, "has_covers", Data(!list_empty(covers)));
    put(item, "covers", std::move(covers));
    push(attestations, std::move(item));
  }
  put(view, "has_attestations", Data(!list_empty(attestations)));
  put(view, "attestations", std::move(attestations));
}

} // namespace cisscan::reports::html
