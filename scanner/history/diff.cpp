#include "history/diff.hpp"
#include "model/record_status.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace cisscan {

namespace {

using cisscan::json;

// A host the scan reached; a host of a record that gave no status was.
bool scanned(const json& host) {
  return !host.contains("status") || host_status(host) == HostStatus::ok;
}

json score_of(const json& tally) {
  return tally.is_object() ? tally.value("score", json()) : json();
}

json delta(const json& before, const json& after) {
  if (!before.is_number() || !after.is_number()) {
    return nullptr;
  }
  return std::round((after.get<double>() - before.get<double>()) * 10.0) / 10.0;
}

// Adds the check ids of one host's results to `checks`, each with the sha256 of its definition:
// the first one recorded for it (empty when none is).
void add_check_hashes(const json& host, std::map<std::string, std::string>& checks) {
  for (const auto& result : host["results"]) {
    auto& sha = checks[result["check_id"].get<std::string>()];
    if (sha.empty()) {
      const auto it = result.find("check_sha256");
      sha = it != result.end() && it->is_string() ? it->get<std::string>() : std::string();
    }
  }
}

json host_key(const json& host) {
  return host["identity"].value("host_key_sha256", json());
}

// Checks in both records whose definitions differ (both hashes known): id -> its entry.
std::map<std::string, json> changed_checks(const std::map<std::string, std::string>& before,
                                           const std::map<std::string, std::string>& after) {
  std::map<std::string, json> out;
  for (const auto& [id, sha] : after) {
    const auto it = before.find(id);
    if (it != before.end() && !sha.empty() && !it->second.empty() && sha != it->second) {
      out[id] = {{"check_id", id},
                 {"old_sha256", it->second},
                 {"new_sha256", sha},
                 {"newly_failing", json::array()},
                 {"newly_passing", json::array()}};
    }
  }
  return out;
}

// "+3", "-2.5", "0": a score change with its sign.
std::string signed_number(const json& value) {
  if (!value.is_number()) {
    return "n/a";
  }
  const double number = std::round(value.get<double>() * 10.0) / 10.0;
  char text[32];
  std::snprintf(text, sizeof(text), number == std::round(number) ? "%+.0f" : "%+.1f", number);
  return number == 0.0 ? "0" : text;
}

// One host's results against its results before: newly failing and newly passing, in the
// order of its results, each with the list it goes to (what diff_run files under its check when
// the check's definition changed).
struct Moved {
  const char* list;
  json entry;
};

std::vector<Moved> compare_results(const std::string& name, const RunDigest::Host& before,
                                   const json& after, const std::map<std::string, json>& changed) {
  std::map<std::string_view, ResultStatus> old_status;
  for (const auto& [id, status] : before.results) {
    old_status[id] = status;
  }
  std::vector<Moved> out;
  for (const auto& result : after["results"]) {
    const auto& id = result["check_id"].get_ref<const std::string&>();
    const auto found = old_status.find(id);
    if (found == old_status.end()) {
      continue; // a new check: listed apart
    }
    const auto now = result_status(result);
    const char* list = is_gap(now) && !is_gap(found->second)                ? "newly_failing"
                       : now == ResultStatus::pass && is_gap(found->second) ? "newly_passing"
                                                                            : nullptr;
    if (list == nullptr) {
      continue;
    }
    // A check whose definition changed is listed with its change too: the host may not have
    // moved. `newly_failing` keeps it (the gate's new-failures rule reads that list).
    out.push_back({list,
                   {{"host", name},
                    {"check_id", id},
                    {"title", result.value("title", "")},
                    {"from", to_string(found->second)},
                    {"to", to_string(now)},
                    {"check_changed", changed.count(id) != 0}}});
  }
  return out;
}

// Safeguards whose score changed: id -> old, new and delta.
json score_changes(const json& old_scores, const json& new_scores) {
  json safeguards = json::object();
  std::set<std::string> ids;
  for (const auto& [id, _] : old_scores.items()) {
    ids.insert(id);
  }
  for (const auto& [id, _] : new_scores.items()) {
    ids.insert(id);
  }
  for (const auto& id : ids) {
    const auto before = score_of(old_scores.value(id, json()));
    const auto after = score_of(new_scores.value(id, json()));
    if (before != after) {
      safeguards[id] = {{"old", before}, {"new", after}, {"delta", delta(before, after)}};
    }
  }
  return safeguards;
}

// What diff_run finds of one host of the run, kept by name until every host is read: the diff
// lists hosts in name order, and of hosts that share a name the last one counts.
struct HostDrift {
  bool is_new = false;
  json key_change;
  std::vector<Moved> moved;
};

} // namespace

void RunDigest::add_host(const json& host) {
  add_check_hashes(host, checks);
  auto& kept = hosts[host["name"].get<std::string>()];
  kept = Host{};
  kept.scanned = scanned(host);
  kept.key = host_key(host);
  for (const auto& result : host["results"]) {
    kept.results.emplace_back(result["check_id"].get<std::string>(), result_status(result));
  }
}

RunDigest digest_of(const json& record) {
  RunDigest digest;
  digest.run_id = record["run"]["id"];
  digest.ig1_score = record["scores"]["ig1"].value("score", json());
  digest.safeguards = record["scores"]["safeguards"];
  for (const auto& host : record["hosts"]) {
    digest.add_host(host);
  }
  return digest;
}

