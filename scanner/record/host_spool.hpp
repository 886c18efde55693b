// The hosts of a scan, each written as its record text to an unnamed temporary file as it ends
// and read back one at a time: a fleet's finished hosts take disk, not memory (issue 11). With a
// host go its gaps (what the gate reads) and its entry of the record's scores.hosts. Where the
// file cannot be written (a full disk), a host's texts are kept in memory instead: no host that
// was scanned is lost.
#pragma once

#include "model/assessed_results.hpp"
#include "record/hosts.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace cisscan {

class HostSpool final : public HostSource {
public:
  // Room for `count` hosts, put in any order by their index in the record. The file is made in
  // the temporary folder ($TMPDIR) and unlinked at once, so it is gone when the process is.
  explicit HostSpool(size_t count);
  ~HostSpool() override;
  HostSpool(const HostSpool&) = delete;
  HostSpool& operator=(const HostSpool&) = delete;

  // What is kept of one host, as compact JSON text.
  struct Texts {
    std::string_view host;  // its record entry
    std::string_view gaps;  // gaps_text
    std::string_view score; // its entry of scores.hosts, or empty (a record's own, not a scan's)
  };
  // Stores host `index` (from any thread; each index once).
  void put(size_t index, const cisscan::json& host, const cisscan::json& score = nullptr);
  // The same from its texts.
  void put_text(size_t index, const std::string& name, const Texts& texts);
  // Stores a host after the last one there is room for (a spool made for 0 hosts and filled by
  // a reader that learns their number as it goes: `cisscan merge` and `report`).
  void append(const cisscan::json& host, const cisscan::json& score);

  size_t size() const override { return m_slots.size(); }
  // Host `index` read back (null when it was never put).
  cisscan::json at(size_t index) const override;
  // Reads, after the last put; a slot never put is read as null.
  void each(const std::function<void(const cisscan::json& host)>& fn) const override;
  void each_text(const std::function<void(std::string_view text)>& fn) const override;
  void each_gaps(const std::function<void(const cisscan::json& host)>& fn) const override;
  // The scores are held here when the hosts were put with them (a scan puts every host's).
  bool holds_scores() const override;
  void each_score_text(const ScoreTextSink& fn) const override;
  void each_scored(const cisscan::json& record, const ScoredSink& fn) const override;

private:
  enum Part { host_part, gaps_part, score_part, part_count };
  struct Slot {
    std::string name;
    size_t offset = 0; // its parts one after another in the file
    size_t length[part_count] = {};
    bool put = false;
    bool on_disk = false;
    std::string kept[part_count]; // when the file could not take them
  };
  // A part of the slot, read into `buffer` where it is on disk (grown, never shrunk: a fleet's
  // hosts are read through one buffer instead of zeroing a new one for each). A host never put
  // reads as "null".
  std::string_view read_into(const Slot& slot, Part part, std::string& buffer) const;
  // Each slot's part, in record order.
  void each_part(Part part, const std::function<void(std::string_view text)>& fn) const;

  int m_fd = -1;
  size_t m_end = 0;
  std::vector<Slot> m_slots;
  mutable std::mutex m_mutex;
};

// The host's name and status, and its fail and error results with their check_id, status and
// safeguards, as compact JSON text (each_gaps): of `host`, with `results` its results.
std::string gaps_text(const cisscan::json& host, const ResultsView& results);

} // namespace cisscan
