// The hosts of a scan, each written as its record text to an unnamed temporary file as it ends
// and read back one at a time: a fleet's finished hosts take disk, not memory (issue 11). Where
// the file cannot be written (a full disk), a host's text is kept in memory instead: no host that
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

  // Stores host `index` (from any thread; each index once).
  void put(size_t index, const cisscan::json& host);
  // The same from the host's compact JSON text and its gaps_text.
  void put_text(size_t index, std::string_view text, std::string gaps);

  size_t size() const override { return m_slots.size(); }
  // Host `index` read back (null when it was never put).
  cisscan::json at(size_t index) const;
  // Reads, after the last put; a slot never put is read as null.
  void each(const std::function<void(const cisscan::json& host)>& fn) const override;
  void each_text(const std::function<void(std::string_view text)>& fn) const override;
  // From memory: each host's gaps are kept beside its text, as compact JSON text (an unreachable
  // host has every check as a gap: ~25 KB of text, where a tree took ~300 KB).
  void each_gaps(const std::function<void(const cisscan::json& host)>& fn) const override;

private:
  struct Slot {
    size_t offset = 0;
    size_t length = 0;
    bool on_disk = false;
    std::string text; // when the file could not take it
    std::string gaps; // name, status and the gap results (each_gaps), as text
  };
  std::string read(const Slot& slot) const;
  // The slot's text, read into `buffer` where it is on disk (grown, never shrunk: each_text reads
  // a fleet's hosts through one buffer instead of zeroing a new one for each).
  std::string_view read_into(const Slot& slot, std::string& buffer) const;

  int m_fd = -1;
  size_t m_end = 0;
  std::vector<Slot> m_slots;
  mutable std::mutex m_mutex;
};

// The host's name and status, and its fail and error results with their check_id, status and
// safeguards, as compact JSON text (each_gaps): of `host`, with `results` its results.
std::string gaps_text(const cisscan::json& host, const ResultsView& results);

} // namespace cisscan
