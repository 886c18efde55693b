// JUnit XML for CI: one <testsuite> per host, one <testcase> per check result. Built with pugixml;
// every host-originated string passes through xml_safe.
#include "model/record_status.hpp"
#include "reports/display.hpp"
#include "reports/formats.hpp"
#include "reports/xml_text.hpp"

#include <pugixml.hpp>

#include <map>
#include <sstream>
#include <stdexcept>

namespace cisscan::reports {

namespace {

using cisscan::json;

constexpr size_t k_output_excerpt = 2048;

std::string text_of(const json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_null()) {
    return {};
  }
  return value.dump();
}

std::string seconds(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3f", ms / 1000.0);
  return buffer;
}

void attr(pugi::xml_node node, const char* name, const std::string& value) {
  node.append_attribute(name) = xml_safe(value).c_str();
}

std::string evidence(const json& result, const std::map<std::string, const json*>& probes,
                     const json& checks) {
  std::ostringstream out;
  out << "expected: " << text_of(result.value("expected", json())) << "\n";
  out << "observed: " << text_of(result.value("observed", json())) << "\n";
  if (!text_of(result.value("reason", json())).empty()) {
    out << "reason: " << text_of(result["reason"]) << "\n";
  }
  for (const auto& id : result.value("probe_ids", json::array())) {
    const auto it = probes.find(id.get<std::string>());
    if (it == probes.end()) {
      continue;
    }
    const auto& probe = *it->second;
    out << "\nprobe " << text_of(probe["id"]) << " (" << text_of(probe["type"]) << " "
        << text_of(probe["argument"]) << "), exit " << text_of(probe["exit_code"]) << ", "
        << text_of(probe["output_bytes"]) << " bytes, sha256 " << text_of(probe["output_sha256"])
        << "\n";
    if (probe.value("output_encoding", "utf-8") == "utf-8") {
      const auto output = text_of(probe["output"]);
      out << output.substr(0, k_output_excerpt);
      if (output.size() > k_output_excerpt) {
        out << "\n[... " << output.size() - k_output_excerpt << " more bytes in the JSON record]";
      }
    } else {
      out << "[binary output, base64 in the JSON record]";
    }
    out << "\n";
  }
  auto remediation = text_of(result.value("remediation", json()));
  if (remediation.empty()) {
    const auto check = checks.find(result["check_id"].get<std::string>());
    if (check != checks.end()) {
      remediation = text_of(check->value("remediation", json()));
    }
  }
  if (!remediation.empty()) {
    out << "\nremediation: " << remediation << "\n";
  }
  return out.str();
}

struct Totals {
  int tests = 0;
  int failures = 0;
  int errors = 0;
  double ms = 0;
};

// The counts of every host's results, for <testsuites>.
Totals count_results(const HostSource& hosts) {
  Totals totals;
  hosts.each([&](const json& host) {
    for (const auto& result : host["results"]) {
      const auto status = result_status(result);
      ++totals.tests;
      totals.failures += status == ResultStatus::fail ? 1 : 0;
      totals.errors += status == ResultStatus::error ? 1 : 0;
    }
    totals.ms += host["stats"].value("duration_ms", 0.0);
  });
  return totals;
}

// One host's <testsuite>.
void add_suite(pugi::xml_node suite, const json& record, const json& host, const json& checks,
               int index) {
  std::map<std::string, const json*> probes;
  for (const auto& probe : host["probes"]) {
    probes[probe["id"].get<std::string>()] = &probe;
  }
  const auto name = text_of(host["name"]);
  int tests = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  for (const auto& result : host["results"]) {
    const auto status = result_status(result);
    ++tests;
    failures += status == ResultStatus::fail ? 1 : 0;
    errors += status == ResultStatus::error ? 1 : 0;
    skipped += status != ResultStatus::pass && status != ResultStatus::fail &&
                       status != ResultStatus::error
                   ? 1
                   : 0;
  }
  const double host_ms = host["stats"].value("duration_ms", 0.0);
  attr(suite, "name", name);
  attr(suite, "tests", std::to_string(tests));
  attr(suite, "failures", std::to_string(failures));
  attr(suite, "errors", std::to_string(errors));
  attr(suite, "skipped", std::to_string(skipped));
  attr(suite, "time", seconds(host_ms));
  attr(suite, "timestamp", text_of(host["started_at"]));
  attr(suite, "hostname", text_of(host["address"]));
  attr(suite, "id", std::to_string(index));
  attr(suite, "package", "cisscan");
  auto properties = suite.append_child("properties");
  const auto property = [&](const std::string& key, const std::string& value) {
    auto p = properties.append_child("property");
    attr(p, "name", key);
    attr(p, "value", value);
  };
  property("host.status", text_of(host["status"]));
  property("host.reason", text_of(host["reason"]));
  property("host.host_key_sha256", text_of(host["identity"]["host_key_sha256"]));
  property("host.roles", text_of(host["roles"]));
  property("run.catalog_digest", text_of(record["run"]["catalog_digest"]));
  if (const auto selection = selection_text(record["run"]); !selection.empty()) {
    property("run.selection", selection);
  }
  for (const auto& result : host["results"]) {
    const auto status = result_status(result);
    auto testcase = suite.append_child("testcase");
    attr(testcase, "name", text_of(result["check_id"]) + ": " + text_of(result["title"]));
    attr(testcase, "classname", "cisscan." + name);
    double ms = 0;
    for (const auto& id : result.value("probe_ids", json::array())) {
      const auto it = probes.find(id.get<std::string>());
      if (it != probes.end()) {
        ms += it->second->value("duration_ms", 0.0);
      }
    }
    attr(testcase, "time", seconds(ms));
    if (status == ResultStatus::fail) {
      auto failure = testcase.append_child("failure");
      attr(failure, "type", "fail");
      attr(failure, "message",
           "expected " + text_of(result["expected"]) + "; observed " + text_of(result["observed"]));
      failure.text() = xml_safe(evidence(result, probes, checks)).c_str();
    } else if (status == ResultStatus::error) {
      auto error = testcase.append_child("error");
      attr(error, "type", "error");
      attr(error, "message", text_of(result["reason"]));
      error.text() = xml_safe(evidence(result, probes, checks)).c_str();
    } else if (status != ResultStatus::pass) {
      const std::string word(to_string(status));
      auto skip = testcase.append_child("skipped");
      attr(skip, "type", word);
      attr(skip, "message", word + ": " + text_of(result["reason"]));
    }
  }
}

} // namespace

