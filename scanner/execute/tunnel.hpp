// One direct-tcpip channel through a bastion and the scanner's end of the socket pair that the
// host's own SSH session uses: the bytes each way, moved by the bastion's forwarder thread
// (execute/jump.cpp) only when one side has something for the other.
#pragma once

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <string>

namespace cisscan {

class Tunnel {
public:
  // Takes `channel` (open) and `fd` (the forwarder's end of the pair); libssh tells the tunnel
  // when the bastion delivers anything for it, so an idle tunnel costs nothing.
  Tunnel(ssh_channel channel, int fd);
  ~Tunnel();
  Tunnel(const Tunnel&) = delete;
  Tunnel& operator=(const Tunnel&) = delete;

  // Moves what each side has ready for the other, without waiting. True when anything moved
  // or ended; false when the tunnel is waiting on its socket or on the bastion.
  bool pump();
  // Whether libssh delivered anything for this tunnel (data, end, room in the channel's
  // window) since its last pump: delivered while another tunnel was being served, it is in
  // libssh's buffers already, and no readable socket will announce it.
  bool stirred() const { return m_stirred; }
  bool done() const { return m_done; }
  int fd() const { return m_fd; }
  // What the forwarder waits for on the socket: readable while there is room to take more,
  // writable while bytes wait for it.
  short events() const;

private:
  bool from_socket();
  bool from_channel();
  static void stir(void* self); // libssh delivered something for the tunnel (channel_bell.hpp)

  ssh_channel m_channel;
  int m_fd;
  ssh_channel_callbacks_struct m_callbacks{};
  std::string m_to_channel; // read from the socket, not yet written to the channel
  std::string m_to_socket;  // read from the channel, not yet written to the socket
  bool m_stirred = true;    // a new tunnel is served at once
  bool m_socket_eof = false;
  bool m_channel_eof_sent = false;
  bool m_socket_shut = false;
  bool m_done = false;
};

} // namespace cisscan
