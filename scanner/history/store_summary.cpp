// A stored run as `cisscan diff` reads it (HistoryStore::summary_record, digest): from the
// store's tables, with each check's definition hash read from the stored text a host at a time.
#include "history/store.hpp"

#include "record/record.hpp"
#include "util/files.hpp"

#include <fstream>
#include <map>
#include <stdexcept>
#include <utility>

namespace cisscan {

namespace {

using cisscan::json;

json text_value(const SqlValue& value) {
  return value ? json(*value) : json(nullptr);
}

} // namespace

std::map<std::string, std::string> HistoryStore::check_hashes(const std::string& run_id) {
  std::map<std::string, std::string> out;
  // The text goes to a file and is read back a host at a time: a fleet's run is never held.
  const util::TempFile text("cisscan-stored");
  {
    std::ofstream file(text.path(), std::ios::binary | std::ios::trunc);
    if (!export_record(run_id, file)) {
      return out;
    }
    file.flush();
    if (!file) {
      throw std::runtime_error("cannot write run " + run_id + " to " + text.path().string());
    }
  }
  // Only each result's check_id and check_sha256 are built; the rest of the text is skipped.
  const util::KeepMember keep = [](std::string_view top, int depth, std::string_view key) {
    return (depth == 1 && key == "schema_version") ||
           (top == "hosts" && (depth == 1 || (depth == 3 && key == "results") ||
                               (depth == 5 && (key == "check_id" || key == "check_sha256"))));
  };
  stream_record(text.path(), keep, [&](const json& host) {
    for (const auto& result : util::array_member(host, "results")) {
      const auto sha = result.value("check_sha256", std::string());
      if (!sha.empty()) {
        out.emplace(result.value("check_id", std::string()), sha);
      }
    }
  });
  return out;
}

std::optional<json> HistoryStore::summary_head(const std::string& run_id) {
  const auto runs =
      m_db->query("SELECT id, started_at, ig1_score FROM runs WHERE id = $1", {run_id});
  if (runs.empty()) {
    return std::nullopt;
  }
  const auto number = [](const SqlValue& v) { return v ? json(std::stod(*v)) : json(nullptr); };
  json record;
  record["run"] = {{"id", *runs[0][0]}, {"started_at", *runs[0][1]}};
  record["scores"] = {{"ig1", {{"score", number(runs[0][2])}}}, {"safeguards", json::object()}};
  for (const auto& row :
       m_db->query("SELECT safeguard, score FROM scores WHERE run_id = $1", {run_id})) {
    record["scores"]["safeguards"][*row[0]] = {{"score", number(row[1])}};
  }
  record["hosts"] = json::array();
  for (const auto& row : m_db->query(
           "SELECT name, host_key_sha256, status FROM hosts WHERE run_id = $1 ORDER BY name",
           {run_id})) {
    record["hosts"].push_back({{"name", *row[0]},
                               {"status", *row[2]},
                               {"identity", {{"host_key_sha256", text_value(row[1])}}},
                               {"results", json::array()}});
  }
  return record;
}

json HistoryStore::summary_results(const std::string& run_id, const std::string& host,
                                   const std::map<std::string, std::string>& hashes) {
  json results = json::array();
  for (const auto& row :
       m_db->query("SELECT check_id, status, title FROM results WHERE run_id = $1 AND host = $2",
                   {run_id, host})) {
    const auto sha = hashes.find(*row[0]);
    results.push_back({{"check_id", *row[0]},
                       {"status", *row[1]},
                       {"title", row[2].value_or("")},
                       {"check_sha256", sha != hashes.end() ? sha->second : std::string()}});
  }
  return results;
}

std::optional<RunDigest> HistoryStore::digest(const std::string& run_id) {
  auto head = summary_head(run_id);
  if (!head) {
    return std::nullopt;
  }
  auto hosts = std::exchange((*head)["hosts"], json::array());
  auto digest = digest_of(*head); // the run and its scores
  const auto hashes = check_hashes(run_id);
  for (auto& host : hosts) { // one host's results at a time
    host["results"] = summary_results(run_id, host["name"].get<std::string>(), hashes);
    digest.add_host(host);
    host["results"] = json::array();
  }
  return digest;
}

std::optional<json> HistoryStore::summary_record(const std::string& run_id) {
  auto record = summary_head(run_id);
  if (!record) {
    return std::nullopt;
  }
  const auto hashes = check_hashes(run_id);
  for (auto& host : (*record)["hosts"]) {
    host["results"] = summary_results(run_id, host["name"].get<std::string>(), hashes);
  }
  return record;
}

} // namespace cisscan
