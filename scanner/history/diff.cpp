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

std::map<std::string, const json*> hosts_by_name(const json& record) {
  std::map<std::string, const json*> out;
  for (const auto& host : record["hosts"]) {
    out[host["name"].get<std::string>()] = &host;
  }
  return out;
}

// Every check id of the record, with the sha256 of its definition (empty when not recorded).
std::map<std::string, std::string> check_hashes(const json& record) {
  std::map<std::string, std::string> out;
  for (const auto& host : record["hosts"]) {
    for (const auto& result : host["results"]) {
      auto& sha = out[result["check_id"].get<std::string>()];
      if (sha.empty()) {
        const auto it = result.find("check_sha256");
        sha = it != result.end() && it->is_string() ? it->get<std::string>() : std::string();
      }
    }
  }
  return out;
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

// One host's results against its results before: newly failing and newly passing, each also
// under its check in `changed` when the check's definition changed.
void compare_results(const std::string& name, const json& before, const json& after,
                     std::map<std::string, json>& changed, json& out) {
  std::map<std::string, ResultStatus> old_status;
  for (const auto& result : before["results"]) {
    old_status[result["check_id"].get<std::string>()] = result_status(result);
  }
  for (const auto& result : after["results"]) {
    const auto id = result["check_id"].get<std::string>();
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
    const auto moved = changed.find(id);
    out[list].push_back({{"host", name},
                         {"check_id", id},
                         {"title", result.value("title", "")},
                         {"from", to_string(found->second)},
                         {"to", to_string(now)},
                         {"check_changed", moved != changed.end()}});
    if (moved != changed.end()) {
      moved->second["title"] = result.value("title", "");
      moved->second[list].push_back(name);
    }
  }
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

// The members of `from` named in `names` that it has.
json members(const json& from, std::initializer_list<const char*> names) {
  json out = json::object();
  for (const char* name : names) {
    const auto it = from.find(name);
    if (it != from.end()) {
      out[name] = *it;
    }
  }
  return out;
}

// What diff_records reads of a run.
json diff_view(const json& record, const HostSource& hosts) {
  json view = members(record, {"run"});
  const auto scores = record.find("scores");
  view["scores"] = scores != record.end() ? members(*scores, {"ig1", "safeguards"}) : json();
  auto& list = view["hosts"] = json::array();
  hosts.each([&](const json& host) {
    auto lean = members(host, {"name", "status"});
    const auto identity = host.find("identity");
    if (identity != host.end() && identity->is_object()) {
      lean["identity"] = members(*identity, {"host_key_sha256"});
    }
    auto& results = lean["results"] = json::array();
    const auto all = host.find("results");
    if (all != host.end()) {
      for (const auto& result : *all) {
        results.push_back(members(result, {"check_id", "status", "title", "check_sha256"}));
      }
    }
    list.push_back(std::move(lean));
  });
  return view;
}

} // namespace

json diff_records(const json& old_record, const json& new_record) {
  const auto old_checks = check_hashes(old_record);
  const auto new_checks = check_hashes(new_record);
  auto changed = changed_checks(old_checks, new_checks);
  json out;
  out["old_run"] = old_record["run"]["id"];
  out["new_run"] = new_record["run"]["id"];
  const auto old_hosts = hosts_by_name(old_record);
  const auto new_hosts = hosts_by_name(new_record);
  out["new_hosts"] = json::array();
  out["vanished_hosts"] = json::array();
  out["host_key_changed"] = json::array();
  out["newly_failing"] = json::array();
  out["newly_passing"] = json::array();
  for (const auto& [name, host] : new_hosts) {
    const auto it = old_hosts.find(name);
    if (it == old_hosts.end()) {
      out["new_hosts"].push_back(name);
      continue;
    }
    const auto& before = *it->second;
    const auto old_key = before["identity"].value("host_key_sha256", json());
    const auto new_key = (*host)["identity"].value("host_key_sha256", json());
    if (old_key.is_string() && new_key.is_string() && old_key != new_key) {
      out["host_key_changed"].push_back({{"host", name}, {"old", old_key}, {"new", new_key}});
    }
    if (!scanned(before) || !scanned(*host)) {
      continue; // a host not scanned has placeholders, not results (its status says why)
    }
    compare_results(name, before, *host, changed, out);
  }
  for (const auto& [name, _] : old_hosts) {
    if (new_hosts.count(name) == 0) {
      out["vanished_hosts"].push_back(name);
    }
  }
  out["new_checks"] = json::array();
  out["removed_checks"] = json::array();
  out["changed_checks"] = json::array();
  for (const auto& [id, _] : new_checks) {
    if (old_checks.count(id) == 0) {
      out["new_checks"].push_back(id);
    }
  }
  for (const auto& [id, _] : old_checks) {
    if (new_checks.count(id) == 0) {
      out["removed_checks"].push_back(id);
    }
  }
  for (auto& [id, entry] : changed) {
    out["changed_checks"].push_back(std::move(entry));
  }
  out["safeguards"] =
      score_changes(old_record["scores"]["safeguards"], new_record["scores"]["safeguards"]);
  const auto old_ig1 = old_record["scores"]["ig1"].value("score", json());
  const auto new_ig1 = new_record["scores"]["ig1"].value("score", json());
  out["ig1"] = {{"old", old_ig1}, {"new", new_ig1}, {"delta", delta(old_ig1, new_ig1)}};
  return out;
}

json diff_run(const json& old_record, const json& record, const HostSource& hosts) {
  if (holds_hosts(record, hosts)) {
    return diff_records(old_record, record);
  }
  return diff_records(old_record, diff_view(record, hosts));
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
