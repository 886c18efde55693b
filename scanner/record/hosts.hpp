// A record's hosts, read one at a time in record order, wherever they are held: in the record's
// own "hosts" array, or in the spool a scan writes each host to as it ends (record/host_spool.hpp),
// so that a fleet's reports need not hold every host at once; with them, in the spool, each
// host's entry of the record's scores.hosts. Header only: the renderers (reports/) read hosts
// through it.
#pragma once

#include "util/json.hpp"
#include "util/json_text.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cisscan {

class HostSource {
public:
  virtual ~HostSource() = default;
  virtual size_t size() const = 0;
  // Calls `fn` with each host in record order; the host lives for the call only.
  virtual void each(const std::function<void(const cisscan::json& host)>& fn) const = 0;
  // Each host's compact JSON text, as the record file holds it (invalid UTF-8 replaced).
  virtual void each_text(const std::function<void(std::string_view text)>& fn) const {
    each([&](const cisscan::json& host) { fn(host_text(host)); });
  }
  // Each host with at least its name and status, and its gap results (fail, error) with at least
  // their check_id, status and safeguards; other members may be missing (what the gate reads).
  virtual void each_gaps(const std::function<void(const cisscan::json& host)>& fn) const {
    each(fn);
  }
  // The record's own "hosts" array when the hosts are held in memory with it, else null.
  virtual const cisscan::json* array() const { return nullptr; }
  // Host `index` alone (for a reader that holds less of each host and reads one again whole).
  // This default walks every host: a source read that way (the spool) reads it directly.
  virtual cisscan::json at(size_t index) const {
    cisscan::json found;
    size_t i = 0;
    each([&](const cisscan::json& host) {
      if (i++ == index) {
        found = host;
      }
    });
    return found;
  }

  // Whether the hosts' entries of the record's scores.hosts are held here, not in the record
  // (whose scores.hosts is then an empty object).
  virtual bool holds_scores() const { return false; }
  // Those entries as compact JSON text with each host's name, in the object's order (by name).
  using ScoreTextSink = std::function<void(const std::string& name, std::string_view text)>;
  virtual void each_score_text(const ScoreTextSink& /*fn*/) const {}
  // Each host, as each(), with its entry of scores.hosts (null when it has none): from here when
  // held here, else from `record`.
  using ScoredSink = std::function<void(const cisscan::json& host, const cisscan::json& score)>;
  virtual void each_scored(const cisscan::json& record, const ScoredSink& fn) const {
    static const cisscan::json none;
    const auto* entries = scores_of(record);
    each([&](const cisscan::json& host) {
      const auto name = host.is_object() ? host.find("name") : host.end();
      if (entries == nullptr || name == host.end() || !name->is_string()) {
        fn(host, none);
        return;
      }
      const auto entry = entries->find(name->get_ref<const std::string&>());
      fn(host, entry != entries->end() ? *entry : none);
    });
  }

  static std::string host_text(const cisscan::json& host) { return util::compact_json(host); }
  // The record's scores.hosts object, or null.
  static const cisscan::json* scores_of(const cisscan::json& record) {
    if (!record.is_object() || !record.contains("scores") || !record["scores"].is_object()) {
      return nullptr;
    }
    const auto& scores = record["scores"];
    const auto hosts = scores.find("hosts");
    return hosts != scores.end() && hosts->is_object() ? &*hosts : nullptr;
  }
};

// The hosts of a record held whole: its "hosts" array (none when it has no such array).
class RecordHosts final : public HostSource {
public:
  explicit RecordHosts(const cisscan::json& record)
      : m_hosts(record.is_object() && record.contains("hosts") && record["hosts"].is_array()
                    ? &record["hosts"]
                    : nullptr) {}
  size_t size() const override { return m_hosts != nullptr ? m_hosts->size() : 0; }
  void each(const std::function<void(const cisscan::json& host)>& fn) const override {
    if (m_hosts != nullptr) {
      for (const auto& host : *m_hosts) {
        fn(host);
      }
    }
  }
  const cisscan::json* array() const override { return m_hosts; }

private:
  const cisscan::json* m_hosts;
};

// Whether `hosts` are the record's own: its "hosts" array.
inline bool holds_hosts(const cisscan::json& record, const HostSource& hosts) {
  const auto own = record.is_object() ? record.find("hosts") : record.end();
  return own != record.end() && hosts.array() == &*own;
}

// The record with its hosts in its "hosts" array: `record` itself when they are already there,
// else a copy with the hosts read into it, kept in `storage` (the tests compare a spooled run
// with the same run held whole through it).
inline const cisscan::json& whole_record(const cisscan::json& record, const HostSource& hosts,
                                         std::optional<cisscan::json>& storage) {
  if (holds_hosts(record, hosts)) {
    return record;
  }
  storage = record;
  auto& list = (*storage)["hosts"] = cisscan::json::array();
  hosts.each([&](const cisscan::json& host) { list.push_back(host); });
  if (hosts.holds_scores()) {
    auto& entries = (*storage)["scores"]["hosts"] = cisscan::json::object();
    hosts.each_score_text([&](const std::string& name, std::string_view text) {
      entries[name] = cisscan::json::parse(text);
    });
  }
  return *storage;
}

} // namespace cisscan
