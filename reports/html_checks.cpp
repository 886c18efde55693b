// IG1 coverage (every IG1 safeguard of the catalog with its state and its checks) and the
// by-check view (one check across every scanned host), or in the summary the failing checks.
#include "model/record_status.hpp"
#include "reports/html_view.hpp"
#include "reports/xml_text.hpp"

#include <algorithm>

namespace cisscan::reports::html {

namespace {

int64_t integer(const json& value) {
  return value.is_number_integer() ? value.get<int64_t>() : 0;
}

struct CoverageState {
  std::string key;   // automated, attested, manual, not_applicable, not_assessed
  std::string label; // in words, with the score
  std::string badge; // the badge's st-* class
};

CoverageState coverage_state(const json& tally) {
  const auto state = tally.is_object() ? safeguard_state(tally) : SafeguardState::not_assessed;
  const auto& score = at(tally, "score");
  const bool attested = at(tally, "attested") == true;
  if (score.is_number()) {
    return {"automated", "automated: " + score_text(score) + (attested ? ", also attested" : ""),
            string_of(at(tally, "state"))};
  }
  if (attested || state == SafeguardState::attested) {
    return {"attested", "attested", "attested"};
  }
  if (integer(at(at(tally, "counts"), to_string(ResultStatus::manual))) > 0) {
    return {"manual", "manual: no automated result", "manual"};
  }
  if (state == SafeguardState::not_applicable) {
    return {"not_applicable", "not applicable", "not_applicable"};
  }
  return {"not_assessed", "not assessed", "not_assessed"};
}

Data check_links(const Index& index, const std::vector<size_t>& checks) {
  Data links = list_data();
  for (const size_t c : checks) {
    Data link = object_data();
    put(link, "id", xml_safe(index.checks()[c].id));
    put(link, "anchor", check_anchor(c));
    push(links, std::move(link));
  }
  return links;
}

int64_t count_of(const CheckEntry& check, ResultStatus status) {
  return check.counts[status_slot(status)];
}

// Its results that fail or are in error.
int64_t failing(const CheckEntry& check) {
  return count_of(check, ResultStatus::fail) + count_of(check, ResultStatus::error);
}

std::string or_no_result(std::string counts) {
  return counts.empty() ? "no result" : counts;
}

// "a, b, c, d, e and 7 more" of the hosts where the check failed or was in error.
std::string failing_hosts(const Index& index, const CheckEntry& check) {
  constexpr size_t k_named = 5;
  std::string out;
  size_t named = 0;
  size_t more = 0;
  for (const auto& result : check.results) {
    if (!is_gap(result.status)) {
      continue;
    }
    if (named < k_named) {
      out += (out.empty() ? "" : ", ") + field(index.head(result.host), "name");
      ++named;
    } else {
      ++more;
    }
  }
  return more == 0 ? out : out + " and " + std::to_string(more) + " more";
}

Data check_item(const Index& index, size_t c) {
  const auto& check = index.checks()[c];
  const auto& result = check.first;
  const auto& own = at(at(index.record, "checks"), check.id);
  Data item = object_data();
  put(item, "check_index", std::to_string(c));
  put(item, "anchor", check_anchor(c));
  put(item, "id", xml_safe(check.id));
  const auto title = field(result, "title");
  const auto safeguards = safeguards_text(index, at(result, "safeguards"), false);
  put(item, "title", title);
  put(item, "safeguards", safeguards);
  put(item, "q", search_text({xml_safe(check.id), title, safeguards}));
  put(item, "counts", or_no_result(counts_text(check.counts)));
  const auto rationale =
      field(own, "rationale").empty() ? field(result, "rationale") : field(own, "rationale");
  put(item, "has_rationale", Data(!rationale.empty()));
  put(item, "rationale", rationale);
  for (const auto status :
       {ResultStatus::fail, ResultStatus::error, ResultStatus::waived, ResultStatus::pass}) {
    put(item, std::string(to_string(status)), std::to_string(count_of(check, status)));
  }
  return item;
}

} // namespace

void add_coverage_view(Data& view, const Index& index) {
  const auto& safeguards = at(at(index.record, "catalog"), "safeguards");
  const auto& tallies = at(at(index.record, "scores"), "safeguards");
  std::vector<std::string> ids;
  for (const auto& [id, safeguard] : safeguards.items()) {
    if (at(safeguard, "ig1") == true) {
      ids.push_back(id);
    }
  }
  std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
    return safeguard_order(a) < safeguard_order(b);
  });
  std::map<std::string, int64_t> by_state;
  Data rows = list_data();
  for (const auto& id : ids) {
    const auto& tally = at(tallies, id);
    const auto state = coverage_state(tally);
    ++by_state[state.key];
    Data row = object_data();
    put(row, "id", xml_safe(id));
    put(row, "title", index.safeguard_title(id));
    put(row, "state", state.key);
    put(row, "state_label", state.label);
    put(row, "badge", state.badge);
    put(row, "counts", or_no_result(counts_text(at(tally, "counts"))));
    const auto& checks = index.checks_of(id);
    put(row, "has_checks", Data(!checks.empty()));
    put(row, "checks", check_links(index, checks));
    push(rows, std::move(row));
  }
  put(view, "coverage_total", std::to_string(ids.size()));
  put(view, "coverage_rows", std::move(rows));
  put(view, "has_coverage", Data(!ids.empty()));
  for (const char* key : {"automated", "attested", "manual", "not_assessed", "not_applicable"}) {
    put(view, std::string("coverage_") + key, std::to_string(by_state[key]));
  }
  put(view, "coverage_has_not_applicable", Data(by_state["not_applicable"] > 0));
}