void write_junit(const json& record, const HostSource& hosts, const RenderOptions& /*options*/,
                 std::ostream& out) {
  static const json k_no_checks = json::object();
  const auto& checks = record.contains("checks") ? record["checks"] : k_no_checks;
  // The totals come first in the file: counted beforehand. Then each host's suite is built,
  // written and dropped in turn, so no more than one host's XML is in memory at once.
  const auto totals = count_results(hosts);
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto suites = doc.append_child("testsuites");
  attr(suites, "name", "cisscan " + text_of(record["run"].value("id", json())));
  attr(suites, "tests", std::to_string(totals.tests));
  attr(suites, "failures", std::to_string(totals.failures));
  attr(suites, "errors", std::to_string(totals.errors));
  attr(suites, "time", seconds(totals.ms));
  if (hosts.size() == 0) {
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return;
  }
  // pugixml writes the root's opening and closing tags around a placeholder child; the suites
  // are written in its place, indented one level as pugixml would have.
  suites.append_child("cisscan-suites");
  std::ostringstream frame;
  doc.save(frame, "  ", pugi::format_default, pugi::encoding_utf8);
  const auto text = std::move(frame).str();
  const std::string placeholder = "  <cisscan-suites />\n";
  const auto at = text.find(placeholder);
  if (at == std::string::npos) {
    throw std::logic_error("JUnit report: pugixml wrote the frame differently than expected");
  }
  out << text.substr(0, at);
  int index = 0;
  hosts.each([&](const json& host) {
    pugi::xml_document one;
    auto suite = one.append_child("testsuite");
    add_suite(suite, record, host, checks, index++);
    suite.print(out, "  ", pugi::format_default, pugi::encoding_utf8, 1);
  });
  out << text.substr(at + placeholder.size());
}

} // namespace cisscan::reports
