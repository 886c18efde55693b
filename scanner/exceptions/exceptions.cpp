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

// Undoes an earlier application: the record keeps what the scan itself found.
void undo_exceptions(json& record) {
  for (auto& host : record["hosts"]) {
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
}

// Marks the failures a waiver matches as waived (when it is current); returns its record entry.
json apply_waiver(json& record, const Waiver& w, const std::string& today) {
  const bool is_current = current(w.expires, today);
  json applied = json::array();
  for (auto& host : record["hosts"]) {
    if (!w.hosts.matches(host)) {
      continue;
    }
    for (auto& result : host["results"]) {
      if (result_status(result) != ResultStatus::fail ||
          !glob_match(w.checks, result["check_id"].get<std::string>())) {
        continue;
      }
      applied.push_back({{"host", host["name"]}, {"check_id", result["check_id"]}});
      if (is_current) {
        result["original_status"] = to_string(ResultStatus::fail);
        result["original_reason"] = result["reason"];
        result["status"] = to_string(ResultStatus::waived);
        result["reason"] = "waived by " + w.id + " (approved by " + w.approved_by + ", until " +
                           w.expires + "): " + w.justification;
        result["waiver"] = {{"id", w.id},
                            {"approved_by", w.approved_by},
                            {"ticket", w.ticket},
                            {"expires", w.expires},
                            {"justification", w.justification}};
      }
    }
  }
  return {{"id", w.id},
          {"checks", w.checks},
          {"hosts", w.hosts.to_json()},
          {"justification", w.justification},
          {"approved_by", w.approved_by},
          {"ticket", w.ticket},
          {"expires", w.expires},
          {"source", w.file + ":" + std::to_string(w.line)},
          {"state", is_current ? "current" : "expired"},
          {"matched", applied.size()},
          {is_current ? "applied_to" : "would_apply_to", applied}};
}

// Attaches an attestation to the manual results it answers (when it is current); returns its
// record entry.
json apply_attestation(json& record, const Attestation& a, const std::string& today) {
  const bool is_current = current(a.expires, today);
  json covers = json::array();
  if (!a.check.empty()) {
    for (auto& host : record["hosts"]) {
      if (!a.hosts.matches(host)) {
        continue;
      }
      for (auto& result : host["results"]) {
        if (result["check_id"] != a.check || result_status(result) != ResultStatus::manual) {
          continue;
        }
        covers.push_back({{"host", host["name"]}, {"check_id", result["check_id"]}});
        if (is_current) {
          result["attestation"] = {{"id", a.id},
                                   {"statement", a.statement},
                                   {"evidence", a.evidence},
                                   {"attested_by", a.attested_by},
                                   {"date", a.date},
                                   {"expires", a.expires}};
        }
      }
    }
  }
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
          {"matched", a.check.empty() ? 1 : covers.size()},
          {"covers", covers}};
}

} // namespace

void apply_exceptions(json& record, const ExceptionFiles& exceptions, const std::string& today) {
  undo_exceptions(record);
  json waivers = json::array();
  for (const auto& w : exceptions.waivers) {
    waivers.push_back(apply_waiver(record, w, today));
  }
  json attestations = json::array();
  for (const auto& a : exceptions.attestations) {
    attestations.push_back(apply_attestation(record, a, today));
  }
  record["waivers"] = {{"as_of", today}, {"entries", waivers}};
  record["attestations"] = {{"as_of", today}, {"entries", attestations}};
  record["exception_files"] = exceptions.files;
}

} // namespace cisscan