json diff_run(const RunDigest& before, const json& record, const HostSource& hosts) {
  // The checks' definitions first (a moved result is marked when its check changed), then each
  // host against its digest.
  std::map<std::string, std::string> new_checks;
  hosts.each([&](const json& host) { add_check_hashes(host, new_checks); });
  auto changed = changed_checks(before.checks, new_checks);
  std::map<std::string, HostDrift> drift;
  hosts.each([&](const json& host) {
    const auto name = host["name"].get<std::string>();
    auto& found = drift[name] = HostDrift{};
    const auto it = before.hosts.find(name);
    if (it == before.hosts.end()) {
      found.is_new = true;
      return;
    }
    const auto& old_key = it->second.key;
    const auto new_key = host_key(host);
    if (old_key.is_string() && new_key.is_string() && old_key != new_key) {
      found.key_change = {{"host", name}, {"old", old_key}, {"new", new_key}};
    }
    if (!it->second.scanned || !scanned(host)) {
      return; // a host not scanned has placeholders, not results (its status says why)
    }
    found.moved = compare_results(name, it->second, host, changed);
  });
  json out;
  out["old_run"] = before.run_id;
  out["new_run"] = record["run"]["id"];
  out["new_hosts"] = json::array();
  out["vanished_hosts"] = json::array();
  out["host_key_changed"] = json::array();
  out["newly_failing"] = json::array();
  out["newly_passing"] = json::array();
  for (auto& [name, found] : drift) {
    if (found.is_new) {
      out["new_hosts"].push_back(name);
      continue;
    }
    if (!found.key_change.is_null()) {
      out["host_key_changed"].push_back(std::move(found.key_change));
    }
    for (auto& [list, entry] : found.moved) {
      const auto check = changed.find(entry["check_id"].get<std::string>());
      if (check != changed.end()) {
        check->second["title"] = entry["title"];
        check->second[list].push_back(name);
      }
      out[list].push_back(std::move(entry));
    }
  }
  for (const auto& [name, _] : before.hosts) {
    if (drift.count(name) == 0) {
      out["vanished_hosts"].push_back(name);
    }
  }
  out["new_checks"] = json::array();
  out["removed_checks"] = json::array();
  out["changed_checks"] = json::array();
  for (const auto& [id, _] : new_checks) {
    if (before.checks.count(id) == 0) {
      out["new_checks"].push_back(id);
    }
  }
  for (const auto& [id, _] : before.checks) {
    if (new_checks.count(id) == 0) {
      out["removed_checks"].push_back(id);
    }
  }
  for (auto& [id, entry] : changed) {
    out["changed_checks"].push_back(std::move(entry));
  }
  out["safeguards"] = score_changes(before.safeguards, record["scores"]["safeguards"]);
  const auto new_ig1 = record["scores"]["ig1"].value("score", json());
  out["ig1"] = {
      {"old", before.ig1_score}, {"new", new_ig1}, {"delta", delta(before.ig1_score, new_ig1)}};
  return out;
}

json diff_records(const json& old_record, const json& new_record) {
  return diff_run(digest_of(old_record), new_record, RecordHosts(new_record));
}

std::string diff_text(const json& diff) {
  std::ostringstream out;
  const auto show = [](const json& v) { return v.is_null() ? std::string("n/a") : v.dump(); };
  out << "cisscan diff " << diff["old_run"].get<std::string>() << " -> "
      << diff["new_run"].get<std::string>() << "\n";
  out << "IG1 score: " << show(diff["ig1"]["old"]) << " -> " << show(diff["ig1"]["new"]) << " ("
      << signed_number(diff["ig1"]["delta"]) << ")\n";
  // Host regressions and fixes: results of checks whose definition did not change.
  const auto results = [&](const char* key, const char* title) {
    std::vector<const json*> items;
    for (const auto& item : diff[key]) {
      if (!item.value("check_changed", false)) {
        items.push_back(&item);
      }
    }
    out << title << ": " << items.size() << "\n";
    for (const auto* item : items) {
      out << "  " << (*item)["host"].get<std::string>() << "  "
          << (*item)["check_id"].get<std::string>() << "  " << (*item)["from"].get<std::string>()
          << " -> " << (*item)["to"].get<std::string>() << "\n";
    }
  };
  const auto list = [&](const char* key, const char* title) {
    const auto& items = diff[key];
    out << title << ": " << items.size() << "\n";
    for (const auto& item : items) {
      if (item.is_string()) {
        out << "  " << item.get<std::string>() << "\n";
      } else {
        out << "  " << item["host"].get<std::string>() << "  " << item["old"].get<std::string>()
            << " -> " << item["new"].get<std::string>() << "\n";
      }
    }
  };
  results("newly_failing", "Newly failing");
  results("newly_passing", "Newly passing");
  list("new_hosts", "New hosts");
  list("vanished_hosts", "Vanished hosts");
  list("host_key_changed", "Host keys changed");
  list("new_checks", "New checks");
  list("removed_checks", "Removed checks");
  const auto& changed = diff.contains("changed_checks") ? diff["changed_checks"] : json::array();
  out << "Checks whose definition changed: " << changed.size() << "\n";
  const auto hosts = [](const json& names) {
    std::string text;
    for (const auto& name : names) {
      text += (text.empty() ? "" : ", ") + name.get<std::string>();
    }
    return text.empty() ? std::string("none") : text;
  };
  for (const auto& check : changed) {
    out << "  " << check["check_id"].get<std::string>() << "  sha256 "
        << check["old_sha256"].get<std::string>().substr(0, 12) << " -> "
        << check["new_sha256"].get<std::string>().substr(0, 12)
        << "  newly failing: " << hosts(check["newly_failing"])
        << "; newly passing: " << hosts(check["newly_passing"]) << "\n";
  }
  out << "Safeguard scores changed: " << diff["safeguards"].size() << "\n";
  for (const auto& [id, change] : diff["safeguards"].items()) {
    out << "  " << id << "  " << show(change["old"]) << " -> " << show(change["new"]) << " ("
        << signed_number(change["delta"]) << ")\n";
  }
  return out.str();
}

} // namespace cisscan
