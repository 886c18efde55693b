#include "history/run_rows.hpp"

namespace cisscan::run_rows {

namespace {

using cisscan::json;

SqlValue text_or_null(const json& value) {
  if (value.is_null()) {
    return std::nullopt;
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

} // namespace

SqlRow run_row(const json& run, const json& scores) {
  return {text_or_null(run["id"]),
          text_or_null(run["started_at"]),
          text_or_null(run["finished_at"]),
          text_or_null(run["scanner_version"]),
          text_or_null(run["catalog_digest"]),
          text_or_null(run.value("operator", json())),
          text_or_null(run.value("inventory_source", json())),
          text_or_null(scores["ig1"]["score"]),
          text_or_null(scores["ig1"]["assessed"]),
          text_or_null(scores["hosts_in_scope"]),
          text_or_null(scores["hosts_scanned"]),
          std::string()};
}

void add_host(const json& host, const std::string& run_id, const json& score,
              const HostKeys& previous_keys, HostRows& rows) {
  const auto name = host["name"].get<std::string>();
  const auto key = host["identity"]["host_key_sha256"];
  const auto previous = previous_keys.find(name);
  const bool changed = key.is_string() && previous != previous_keys.end() &&
                       previous->second != key.get<std::string>();
  const auto host_ig1 = score.is_object() ? score["ig1"]["score"] : json();
  rows.hosts.push_back({run_id, name, text_or_null(host["address"]), text_or_null(key),
                        text_or_null(host["identity"]["machine_id"]), text_or_null(host["status"]),
                        text_or_null(host["reason"]), text_or_null(host_ig1), changed ? "1" : "0"});
  for (const auto& result : host["results"]) {
    std::string safeguards;
    for (const auto& s : result["safeguards"]) {
      safeguards += (safeguards.empty() ? "" : ",") + s.get<std::string>();
    }
    rows.results.push_back(
        {run_id, name, text_or_null(result["check_id"]), text_or_null(result["status"]),
         text_or_null(result.value("original_status", json())), text_or_null(result["title"]),
         safeguards, text_or_null(result["benchmark"].value("ref", json()))});
  }
}

std::vector<SqlRow> score_rows(const std::string& run_id, const json& scores) {
  std::vector<SqlRow> rows;
  for (const auto& [id, tally] : scores["safeguards"].items()) {
    rows.push_back({run_id, id, text_or_null(tally["score"]), text_or_null(tally["state"]),
                    text_or_null(tally["counts"]["pass"]), text_or_null(tally["counts"]["fail"]),
                    text_or_null(tally["counts"]["error"])});
  }
  return rows;
}

size_t part_length(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) {
    return text.size();
  }
  size_t cut = max_bytes;
  // Back off the continuation bytes (10xxxxxx) of a character the cut would split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return cut > 0 ? cut : max_bytes;
}

} // namespace cisscan::run_rows
