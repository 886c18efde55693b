// The view model of the HTML report (reports/html_*.cpp), handed to the mustache template
// reports/html/report.html.mustache. Every string taken from the record enters the view through
// text() or field(), which turn control characters and invalid UTF-8 into visible \xNN escapes;
// the template's {{ }} escapes the rest. Only the SVG chart is built as markup here, with every
// string in it escaped by svg_text().
#pragma once

#include "model/status.hpp"
#include "record/hosts.hpp"
#include "util/json.hpp"

#include <mustache.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace cisscan::reports::html {

using cisscan::json;
using Data = kainjow::mustache::data;

// --- text (html_text.cpp) ---

// object[key], or a null value when object is not an object or has no such key. Never copies.
const json& at(const json& object, std::string_view key);
// A record value as display text: strings made XML-safe, null as "", arrays joined by ", ".
std::string text(const json& value);
std::string field(const json& object, std::string_view key);
// 0-100 score as "54.3%", or "n/a" when it is not a number.
std::string score_text(const json& score);
std::string plural(int64_t n, std::string_view singular, std::string_view plural_form);
// Text escaped for XML character data and attribute values (the SVG built in C++).
std::string svg_text(std::string_view text);
// base64 of the SHA-256 of bytes, as a CSP source hash wants it.
std::string sha256_base64(std::string_view bytes);
// Seconds since the epoch of an RFC 3339 UTC timestamp ("2026-11-25T20:10:07.954Z"), or -1.
int64_t parse_timestamp(std::string_view timestamp);
std::string format_timestamp(int64_t seconds);
// "3 days", "5 hours", "less than a minute".
std::string age_text(int64_t seconds);
// The render time: SOURCE_DATE_EPOCH when set (reproducible output), else the clock.
int64_t render_time();
// "4.1" -> (4, 1) for ordering safeguard ids numerically.
std::pair<int, int> safeguard_order(const std::string& id);
// Control of a safeguard id: "4.1" -> "4".
std::string control_of(const std::string& safeguard_id);
// " 4 5 " for the data-controls attribute matched with [data-controls~="4"].
std::string controls_attribute(const json& safeguards);

// --- lookups shared by the sections, built once per render ---

// The result statuses in the order the report lists them.
inline constexpr std::array<ResultStatus, 6> k_statuses = {
    ResultStatus::pass,   ResultStatus::fail,   ResultStatus::error,
    ResultStatus::waived, ResultStatus::manual, ResultStatus::not_applicable};

// Where a status is in k_statuses.
constexpr size_t status_slot(ResultStatus status) {
  size_t slot = 0;
  while (slot < k_statuses.size() && k_statuses[slot] != status) {
    ++slot;
  }
  return slot;
}

// One host's results in numbers, from the one pass over every result that Index makes.
struct HostTally {
  std::array<int64_t, k_statuses.size()> counts{};
  std::vector<size_t> findings; // indexes of its fail, error and waived results
  int64_t count(ResultStatus status) const { return counts[status_slot(status)]; }
};

// One result of a check on a scanned host, as the by-check view shows it.
struct CheckResult {
  size_t host = 0;
  size_t result = 0;
  ResultStatus status = ResultStatus::error;
  const std::string* observed = nullptr; // its observation as text, shared by equal ones
};

// One check across the fleet: its results on the hosts that were scanned, in host order.
struct CheckEntry {
  std::string id;
  json first; // its first result (for title, safeguards, rationale)
  std::vector<CheckResult> results;
  std::array<int64_t, k_statuses.size()> counts{};
};

// The lookups of the report, made in one pass over its hosts. It keeps of each host only what
// the sections show beside other hosts (its entry without results and probes, and its results'
// statuses and observations by check); a section that shows one host's results reads that host
// again whole (host()), so a fleet's report holds a few hosts at a time, not every host.
struct Index {
  Index(const json& record, const HostSource& hosts);

