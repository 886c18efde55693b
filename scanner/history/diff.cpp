#include "history/diff.hpp"

#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace cisscan {

namespace {

using cisscan::json;

bool failing(const std::string& status) {
  return status == "fail" || status == "error";
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

std::set<std::string> check_ids(const json& record) {
  std::set<std::string> out;
  for (const auto& host : record["hosts"]) {
    for (const auto& result : host["results"]) {
      out.insert(result["check_id"].get<std::string>());
    }
  }
  return out;
}

} // namespace

json diff_records(const json& old_record, const json& new_record) {
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
    std::map<std::string, std::string> old_status;
    for (const auto& result : before["results"]) {
      old_status[result["check_id"].get<std::string>()] = result["status"].get<std::string>();
    }
    for (const auto& result : (*host)["results"]) {
      const auto id = result["check_id"].get<std::string>();
      const auto found = old_status.find(id);
      if (found == old_status.end()) {
        continue; // a new check: listed below
      }
      const auto now = result["status"].get<std::string>();
      const json entry = {{"host", name},
                          {"check_id", id},
                          {"title", result.value("title", "")},
                          {"from", found->second},
                          {"to", now}};
      if (failing(now) && !failing(found->second)) {
        out["newly_failing"].push_back(entry);
      } else if (now == "pass" && failing(found->second)) {
        out["newly_passing"].push_back(entry);
      }
    }
  }
  for (const auto& [name, _] : old_hosts) {
    if (new_hosts.count(name) == 0) {
      out["vanished_hosts"].push_back(name);
    }
  }
  const auto old_checks = check_ids(old_record);
  const auto new_checks = check_ids(new_record);
  out["new_checks"] = json::array();
  out["removed_checks"] = json::array();
  for (const auto& id : new_checks) {
    if (old_checks.count(id) == 0) {
      out["new_checks"].push_back(id);
    }
  }
  for (const auto& id : old_checks) {
    if (new_checks.count(id) == 0) {
      out["removed_checks"].push_back(id);
    }
  }
  json safeguards = json::object();
  const auto& old_scores = old_record["scores"]["safeguards"];
  const auto& new_scores = new_record["scores"]["safeguards"];
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
  out["safeguards"] = safeguards;
  const auto old_ig1 = old_record["scores"]["ig1"].value("score", json());
  const auto new_ig1 = new_record["scores"]["ig1"].value("score", json());
  out["ig1"] = {{"old", old_ig1}, {"new", new_ig1}, {"delta", delta(old_ig1, new_ig1)}};
  return out;
}

std::string diff_text(const json& diff) {
  std::ostringstream out;
  const auto show = [](const json& v) { return v.is_null() ? std::string("n/a") : v.dump(); };
  out << "cisscan diff " << diff["old_run"].get<std::string>() << " -> "
      << diff["new_run"].get<std::string>() << "\n";
  out << "IG1 score: " << show(diff["ig1"]["old"]) << " -> " << show(diff["ig1"]["new"]) << " ("
      << show(diff["ig1"]["delta"]) << ")\n";
  const auto list = [&](const char* key, const char* title) {
    const auto& items = diff[key];
    out << title << ": " << items.size() << "\n";
    for (const auto& item : items) {
      if (item.is_string()) {
        out << "  " << item.get<std::string>() << "\n";
      } else if (item.contains("check_id")) {
        out << "  " << item["host"].get<std::string>() << "  "
            << item["check_id"].get<std::string>() << "  " << item["from"].get<std::string>()
            << " -> " << item["to"].get<std::string>() << "\n";
      } else {
        out << "  " << item["host"].get<std::string>() << "  " << item["old"].get<std::string>()
            << " -> " << item["new"].get<std::string>() << "\n";
      }
    }
  };
  list("newly_failing", "Newly failing");
  list("newly_passing", "Newly passing");
  list("new_hosts", "New hosts");
  list("vanished_hosts", "Vanished hosts");
  list("host_key_changed", "Host keys changed");
  list("new_checks", "New checks");
  list("removed_checks", "Removed checks");
  out << "Safeguard scores changed: " << diff["safeguards"].size() << "\n";
  for (const auto& [id, change] : diff["safeguards"].items()) {
    out << "  " << id << "  " << show(change["old"]) << " -> " << show(change["new"]) << "\n";
  }
  return out.str();
}

} // namespace cisscan
