// Runs commands on this machine with /bin/sh, through pipes.
#include "execute/transport.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace cisscan {

namespace {

constexpr size_t k_stderr_cap = 4096;

class LocalChannel : public Channel {
public:
  LocalChannel(pid_t pid, int in, int out, int err, std::chrono::steady_clock::time_point deadline,
               TransportStats& stats)
      : m_pid(pid), m_in(in), m_out(out), m_err(err), m_deadline(deadline), m_stats(stats) {}

  ~LocalChannel() override {
    close_fd(m_in);
    close_fd(m_out);
    close_fd(m_err);
    if (m_pid > 0) {
      kill(-m_pid, SIGKILL);
      waitpid(m_pid, nullptr, 0);
    }
  }

  PumpState pump(std::string_view input, bool close_input, const OutputSink& sink,
                 const std::function<bool()>& done) override {
    size_t written = 0;
    char buffer[65536];
    while (m_out >= 0 || m_err >= 0) {
      if (written == input.size() && close_input) {
        close_fd(m_in);
      }
      if (done()) {
        return PumpState::done;
      }
      pollfd fds[3];
      nfds_t n = 0;
      if (m_out >= 0) {
        fds[n++] = {m_out, POLLIN, 0};
      }
      if (m_err >= 0) {
        fds[n++] = {m_err, POLLIN, 0};
      }
      if (m_in >= 0 && written < input.size()) {
        fds[n++] = {m_in, POLLOUT, 0};
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            m_deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0) {
        m_result.timed_out = true;
        return PumpState::timed_out;
      }
      const int ready = poll(fds, n, static_cast<int>(std::min<long long>(left, 1000)));
      if (ready < 0 && errno != EINTR) {
        m_result.error = std::string("poll: ") + std::strerror(errno);
        return PumpState::failed;
      }
      for (nfds_t i = 0; i < n; ++i) {
        if (fds[i].revents == 0) {
          continue;
        }
        if (fds[i].fd == m_in) {
          const auto w = write(m_in, input.data() + written, input.size() - written);
          if (w > 0) {
            written += static_cast<size_t>(w);
            m_stats.bytes_out += w;
          } else if (w < 0 && errno != EAGAIN) {
            // The command stopped reading: nothing more to send.
            written = input.size();
            close_fd(m_in);
          }
          continue;
        }
        const auto r = read(fds[i].fd, buffer, sizeof(buffer));
        if (r <= 0) {
          if (r == 0 || errno != EAGAIN) {
            close_fd(fds[i].fd == m_out ? m_out : m_err);
          }
          continue;
        }
        m_stats.bytes_in += r;
        if (fds[i].fd == m_out) {
          sink(std::string_view(buffer, static_cast<size_t>(r)));
        } else if (m_result.stderr_text.size() < k_stderr_cap) {
          m_result.stderr_text.append(
              buffer,
              std::min<size_t>(static_cast<size_t>(r), k_stderr_cap - m_result.stderr_text.size()));
        }
      }
    }
    return done() ? PumpState::done : PumpState::ended;
  }

  ExecResult finish() override {
    if (m_finished) {
      return m_result;
    }
    m_finished = true;
    close_fd(m_in);
    if (m_result.timed_out) {
      kill(-m_pid, SIGKILL);
    }
    int status = 0;
    waitpid(m_pid, &status, 0);
    m_pid = -1;
    m_result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    m_result.ok = !m_result.timed_out && m_result.error.empty();
    return m_result;
  }

private:
  static void close_fd(int& fd) {
    if (fd >= 0) {
      close(fd);
      fd = -1;
    }
  }

  pid_t m_pid;
  int m_in;
  int m_out;
  int m_err;
  std::chrono::steady_clock::time_point m_deadline;
  TransportStats& m_stats;
  ExecResult m_result;
  bool m_finished = false;
};

class LocalTransport : public Transport {
public:
  explicit LocalTransport(TransportOptions options)
      : m_options(std::move(options)),
        m_deadline(std::chrono::steady_clock::now() +
                   std::chrono::seconds(m_options.host_timeout_seconds)) {}

  ConnectResult connect() override { return {}; }

  std::unique_ptr<Channel> open(const std::string& command, std::string& error) override {
    int in[2];
    int out[2];
    int err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
      error = std::string("pipe: ") + std::strerror(errno);
      return nullptr;
    }
    const pid_t pid = fork();
    if (pid < 0) {
      error = std::string("fork: ") + std::strerror(errno);
      return nullptr;
    }
    if (pid == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      dup2(err[1], 2);
      setpgid(0, 0);
      signal(SIGPIPE, SIG_DFL); // the scanner ignores it; the host's commands must not
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ++m_stats.channels;
    close(in[0]);
    close(out[1]);
    close(err[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    return std::make_unique<LocalChannel>(pid, in[1], out[0], err[0], m_deadline, m_stats);
  }

  TransportStats stats() const override { return m_stats; }

private:
  TransportOptions m_options;
  std::chrono::steady_clock::time_point m_deadline;
  TransportStats m_stats;
};

} // namespace

std::unique_ptr<Transport> make_local_transport(const HostSpec& /*host*/,
                                                const TransportOptions& options) {
  signal(SIGPIPE, SIG_IGN);
  return std::make_unique<LocalTransport>(options);
}

} // namespace cisscan