  const json& record;
  size_t host_count() const { return m_heads.size(); }
  // Host h without its results and probes.
  const json& head(size_t h) const { return m_heads[h]; }
  size_t result_count(size_t h) const { return m_result_counts[h]; }
  // Host h whole, with its results and its probes' outputs: the entry held in memory, or read
  // again from where the hosts are held (the spool), kept alive by the pointer.
  std::shared_ptr<const json> host(size_t h) const;
  // Host h's entry of the record's scores.hosts (null when it has none), and all of them.
  const json& host_score(size_t h) const;
  const json& host_scores() const { return *m_scores; }
  // Anchor of the finding (fail, error or waived result) of a check on a host, or "".
  std::string finding_anchor(const std::string& host, const std::string& check_id) const;
  // Anchor of a host's section, or "" for a name not in the record.
  std::string host_anchor(const std::string& host) const;
  std::string risk_anchor(const std::string& risk_id) const;
  std::string waiver_anchor(const std::string& waiver_id) const;
  std::string safeguard_title(const std::string& id) const;
  std::string control_title(const std::string& id) const;
  const HostTally& tally(size_t host) const { return m_tallies[host]; }
  // A host that should have been scanned and ran no probe at all (unreachable, timed out):
  // its results are all errors with the host's reason, shown as one card.
  bool unscanned(size_t host) const { return m_unscanned[host]; }
  // Every check with a result, in the order of first appearance.
  const std::vector<CheckEntry>& checks() const { return m_checks; }
  // Indexes into checks() of the checks that name a safeguard.
  const std::vector<size_t>& checks_of(const std::string& safeguard_id) const;
  // "" for an IG1 safeguard (or one the catalog does not know), else "IG2" or "IG3": the first
  // Implementation Group it belongs to.
  std::string ig_mark(const std::string& safeguard_id) const;

private:
  void add_host(size_t h, const json& host);
  void add_check_result(const json& result, size_t host, size_t r, ResultStatus status);
  const HostSource& m_source;
  const json* m_own = nullptr; // the hosts' array, when they are held in memory
  std::vector<json> m_heads;
  std::vector<size_t> m_result_counts;
  std::optional<json> m_score_storage; // scores.hosts read from m_source
  const json* m_scores = nullptr;
  std::vector<HostTally> m_tallies;
  std::vector<bool> m_unscanned;
  std::vector<CheckEntry> m_checks;
  std::unordered_set<std::string> m_observed;
  std::unordered_map<std::string, size_t> m_check_index;
  std::unordered_map<std::string, std::vector<size_t>> m_safeguard_checks;
  std::unordered_map<std::string, size_t> m_host_index;
  std::unordered_map<std::string, std::string> m_finding_anchor;
  std::unordered_map<std::string, std::string> m_risk_anchor;
  std::unordered_map<std::string, std::string> m_waiver_anchor;
};

// "not applicable" for not_applicable; other statuses as they are.
std::string status_label(ResultStatus status);
std::string status_label(const std::string& status);
// "3 pass, 1 not applicable": the non-zero counts in k_statuses order; "" when all are zero.
std::string counts_text(const std::array<int64_t, k_statuses.size()>& counts);
// The same of a record's `counts` object (a tally's results per status).
std::string counts_text(const json& counts);
// The string, or "" for any other JSON value.
std::string string_of(const json& value);
// "4.1 Title; 5.2 Title" (titles) or "4.1, 5.2" for a result's safeguards.
std::string safeguards_text(const Index& index, const json& safeguards, bool titles);
// HTML escaping for {{ }}: the same characters as kainjow's, copied in runs.
std::string escape_html(const std::string& text);
std::string finding_anchor(size_t host, size_t result);
std::string host_anchor(size_t host);
// The anchor of a result in its host's list, of a check in the by-check view, and of the one
// card that stands for an unscanned host in the findings.
std::string result_anchor(size_t host, size_t result);
std::string check_anchor(size_t check);
std::string unscanned_anchor(size_t host);
// Lower-case-insensitive search text for the text filter: the values joined by spaces.
std::string search_text(std::initializer_list<std::string_view> values);

// --- sections (each sets its keys on the top-level view) ---

