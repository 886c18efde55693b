#include "reports/formats.hpp"

#include "history/diff.hpp"
#include "record/host_spool.hpp"

#include "sample_record.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace cisscan;

namespace {

size_t occurrences(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

} // namespace

TEST_CASE("write_html escapes every host-originated string") {
  auto record = test::sample_record();
  cisscan::json down = record["hosts"][0];
  down["name"] = "<script>down</script>";
  down["status"] = "unreachable";
  down["reason"] = "connect: <script>alert(2)</script>";
  record["hosts"].push_back(down);
  const auto html = reports::render("html", record);

  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  // The report may carry a script of its own; host text never adds one.
  for (const std::string raw :
       {"<script>alert(1)", "<script>alert(2)", "<script>down", "<script>x", "<it>", "\"q\""}) {
    CAPTURE(raw);
    CHECK(html.find(raw) == std::string::npos);
  }
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(2)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("&lt;script&gt;down&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("Debian &lt;script&gt;x&lt;/script&gt;") != std::string::npos);
  CHECK(html.find('\x01') == std::string::npos);
  CHECK(html.find("\\x01") != std::string::npos);
  CHECK(html.find("\xFF") == std::string::npos);
}

TEST_CASE("write_html: the run metadata shows the checks a run selected, escaped") {
  auto record = test::sample_record();
  CHECK(reports::render("html", record).find("Checks selected") == std::string::npos);
  record["run"]["selection"] = {{"profile", "level1-workstation"},
                                {"only", {"<b>*"}},
                                {"skip", cisscan::json::array()},
                                {"checks_selected", 3},
                                {"checks_in_catalog", 312}};
  const auto html = reports::render("html", record);
  CHECK(html.find("<dt>Checks selected</dt><dd>profile level1-workstation, 3 of 312 checks; "
                  "only &lt;b&gt;*</dd>") != std::string::npos);
}

TEST_CASE("write_html carries a Content-Security-Policy") {
  const auto html = reports::render("html", test::sample_record());
  const auto at = html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"");
  REQUIRE(at != std::string::npos);
  CHECK(at < html.find("<style>"));
  const auto policy_start = html.find("content=\"", at) + 9;
  const auto policy = html.substr(policy_start, html.find('"', policy_start) - policy_start);
  CHECK(policy.find("default-src 'none'") != std::string::npos);
  // Inline scripts, if any, are allowed by hash only.
  const auto script_src = policy.find("script-src");
  if (script_src != std::string::npos) {
    const auto directive = policy.substr(script_src, policy.find(';', script_src) - script_src);
    CHECK(directive.find("'unsafe-inline'") == std::string::npos);
    CHECK(directive.find("'unsafe-eval'") == std::string::npos);
  }
  CHECK(occurrences(html, "Content-Security-Policy") == 1);
}

TEST_CASE("write_html shows every result and its evidence") {
  const auto html = reports::render("html", test::sample_record());
  for (const std::string id : {"c-pass", "c-fail", "c-error", "c-na"}) {
    CAPTURE(id);
    CHECK(html.find(id) != std::string::npos);
  }
  CHECK(html.find("run-1") != std::string::npos);
  CHECK(html.find("10.0.0.21") != std::string::npos);
  // The failing result's observed text, escaped.
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; \\x01 &amp; &quot;q&quot;") !=
        std::string::npos);
  CHECK(html.find("probe failed: &lt;script&gt;") != std::string::npos);
}

TEST_CASE("write_html shows every benchmark recommendation a result names") {
  auto record = test::sample_record();
  for (auto& result : record["hosts"][0]["results"]) {
    result["benchmarks"] = json::array(
        {{{"id", "cis-debian12"}, {"version", "1.1.0"}, {"ref", "5.1.20"}, {"level", "L1"}},
         {{"id", "cis-debian13"}, {"version", "1.0.0"}, {"ref", "5.1.21"}, {"level", "L2"}}});
  }
  const auto html = reports::render("html", record);
  CHECK(html.find("cis-debian12 1.1.0 5.1.20, level L1; cis-debian13 1.0.0 5.1.21, level L2") !=
        std::string::npos);
  // A record written before `benchmarks` existed still shows its one benchmark.
  CHECK(reports::render("html", test::sample_record()).find("cis-debian12 1.1.0 1.1, level L1") !=
        std::string::npos);
}

TEST_CASE("html: since the last run, a changed check is listed under its check") {
  using cisscan::json;
  using test::make_host;
  using test::make_record;
  using test::make_result;
  auto changed = make_result("c1", "fail");
  changed["check_sha256"] = std::string(64, 'c');
  const auto before = make_record(json::array(
      {make_host("a", "ok", json::array({make_result("c1", "pass"), make_result("c2", "pass")}))}));
  auto after = make_record(
      json::array({make_host("a", "ok", json::array({changed, make_result("c2", "fail")}))}));
  after["history"] = {{"store", "sqlite:"},
                      {"ig1_over_time", json::array()},
                      {"since_last_run", diff_records(before, after)}};
  const auto html = reports::render("html", after);
  CHECK(html.find("Newly failing: 1") != std::string::npos);
  CHECK(html.find("a  c2  pass → fail") != std::string::npos);
  CHECK(html.find("a  c1  pass → fail") == std::string::npos);
  CHECK(html.find("Checks whose definition changed: 1") != std::string::npos);
  CHECK(html.find("c1  newly failing: a; newly passing: none") != std::string::npos);
}