void add_checks_view(Data& view, const Index& index, bool summary) {
  std::vector<size_t> order(index.checks().size());
  for (size_t c = 0; c < order.size(); ++c) {
    order[c] = c;
  }
  if (summary) {
    // Only the checks with a finding, the most failures first.
    std::erase_if(order, [&](size_t c) {
      const auto& check = index.checks()[c];
      return failing(check) + count_of(check, ResultStatus::waived) == 0;
    });
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return failing(index.checks()[a]) > failing(index.checks()[b]);
    });
  }
  Data checks = list_data();
  for (const size_t c : order) {
    Data item = check_item(index, c);
    if (summary) {
      put(item, "failing_hosts", failing_hosts(index, index.checks()[c]));
    }
    push(checks, std::move(item));
  }
  int64_t unscanned = 0;
  for (size_t h = 0; h < index.host_count(); ++h) {
    unscanned += index.unscanned(h) ? 1 : 0;
  }
  put(view, "checks_total", std::to_string(index.checks().size()));
  put(view, "checks_failing", std::to_string(order.size()));
  put(view, "has_checks", Data(!order.empty()));
  put(view, "check_list", std::move(checks));
  put(view, "has_unscanned", Data(unscanned > 0));
  put(view, "unscanned_hosts", plural(unscanned, "host", "hosts"));
}

Rows check_rows(const Index& index, size_t c) {
  const auto& check = index.checks()[c];
  const auto field_of = [&index, &check](size_t row, const std::string& name, Data& out) {
    const auto& result = check.results[row];
    if (name == "host") {
      out = Data(field(index.head(result.host), "name"));
    } else if (name == "host_anchor") {
      out = Data(host_anchor(result.host));
    } else if (name == "status") {
      out = Data(std::string(to_string(result.status)));
    } else if (name == "status_label") {
      out = Data(status_label(result.status));
    } else if (name == "observed") {
      out = Data(result.observed->empty() ? "(empty)" : *result.observed);
    } else if (name == "result_anchor") {
      out = Data(result_anchor(result.host, result.result));
    } else {
      return false;
    }
    return true;
  };
  return Rows{check.results.size(), field_of};
}

} // namespace cisscan::reports::html