void add_run_view(Data& view, const Index& index, int64_t now);     // html_summary.cpp
void add_summary_view(Data& view, const Index& index, int64_t now); // html_summary.cpp
void add_controls_chart(Data& view, const Index& index);            // html_charts.cpp
void add_heatmap_view(Data& view, const Index& index);              // html_charts.cpp
void add_findings_view(Data& view, const Index& index);             // html_findings.cpp
void add_hosts_view(Data& view, const Index& index);                // html_hosts.cpp
// The order hosts are shown in: the record's, but a Proxmox VE node's guests right after it.
std::vector<size_t> host_order(const Index& index);                 // html_hosts.cpp
void add_risk_view(Data& view, const Index& index);                 // html_register.cpp
void add_exceptions_view(Data& view, const Index& index);           // html_register.cpp
void add_history_view(Data& view, const Index& index);              // html_history.cpp
void add_coverage_view(Data& view, const Index& index);             // html_checks.cpp
void add_checks_view(Data& view, const Index& index, bool summary); // html_checks.cpp

// --- per-host lists built only when the template reaches them ---

// The values of the record object behind the current row, each looked up once per row: a row's
// tags often read the same value (status, status_label, is_finding). `key` must outlive the row.
class RowValues {
public:
  const json& get(size_t row, const json& object, std::string_view key) const;
  std::string text(size_t row, const json& object, std::string_view key) const;

private:
  mutable size_t m_row = static_cast<size_t>(-1);
  mutable std::vector<std::pair<std::string_view, const json*>> m_values;
};

// The rows of a per-host list whose fields are computed when the template reads them: the list
// holds no view object per row, so a 500-host report is rendered without building a map of
// strings for each of its 150,000 results.
struct Rows {
  size_t count = 0;
  // Sets `out` to field `name` of row `row` and returns true, or returns false for a name the
  // rows do not have (the template then looks in the enclosing objects, as mustache does).
  std::function<bool(size_t row, const std::string& name, Data& out)> field;
};
// A list built only when the template reaches it, for the item it sits in: `index_key` names the
// item's field holding the item's position (host_index in a host, risk_index in a risk entry).
struct LazyList {
  std::string index_key;
  std::function<Rows(size_t index)> rows;
};
std::map<std::string, LazyList> lazy_lists(const Index& index);

Rows host_findings(const Index& index, size_t host);                            // html_findings.cpp
Rows host_results(const Index& index, size_t host);                             // html_findings.cpp
Rows check_rows(const Index& index, size_t check);                              // html_checks.cpp
Rows risk_findings(const Index& index, size_t entry);                           // html_register.cpp
std::vector<std::string> heatmap_columns(const Index& index);                   // html_charts.cpp
Rows heatmap_cells(const Index& index, const std::vector<std::string>& columns, // html_charts.cpp
                   size_t host);

// The mustache context of the report: the usual lookup, plus the lazy lists, of which only the
// current item's is kept. A name inside a row of such a list is asked of its Rows.
class LazyContext final : public kainjow::mustache::basic_context<std::string> {
public:
  LazyContext(const Data* root, std::map<std::string, LazyList> lists);
  void push(const Data* data) override;
  void pop() override;
  const Data* get(const std::string& name) const override;
  const Data* get_partial(const std::string& name) const override;

private:
  struct Built {
    size_t index = 0;
    Rows rows;
    std::unique_ptr<Data> list;                   // `count` placeholders the template iterates
    std::unordered_map<std::string, Data> fields; // the current row's fields, by name
  };
  const Built* row_list(const Data* item, size_t& row) const;
  std::vector<const Data*> m_items;
  std::map<std::string, LazyList> m_lists;
  mutable std::map<std::string, Built> m_built;
};

// The template cut around lists whose items are rendered side by side (html_side_by_side.cpp):
// the pieces around them (one more than the lists) and each list's name and item template.
struct TemplateCut {
  std::vector<std::string> pieces;
  std::vector<std::pair<std::string, std::string>> lists;
};
// Throws std::logic_error unless each list opens once, after the ones before it, and closes.
TemplateCut cut_template(std::string_view text, const std::vector<std::string>& names);
// Renders the cut template over `view` into `out`: the pieces in order here, each list's items
// on worker threads, written in their order.
void render_side_by_side(const TemplateCut& cut, const Data& view, const Index& index,
                         std::ostream& out);

// Small builders for the view that move rather than copy (kainjow's set and push_back copy).
Data list_data();
Data object_data();
void push(Data& list, Data item);
void put(Data& object, const std::string& key, Data value);
bool list_empty(const Data& list);

} // namespace cisscan::reports::html
