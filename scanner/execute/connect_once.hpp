// Sessions shared by key (bastions, Proxmox VE nodes): each is connected once, by the first
// caller that needs it, while the others with the same key wait; every caller then gets that
// session, or the reason it could not be had.
#pragma once

#include "execute/transport.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace cisscan {

template <typename Session> class ConnectOnce {
public:
  struct Slot {
    std::shared_ptr<Session> session; // null when the connection failed
    ConnectResult failure;
  };

  // The slot of `key`, filled by `connect` if no caller did before. The slot stays where it is
  // for the life of this object and is not changed again (but by drop_all).
  const Slot& get(const std::string& key, const std::function<void(Slot&)>& connect) {
    std::shared_ptr<Entry> entry;
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      auto& found = m_entries[key];
      if (!found) {
        found = std::make_shared<Entry>();
      }
      entry = found;
    }
    const std::lock_guard<std::mutex> lock(entry->mutex);
    if (!entry->tried) {
      entry->tried = true;
      connect(entry->slot);
    }
    return entry->slot;
  }

  // Drops every session, the greatest key first (a bastion reached through another has the
  // longer key and must go first).
  void drop_all() {
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
      it->second->slot.session.reset();
    }
  }

private:
  struct Entry {
    std::mutex mutex;
    bool tried = false;
    Slot slot;
  };
  std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<Entry>> m_entries;
};

} // namespace cisscan
