// The auditor's HTML report: one self-contained file rendered through a mustache template that
// escapes every value ({{...}}); only the embedded stylesheet is inserted raw.
#include "reports/formats.hpp"
#include "reports/xml_text.hpp"

#include "html_css.hpp"
#include "html_template.hpp"

#include <mustache.hpp>

#include <map>

namespace cisscan::reports {

namespace {

using nlohmann::json;
namespace mustache = kainjow::mustache;

// Control characters become visible \xNN escapes; the template escapes the rest.
std::string text_of(const json& value) {
  if (value.is_string()) {
    return xml_safe(value.get<std::string>());
  }
  if (value.is_null()) {
    return {};
  }
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      out += (out.empty() ? "" : ", ") + text_of(item);
    }
    return out;
  }
  return value.dump();
}

std::string score_text(const json& score) {
  if (!score.is_number()) {
    return "n/a";
  }
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%.1f%%", score.get<double>());
  return buffer;
}

mustache::data probe_view(const json& probe) {
  mustache::data view;
  for (const char* key : {"id", "command", "exit_code", "started_at", "duration_ms",
                          "output_bytes", "output_sha256"}) {
    view.set(key, text_of(probe.value(key, json())));
  }
  const bool binary = probe.value("output_encoding", "utf-8") != "utf-8";
  view.set("output", binary ? "[binary output, base64 in the JSON record] " +
                                  text_of(probe["output"])
                            : text_of(probe["output"]));
  view.set("truncated", probe.value("truncated", false));
  return view;
}

mustache::data host_view(const json& host, int index) {
  mustache::data view;
  view.set("index", std::to_string(index));
  for (const char* key : {"name", "address", "status", "reason"}) {
    view.set(key, text_of(host.value(key, json())));
  }
  view.set("host_key", text_of(host["identity"].value("host_key_sha256", json())));
  view.set("machine_id", text_of(host["identity"].value("machine_id", json())));
  view.set("roles", text_of(host.value("roles", json::array())));
  view.set("os", text_of(host["facts"].value("os_pretty_name", json())));
  view.set("scanned_as", text_of(host["facts"].value("user", json())) +
                             (host.value("become", json()).is_string() ? " (via sudo)" : ""));
  view.set("channels", text_of(host["stats"].value("channels", json())));
  view.set("duration_ms", text_of(host["stats"].value("duration_ms", json())));
  std::map<std::string, const json*> probes;
  for (const auto& probe : host["probes"]) {
    probes[probe["id"].get<std::string>()] = &probe;
  }
  mustache::data results{mustache::data::type::list};
  for (const auto& result : host["results"]) {
    mustache::data r;
    for (const char* key : {"check_id", "title", "status", "expected", "observed", "reason",
                            "remediation"}) {
      r.set(key, text_of(result.value(key, json())));
    }
    r.set("safeguards", text_of(result.value("safeguards", json::array())));
    const auto& b = result["benchmark"];
    r.set("benchmark", text_of(b.value("id", json())) + " " + text_of(b.value("version", json())) +
                           " " + text_of(b.value("ref", json())) + " " +
                           text_of(b.value("level", json())));
    mustache::data probe_list{mustache::data::type::list};
    for (const auto& id : result.value("probe_ids", json::array())) {
      const auto it = probes.find(id.get<std::string>());
      if (it != probes.end()) {
        probe_list.push_back(probe_view(*it->second));
      }
    }
    r.set("probes", probe_list);
    results.push_back(r);
  }
  view.set("results", results);
  return view;
}

} // namespace

std::string render_html(const json& record) {
  mustache::data view;
  mustache::data run;
  for (const auto& [key, value] : record["run"].items()) {
    run.set(key, text_of(value));
  }
  view.set("run", run);
  view.set("css", std::string(embedded::html_css));

  const auto& scores = record["scores"];
  std::map<std::string, int> counts;
  for (const auto& host : record["hosts"]) {
    for (const auto& result : host["results"]) {
      ++counts[result["status"].get<std::string>()];
    }
  }
  mustache::data summary;
  summary.set("ig1_score", score_text(scores["ig1"]["score"]));
  summary.set("ig1_assessed", text_of(scores["ig1"]["assessed"]));
  summary.set("ig1_total", text_of(scores["ig1"]["total"]));
  summary.set("hosts_in_scope", text_of(scores["hosts_in_scope"]));
  summary.set("hosts_scanned", text_of(scores["hosts_scanned"]));
  summary.set("pass", std::to_string(counts["pass"]));
  summary.set("fail", std::to_string(counts["fail"]));
  summary.set("error", std::to_string(counts["error"]));
  summary.set("other",
              std::to_string(counts["not_applicable"] + counts["manual"] + counts["waived"]));
  view.set("summary", summary);

  mustache::data unscanned{mustache::data::type::list};
  for (const auto& host : record["hosts"]) {
    if (host["status"] != "ok") {
      mustache::data h;
      h.set("name", text_of(host["name"]));
      h.set("status", text_of(host["status"]));
      h.set("reason", text_of(host["reason"]));
      unscanned.push_back(h);
    }
  }
  view.set("has_unscanned", !unscanned.list_value().empty());
  view.set("unscanned", unscanned);

  mustache::data safeguards{mustache::data::type::list};
  const auto catalog = record.value("catalog", json::object()).value("safeguards", json::object());
  for (const auto& [id, tally] : scores["safeguards"].items()) {
    mustache::data s;
    s.set("id", id);
    const auto info = catalog.value(id, json::object());
    s.set("title", text_of(info.value("title", json())));
    s.set("ig1", info.value("ig1", false) ? "yes" : "no");
    s.set("score", score_text(tally["score"]));
    s.set("state", text_of(tally["state"]));
    for (const char* key : {"pass", "fail", "error"}) {
      s.set(key, text_of(tally["counts"][key]));
    }
    safeguards.push_back(s);
  }
  view.set("safeguards", safeguards);

  mustache::data hosts{mustache::data::type::list};
  int index = 0;
  for (const auto& host : record["hosts"]) {
    hosts.push_back(host_view(host, index++));
  }
  view.set("hosts", hosts);

  mustache::mustache tmpl{std::string(embedded::html_template)};
  return tmpl.render(view);
}

} // namespace cisscan::reports
