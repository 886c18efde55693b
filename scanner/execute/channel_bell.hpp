// A channel that shares its SSH session with others (the hosts behind a bastion, the guests of a
// Proxmox VE node) can have its data read off the socket while another channel is being served:
// it then sits in libssh's buffers, and no readable socket announces it. libssh's channel
// callbacks run whenever the session takes anything for the channel, in whichever thread reads;
// ring_on_delivery sets them to call `Ring(self)` then, so the channel's owner can sleep until
// its socket or its bell wakes it instead of looking on a clock.
#pragma once

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <cstdint>

#include <sys/eventfd.h>
#include <unistd.h>

namespace cisscan {

// What wakes a thread asleep in poll (an eventfd): rung from any thread or from a callback,
// drained by the sleeper once poll says it rang.
class Bell {
public:
  Bell() : m_fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~Bell() {
    if (m_fd >= 0) {
      close(m_fd);
    }
  }
  Bell(const Bell&) = delete;
  Bell& operator=(const Bell&) = delete;

  int fd() const { return m_fd; }
  void ring() const {
    const uint64_t one = 1;
    [[maybe_unused]] const auto n = write(m_fd, &one, sizeof one);
  }
  void drain() const {
    uint64_t count = 0;
    [[maybe_unused]] const auto n = read(m_fd, &count, sizeof count);
  }

private:
  int m_fd;
};

// Fills `callbacks` (which must outlive its use: remove them with ssh_remove_channel_callbacks
// before the channel is freed) and sets them on `channel`. Data is left in the channel's buffer
// for the owner to read.
template <void (*Ring)(void*)>
void ring_on_delivery(ssh_channel channel, ssh_channel_callbacks_struct& callbacks, void* self) {
  callbacks = {};
  callbacks.userdata = self;
  callbacks.channel_data_function = [](ssh_session, ssh_channel, void*, uint32_t, int, void* s) {
    Ring(s);
    return 0;
  };
  callbacks.channel_eof_function = [](ssh_session, ssh_channel, void* s) { Ring(s); };
  callbacks.channel_close_function = [](ssh_session, ssh_channel, void* s) { Ring(s); };
  callbacks.channel_exit_status_function = [](ssh_session, ssh_channel, int, void* s) { Ring(s); };
  callbacks.channel_write_wontblock_function = [](ssh_session, ssh_channel, uint32_t, void* s) {
    Ring(s);
    return 0;
  };
  ssh_callbacks_init(&callbacks);
  ssh_set_channel_callbacks(channel, &callbacks);
}

} // namespace cisscan
