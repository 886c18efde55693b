#include "execute/tunnel.hpp"

#include "execute/channel_bell.hpp"

#include <algorithm>
#include <cerrno>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cisscan {

namespace {

constexpr size_t k_chunk = 32 * 1024;
constexpr size_t k_buffered = 256 * 1024; // per direction, before reading that side pauses

bool would_block() {
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

} // namespace

Tunnel::Tunnel(ssh_channel channel, int fd) : m_channel(channel), m_fd(fd) {
  ring_on_delivery<&Tunnel::stir>(m_channel, m_callbacks, this);
}

Tunnel::~Tunnel() {
  close(m_fd);
  ssh_remove_channel_callbacks(m_channel, &m_callbacks);
  ssh_channel_close(m_channel);
  ssh_channel_free(m_channel);
}

void Tunnel::stir(void* self) {
  static_cast<Tunnel*>(self)->m_stirred = true;
}

short Tunnel::events() const {
  const bool take = !m_socket_eof && m_to_channel.size() < k_buffered;
  return static_cast<short>((take ? POLLIN : 0) | (m_to_socket.empty() ? 0 : POLLOUT));
}

bool Tunnel::pump() {
  m_stirred = false;
  const bool in = from_socket();
  const bool out = from_channel();
  return in || out;
}

bool Tunnel::from_socket() {
  bool moved = false;
  char buffer[k_chunk];
  if (!m_socket_eof && m_to_channel.size() < k_buffered) {
    const auto n = recv(m_fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n > 0) {
      m_to_channel.append(buffer, static_cast<size_t>(n));
      moved = true;
    } else if (n == 0 || !would_block()) {
      m_socket_eof = moved = true;
    }
  }
  if (!m_to_channel.empty()) {
    const size_t n =
        std::min<size_t>({ssh_channel_window_size(m_channel), m_to_channel.size(), k_chunk});
    if (n > 0) {
      const int w = ssh_channel_write(m_channel, m_to_channel.data(), static_cast<uint32_t>(n));
      if (w < 0) {
        return m_done = true;
      }
      m_to_channel.erase(0, static_cast<size_t>(w));
      moved = moved || w > 0;
    }
  }
  if (m_socket_eof && m_to_channel.empty() && !m_channel_eof_sent) {
    ssh_channel_send_eof(m_channel);
    m_channel_eof_sent = moved = true;
  }
  return moved;
}

bool Tunnel::from_channel() {
  bool moved = false;
  char buffer[k_chunk];
  if (m_to_socket.size() < k_buffered) {
    const int r = ssh_channel_read_nonblocking(m_channel, buffer, sizeof(buffer), 0);
    if (r == SSH_ERROR) {
      return m_done = true;
    }
    if (r > 0) {
      m_to_socket.append(buffer, static_cast<size_t>(r));
      moved = true;
    }
  }
  if (!m_to_socket.empty()) {
    const auto n = send(m_fd, m_to_socket.data(), m_to_socket.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      m_to_socket.erase(0, static_cast<size_t>(n));
      moved = true;
    } else if (n < 0 && !would_block()) {
      return m_done = true;
    }
  }
  const bool channel_ended = ssh_channel_is_eof(m_channel) || ssh_channel_is_closed(m_channel);
  if (channel_ended && m_to_socket.empty() && !m_socket_shut) {
    shutdown(m_fd, SHUT_WR);
    m_socket_shut = moved = true;
  }
  if (m_socket_shut && m_socket_eof) {
    m_done = moved = true;
  }
  return moved;
}

} // namespace cisscan