TEST_CASE("write_html shows a Proxmox VE node's guests right after it, linked both ways") {
  auto record = test::sample_record();
  const auto base = record["hosts"][0];
  const auto host = [&](const std::string& name, const std::string& node, int vmid,
                        const std::string& type) {
    auto h = base;
    h["name"] = name;
    if (!node.empty()) {
      h["node"] = node;
      h["vmid"] = vmid;
      h["type"] = type;
    }
    return h;
  };
  // In the record: the node, a host of its own, the node's guests, a guest of a node not scanned.
  record["hosts"] = cisscan::json::array(
      {host("pve1", "", 0, ""), host("web", "", 0, ""), host("ct1", "pve1", 101, "lxc"),
       host("vm1", "pve1", 100, "qemu"), host("stray", "pve9", 105, "lxc")});
  const auto html = reports::render("html", record);
  // Each host's section, in the order they should appear (their anchors are by record index).
  std::vector<size_t> at;
  for (const auto& [name, index] : std::vector<std::pair<std::string, int>>{
           {"pve1", 0}, {"ct1", 2}, {"vm1", 3}, {"web", 1}, {"stray", 4}}) {
    at.push_back(html.find("<section class=\"host\" id=\"host-" + std::to_string(index) +
                           "\" data-host=\"" + name + "\""));
  }
  for (size_t i = 0; i < at.size(); ++i) {
    CAPTURE(i);
    REQUIRE(at[i] != std::string::npos);
    if (i > 0) {
      CHECK(at[i - 1] < at[i]);
    }
  }
  CHECK(html.find("container 101 on node <a href=\"#host-0\">pve1</a>") != std::string::npos);
  CHECK(html.find("VM 100 on node <a href=\"#host-0\">pve1</a>") != std::string::npos);
  CHECK(html.find("container 105 on node pve9</dd>") != std::string::npos);
  CHECK(html.find("<a href=\"#host-2\">ct1</a> <a href=\"#host-3\">vm1</a>") != std::string::npos);
  // The heatmap's rows follow the same order.
  const auto heat = html.find("<table class=\"heatmap");
  REQUIRE(heat != std::string::npos);
  CHECK(html.find("data-host=\"ct1\"", heat) < html.find("data-host=\"web\"", heat));
}

namespace {

// Spooled hosts, with how often the report walks them all and reads one again.
class CountingHosts final : public HostSource {
public:
  explicit CountingHosts(const HostSource& inner) : m_inner(inner) {}
  size_t size() const override { return m_inner.size(); }
  void each(const std::function<void(const cisscan::json& host)>& fn) const override {
    ++passes;
    m_inner.each(fn);
  }
  cisscan::json at(size_t index) const override {
    ++reads;
    return m_inner.at(index);
  }
  bool holds_scores() const override { return m_inner.holds_scores(); }
  void each_score_text(const ScoreTextSink& fn) const override { m_inner.each_score_text(fn); }
  mutable std::atomic<int> passes{0};
  mutable std::atomic<int> reads{0};

private:
  const HostSource& m_inner;
};

} // namespace

TEST_CASE("write_html of spooled hosts is the report of the record whole: it walks them once and "
          "reads each again only for its own lists") {
  ::setenv("SOURCE_DATE_EPOCH", "1767225600", 1); // both renderings at one time
  auto record = test::sample_record();
  auto second = record["hosts"][0];
  second["name"] = "web2";
  second["probes"][0]["output"] = "another output\n";
  record["hosts"].push_back(second);
  HostSpool spool(record["hosts"].size());
  const auto& entries = record["scores"]["hosts"];
  for (size_t i = 0; i < spool.size(); ++i) {
    const auto& host = record["hosts"][i];
    const auto entry = entries.find(host["name"].get<std::string>());
    spool.put(i, host, entry != entries.end() ? *entry : cisscan::json());
  }
  auto head = record;
  head["hosts"] = cisscan::json::array();
  head["scores"]["hosts"] = cisscan::json::object();
  const auto& html = *reports::find_format("html");
  for (const char* detail : {"full", "summary"}) {
    CAPTURE(detail);
    std::ostringstream whole;
    std::ostringstream spooled;
    reports::write_report(html, record, {detail}, whole);
    const CountingHosts counted(spool);
    reports::write_report(html, head, counted, {detail}, spooled);
    CHECK(spooled.str() == whole.str());
    CHECK(counted.passes == 1);
    // Full: each host's findings and its list of results; the summary shows neither. Never a
    // host per check or per row: the index keeps what those show.
    CHECK(counted.reads == (std::string(detail) == "full" ? 2 * 2 : 0));
  }
  const auto full = reports::render("html", record);
  CHECK(full.find("another output") != std::string::npos); // each host's own evidence
  ::unsetenv("SOURCE_DATE_EPOCH");
}
