#include "exceptions/exceptions.hpp"

#include "model/record_status.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

#include <set>

namespace cisscan {

namespace {

using cisscan::json;

bool current(const std::string& expires, const std::string& today) {
  return expires.empty() || today <= expires;
}

// A date that is there and not empty: `expires: ""` would make an exception hold for ever.
std::string required_date(const util::YamlFile& file, const yaml::Node& node, const char* key) {
  auto date = file.date(node, key);
  if (date.empty()) {
    file.fail(node[key], std::string("'") + key + "' must be a date YYYY-MM-DD, not ''");
  }
  return date;
}

} // namespace

std::vector<Waiver> load_waivers(const std::filesystem::path& path) try {
  const util::YamlFile file(path);
  const auto& root = file.root();
  if (!root.IsMap() || !root["waivers"] || !root["waivers"].IsSequence()) {
    throw ConfigError(file.name() + ":1: expected a 'waivers:' list");
  }
  file.check_keys(root, {"waivers"}, "a waiver file");
  std::vector<Waiver> out;
  std::set<std::string> ids;
  for (const auto& node : root["waivers"]) {
    file.check_keys(node,
                    {"id", "checks", "hosts", "justification", "approved_by", "ticket", "expires"},
                    "a waiver");
    Waiver w;
    w.id = file.string(node, "id");
    w.checks = file.string(node, "checks");
    w.hosts = read_selector(file, node["hosts"]);
    w.justification = file.string(node, "justification");
    w.approved_by = file.string(node, "approved_by");
    w.ticket = file.string(node, "ticket", false);
    w.expires = required_date(file, node, "expires");
    w.file = file.name();
    w.line = util::line_of(node);
    if (!ids.insert(w.id).second) {
      file.fail(node, "duplicate waiver id '" + w.id + "'");
    }
    out.push_back(std::move(w));
  }
  return out;
} catch (const yaml::Exception& e) {
  throw util::yaml_error(path, e);
}

std::vector<Attestation>
load_attestations(const std::filesystem::path& path,
                  const std::function<bool(const std::string&)>& known_safeguard) try {
  const util::YamlFile file(path);
  const auto& root = file.root();
  if (!root.IsMap() || !root["attestations"] || !root["attestations"].IsSequence()) {
    throw ConfigError(file.name() + ":1: expected an 'attestations:' list");
  }
  file.check_keys(root, {"attestations"}, "an attestation file");
  std::vector<Attestation> out;
  std::set<std::string> ids;
  for (const auto& node : root["attestations"]) {
    file.check_keys(node,
                    {"id", "safeguard", "check", "hosts", "statement", "evidence", "attested_by",
                     "date", "expires"},
                    "an attestation");
    Attestation a;
    a.id = file.string(node, "id");
    a.safeguard = file.string(node, "safeguard", false);
    a.check = file.string(node, "check", false);
    if (a.safeguard.empty() == a.check.empty()) {
      file.fail(node, "an attestation names exactly one of 'safeguard' or 'check'");
    }
    if (!a.safeguard.empty() && !known_safeguard(a.safeguard)) {
      file.fail(node["safeguard"],
                "safeguard '" + a.safeguard + "' is not in the CIS Controls v8 catalog");
    }
    if (!a.safeguard.empty() && node["hosts"]) {
      file.fail(node["hosts"], "a safeguard attestation covers the organisation, not hosts");
    }
    a.hosts = read_selector(file, node["hosts"]);
    a.statement = file.string(node, "statement");
    a.evidence = file.string(node, "evidence");
    a.attested_by = file.string(node, "attested_by");
    a.date = required_date(file, node, "date");
    a.expires = required_date(file, node, "expires");
    if (a.expires < a.date) {
      file.fail(node["expires"], "expires (" + a.expires + ") is before date (" + a.date + ")");
    }
    a.file = file.name();
    a.line = util::line_of(node);
    if (!ids.insert(a.id).second) {
      file.fail(node, "duplicate attestation id '" + a.id + "'");
    }
    out.push_back(std::move(a));
  }
  return out;
} catch (const yaml::Exception& e) {
  throw util::yaml_error(path, e);
}

namespace {

// Undoes an earlier application on one host: the record keeps what the scan itself found.
void undo_exceptions(json& host) {
  for (auto& result : host["results"]) {
    if (result.contains("original_status")) {
      result["status"] = result["original_status"];
      result["reason"] = result.value("original_reason", "");
      result.erase("original_status");
      result.erase("original_reason");
    }
    result.erase("waiver");
    result.erase("attestation");
  }
}

// Marks the host's failures a waiver matches as waived (when it is current), adding each to
// `applied`.
void apply_waiver(const json& host, AssessedResults& results, size_t index, const Waiver& w,
                  bool is_current, util::ByHost& applied) {
  if (!w.hosts.matches(host)) {
    return;
  }
  for (size_t i = 0; i < results.size(); ++i) {
    const auto check_id = results.check_id(i);
    if (results.status(i) != ResultStatus::fail || !glob_match(w.checks, check_id)) {
      continue;
    }
    applied.add(index, {{"host", util::member_or_null(host, "name")}, {"check_id", check_id}});
    if (is_current) {
      results.waive(i,
                    "waived by " + w.id + " (approved by " + w.approved_by + ", until " +
                        w.expires + "): " + w.justification,
                    {{"id", w.id},
                     {"approved_by", w.approved_by},
                     {"ticket", w.ticket},
                     {"expires", w.expires},
                     {"justification", w.justification}});
    }
  }
}

// Attaches an attestation to the host's manual results it answers (when it is current), adding
// each to `covers`.
void apply_attestation(const json& host, AssessedResults& results, size_t index,
                       const Attestation& a, bool is_current, util::ByHost& covers) {
  if (a.check.empty() || !a.hosts.matches(host)) {
    return;
  }
  for (size_t i = 0; i < results.size(); ++i) {
    if (results.check_id(i) != a.check || results.status(i) != ResultStatus::manual) {
      continue;
    }
    covers.add(index, {{"host", util::member_or_null(host, "name")}, {"check_id", a.check}});
    if (is_current) {
      results.attest(i, {{"id", a.id},
                         {"statement", a.statement},
                         {"evidence", a.evidence},
                         {"attested_by", a.attested_by},
                         {"date", a.date},
                         {"expires", a.expires}});
    }
  }
}

json waiver_entry(const Waiver& w, bool is_current, json applied) {
  const auto matched = applied.size();
  return {{"id", w.id},
          {"checks", w.checks},
          {"hosts", w.hosts.to_json()},
          {"justification", w.justification},
          {"approved_by", w.approved_by},
          {"ticket", w.ticket},
          {"expires", w.expires},
          {"source", w.file + ":" + std::to_string(w.line)},
          {"state", is_current ? "current" : "expired"},
          {"matched", matched},
          {is_current ? "applied_to" : "would_apply_to", std::move(applied)}};
}

json attestation_entry(const Attestation& a, bool is_current, json covers) {
  const auto matched = a.check.empty() ? 1 : covers.size();
  return {{"id", a.id},
          {"safeguard", a.safeguard.empty() ? json(nullptr) : json(a.safeguard)},
          {"check", a.check.empty() ? json(nullptr) : json(a.check)},
          {"hosts", a.hosts.to_json()},
          {"statement", a.statement},
          {"evidence", a.evidence},
          {"attested_by", a.attested_by},
          {"date", a.date},
          {"expires", a.expires},
          {"source", a.file + ":" + std::to_string(a.line)},
          {"state", is_current ? "current" : "expired"},
          {"matched", matched},
          {"covers", std::move(covers)}};
}

} // namespace

ExceptionPass::ExceptionPass(const ExceptionFiles& exceptions, std::string today)
    : m_exceptions(exceptions), m_today(std::move(today)), m_applied(exceptions.waivers.size()),
      m_covers(exceptions.attestations.size()) {}

void ExceptionPass::apply(json& host, size_t index) {
  undo_exceptions(host);
  EntryResults results(host);
  apply(host, results, index);
}

void ExceptionPass::apply(const json& host, AssessedResults& results, size_t index) {
  for (size_t i = 0; i < m_exceptions.waivers.size(); ++i) {
    const auto& w = m_exceptions.waivers[i];
    apply_waiver(host, results, index, w, current(w.expires, m_today), m_applied[i]);
  }
  for (size_t i = 0; i < m_exceptions.attestations.size(); ++i) {
    const auto& a = m_exceptions.attestations[i];
    apply_attestation(host, results, index, a, current(a.expires, m_today), m_covers[i]);
  }
}

void ExceptionPass::finish(json& record) {
  json waivers = json::array();
  for (size_t i = 0; i < m_exceptions.waivers.size(); ++i) {
    const auto& w = m_exceptions.waivers[i];
    waivers.push_back(waiver_entry(w, current(w.expires, m_today), m_applied[i].take()));
  }
  json attestations = json::array();
  for (size_t i = 0; i < m_exceptions.attestations.size(); ++i) {
    const auto& a = m_exceptions.attestations[i];
    attestations.push_back(attestation_entry(a, current(a.expires, m_today), m_covers[i].take()));
  }
  record["waivers"] = {{"as_of", m_today}, {"entries", waivers}};
  record["attestations"] = {{"as_of", m_today}, {"entries", attestations}};
  record["exception_files"] = m_exceptions.files;
}

void apply_exceptions(json& record, const ExceptionFiles& exceptions, const std::string& today) {
  ExceptionPass pass(exceptions, today);
  size_t index = 0;
  for (auto& host : record["hosts"]) {
    pass.apply(host, index++);
  }
  pass.finish(record);
}

} // namespace cisscan
