// Runs commands on this machine with /bin/sh, through pipes.
#include "execute/transport.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace cisscan {

namespace {

constexpr size_t k_stderr_cap = 4096;

class LocalTransport : public Transport {
public:
  explicit LocalTransport(TransportOptions options) : m_options(std::move(options)) {}

  ConnectResult connect() override { return {}; }

  ExecResult exec(const std::string& command, const std::string& input,
                  const OutputSink& sink) override {
    ExecResult result;
    int in[2];
    int out[2];
    int err[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
      result.error = std::string("pipe: ") + std::strerror(errno);
      return result;
    }
    const pid_t pid = fork();
    if (pid < 0) {
      result.error = std::string("fork: ") + std::strerror(errno);
      return result;
    }
    if (pid == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      dup2(err[1], 2);
      setpgid(0, 0);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ++m_stats.channels;
    close(in[0]);
    close(out[1]);
    close(err[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    size_t written = 0;
    bool in_open = true;
    bool out_open = true;
    bool err_open = true;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(m_options.host_timeout_seconds);
    char buffer[65536];
    while (out_open || err_open) {
      if (in_open && written == input.size()) {
        close(in[1]);
        in_open = false;
      }
      pollfd fds[3];
      nfds_t n = 0;
      if (out_open) {
        fds[n++] = {out[0], POLLIN, 0};
      }
      if (err_open) {
        fds[n++] = {err[0], POLLIN, 0};
      }
      if (in_open) {
        fds[n++] = {in[1], POLLOUT, 0};
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0) {
        result.timed_out = true;
        kill(-pid, SIGKILL);
        break;
      }
      const int ready = poll(fds, n, static_cast<int>(std::min<long long>(left, 1000)));
      if (ready < 0 && errno != EINTR) {
        break;
      }
      for (nfds_t i = 0; i < n; ++i) {
        if (fds[i].revents == 0) {
          continue;
        }
        if (fds[i].fd == in[1]) {
          const auto w = write(in[1], input.data() + written, input.size() - written);
          if (w > 0) {
            written += static_cast<size_t>(w);
            m_stats.bytes_out += w;
          } else if (w < 0 && errno != EAGAIN) {
            close(in[1]);
            in_open = false;
          }
          continue;
        }
        const auto r = read(fds[i].fd, buffer, sizeof(buffer));
        if (r <= 0) {
          if (r == 0 || errno != EAGAIN) {
            close(fds[i].fd);
            (fds[i].fd == out[0] ? out_open : err_open) = false;
          }
          continue;
        }
        m_stats.bytes_in += r;
        if (fds[i].fd == out[0]) {
          sink(std::string_view(buffer, static_cast<size_t>(r)));
        } else if (result.stderr_text.size() < k_stderr_cap) {
          result.stderr_text.append(buffer, std::min<size_t>(static_cast<size_t>(r),
                                                             k_stderr_cap -
                                                                 result.stderr_text.size()));
        }
      }
    }
    if (in_open) {
      close(in[1]);
    }
    if (out_open) {
      close(out[0]);
    }
    if (err_open) {
      close(err[0]);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.ok = !result.timed_out;
    return result;
  }

  TransportStats stats() const override { return m_stats; }

private:
  TransportOptions m_options;
  TransportStats m_stats;
};

} // namespace

std::unique_ptr<Transport> make_local_transport(const HostSpec& /*host*/,
                                                const TransportOptions& options) {
  signal(SIGPIPE, SIG_IGN);
  return std::make_unique<LocalTransport>(options);
}

} // namespace cisscan
