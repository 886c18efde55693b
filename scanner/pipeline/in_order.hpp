// Hosts handed on in record order, whatever order they end in (the assessment's waiver matches,
// findings and fleet scores follow the record's order), each as its record entry. A host that
// ends before those ahead of it waits until they have ended: as its run (a few hundred KB; its
// record tree is ~1.7 MB) while at most k_held others do, else as its record text in a spool, so
// that one slow host early in the inventory does not make the fleet wait in memory.
#pragma once

#include "pipeline/run.hpp"
#include "pipeline/scan.hpp"
#include "record/host_spool.hpp"

#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace cisscan {

class InRecordOrder {
public:
  using Consume = std::function<void(size_t index, HostRecordEntry& entry)>;
  // With `lean`, the entries `consume` gets are lean (record_entry): it writes them to a
  // HostSpool made with the same members. One read back from the spool is whole.
  InRecordOrder(size_t count, Consume consume, const ResultMembers* lean = nullptr);

  // Called once per index, from any thread. `consume` runs under a lock, in index order, on the
  // thread that completed the run of hosts ahead, with the host's entry (record_entry). Never
  // throws: what `consume` or the entry's making throws is kept for rethrow().
  void done(size_t index, HostRun run);
  // Throws the first error `consume` threw, if any; call after the last done().
  void rethrow() const;

private:
  // `run`, or the spool's text of the host when null.
  void consume(size_t index, const HostRun* run);

  static constexpr size_t k_held = 16;

  Consume m_consume;
  const ResultMembers* m_lean;
  std::map<size_t, HostRun> m_held; // waiting in memory
  HostSpool m_waiting;              // waiting on disk
  std::vector<bool> m_ended;
  size_t m_next = 0;
  std::exception_ptr m_error;
  std::mutex m_mutex;
};

} // namespace cisscan
