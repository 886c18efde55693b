// Runs commands on a remote host over one libssh session: host key verified, key or agent auth.
#include "execute/transport.hpp"

#include "util/files.hpp"

#include <libssh/libssh.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>

namespace cisscan {

namespace {

constexpr size_t k_stderr_cap = 4096;

// known_hosts is one file shared by every host worker: update it one at a time.
std::mutex g_known_hosts_mutex;

bool contains_ci(std::string text, std::string needle) {
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  return text.find(needle) != std::string::npos;
}

class SshChannel : public Channel {
public:
  SshChannel(ssh_session session, ssh_channel channel, std::string host_name,
             std::chrono::steady_clock::time_point deadline, TransportStats& stats)
      : m_session(session), m_channel(channel), m_host_name(std::move(host_name)),
        m_deadline(deadline), m_stats(stats), m_started(std::chrono::steady_clock::now()) {}

  ~SshChannel() override { ssh_channel_free(m_channel); }

  PumpState pump(std::string_view input, bool close_input, const OutputSink& sink,
                 const std::function<bool()>& done) override {
    size_t written = 0;
    char buffer[65536];
    while (true) {
      if (std::chrono::steady_clock::now() > m_deadline) {
        m_result.timed_out = true;
        return PumpState::timed_out;
      }
      // Write only what the remote window takes, so a chatty host never deadlocks us.
      if (written < input.size()) {
        const size_t window = ssh_channel_window_size(m_channel);
        const size_t n = std::min<size_t>({window, input.size() - written, 32768});
        if (n > 0) {
          const int w = ssh_channel_write(m_channel, input.data() + written, n);
          if (w < 0) {
            m_result.error = std::string("write failed: ") + ssh_get_error(m_session);
            return PumpState::failed;
          }
          written += static_cast<size_t>(w);
          m_stats.bytes_out += w;
        }
      } else if (close_input && !m_eof_sent) {
        ssh_channel_send_eof(m_channel);
        m_eof_sent = true;
      }
      if (done()) {
        return PumpState::done;
      }
      const int wait_ms = written < input.size() ? 5 : 50;
      const int r = ssh_channel_read_timeout(m_channel, buffer, sizeof(buffer), 0, wait_ms);
      if (r == SSH_ERROR) {
        m_result.error = std::string("read failed: ") + ssh_get_error(m_session);
        return PumpState::failed;
      }
      if (r > 0) {
        m_stats.bytes_in += r;
        sink(std::string_view(buffer, static_cast<size_t>(r)));
      }
      const int e = ssh_channel_read_nonblocking(m_channel, buffer, sizeof(buffer), 1);
      if (e > 0) {
        m_stats.bytes_in += e;
        if (m_result.stderr_text.size() < k_stderr_cap) {
          m_result.stderr_text.append(
              buffer,
              std::min<size_t>(static_cast<size_t>(e), k_stderr_cap - m_result.stderr_text.size()));
        }
      }
      if (r == 0 && e <= 0 && ssh_channel_is_eof(m_channel)) {
        m_ended = true;
        return done() ? PumpState::done : PumpState::ended;
      }
    }
  }

  ExecResult finish() override {
    if (m_finished) {
      return m_result;
    }
    m_finished = true;
    if (m_ended && m_result.error.empty() && !m_result.timed_out) {
      ssh_channel_close(m_channel);
      m_result.exit_status = ssh_channel_get_exit_status(m_channel);
      m_result.ok = true;
    }
    spdlog::debug("{}: channel ran {} ms", m_host_name,
                  std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - m_started)
                      .count());
    return m_result;
  }

private:
  ssh_session m_session;
  ssh_channel m_channel;
  std::string m_host_name;
  std::chrono::steady_clock::time_point m_deadline;
  TransportStats& m_stats;
  std::chrono::steady_clock::time_point m_started;
  ExecResult m_result;
  bool m_finished = false;
  bool m_eof_sent = false;
  bool m_ended = false;
};

class SshTransport : public Transport {
public:
  SshTransport(HostSpec host, TransportOptions options)
      : m_host(std::move(host)), m_options(std::move(options)),
        m_deadline(std::chrono::steady_clock::now() +
                   std::chrono::seconds(m_options.host_timeout_seconds)) {}

  ~SshTransport() override {
    if (m_session != nullptr) {
      ssh_disconnect(m_session);
      ssh_free(m_session);
    }
  }

  ConnectResult connect() override {
    m_session = ssh_new();
    if (m_session == nullptr) {
      return {ConnectStatus::error, "cannot create an SSH session"};
    }
    const int port = m_host.port;
    const long timeout = m_options.connect_timeout_seconds;
    const int nodelay = 1;
    const bool process_config = false;
    const auto known_hosts = m_options.known_hosts.empty()
                                 ? util::expand_home("~/.ssh/known_hosts").string()
                                 : m_options.known_hosts;
    ssh_options_set(m_session, SSH_OPTIONS_HOST, m_host.address.c_str());
    ssh_options_set(m_session, SSH_OPTIONS_PORT, &port);
    ssh_options_set(m_session, SSH_OPTIONS_USER, m_host.user.c_str());
    ssh_options_set(m_session, SSH_OPTIONS_TIMEOUT, &timeout);
    ssh_options_set(m_session, SSH_OPTIONS_NODELAY, &nodelay);
    ssh_options_set(m_session, SSH_OPTIONS_PROCESS_CONFIG, &process_config);
    ssh_options_set(m_session, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
    ssh_options_set(m_session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");

    // Read the key before connecting: a missing key is this host's error, nothing is sent.
    ssh_key key = nullptr;
    if (!m_host.identity_file.empty()) {
      const auto path = util::expand_home(m_host.identity_file).string();
      if (std::ifstream probe(path); !probe) {
        return {ConnectStatus::error,
                "identity file " + path + " cannot be read: " + std::strerror(errno)};
      }
      if (ssh_pki_import_privkey_file(path.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
        return {ConnectStatus::error,
                "identity file " + path + " is not a usable private key (or has a passphrase)"};
      }
    }
    struct KeyGuard {
      ssh_key key;
      ~KeyGuard() { ssh_key_free(key); }
    } guard{key};

    const auto started = std::chrono::steady_clock::now();
    const auto elapsed_ms = [&]() {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now() - started)
          .count();
    };
    if (ssh_connect(m_session) != SSH_OK) {
      const std::string error = ssh_get_error(m_session);
      const auto status = contains_ci(error, "timeout") || contains_ci(error, "timed out")
                              ? ConnectStatus::timeout
                              : ConnectStatus::unreachable;
      return {status,
              "cannot connect to " + m_host.address + ":" + std::to_string(port) + ": " + error};
    }
    spdlog::debug("{}: connected and keys exchanged in {} ms", m_host.name, elapsed_ms());
    if (auto verdict = verify_host_key(known_hosts); verdict.status != ConnectStatus::ok) {
      return verdict;
    }
    const int rc = key != nullptr ? ssh_userauth_publickey(m_session, nullptr, key)
                                  : ssh_userauth_agent(m_session, nullptr);
    if (rc != SSH_AUTH_SUCCESS) {
      return {ConnectStatus::error,
              "authentication as " + m_host.user + " failed (" +
                  (key != nullptr ? "key " + m_host.identity_file : std::string("ssh-agent")) +
                  "): " + ssh_get_error(m_session)};
    }
    spdlog::debug("{}: authenticated as {} after {} ms", m_host.name, m_host.user, elapsed_ms());
    return {};
  }

  std::unique_ptr<Channel> open(const std::string& command, std::string& error) override;

  TransportStats stats() const override { return m_stats; }
  std::string host_key_sha256() const override { return m_fingerprint; }

private:
  ConnectResult verify_host_key(const std::string& known_hosts) {
    ssh_key server_key = nullptr;
    if (ssh_get_server_publickey(m_session, &server_key) != SSH_OK) {
      return {ConnectStatus::error, "the server sent no host key"};
    }
    unsigned char* hash = nullptr;
    size_t hash_len = 0;
    if (ssh_get_publickey_hash(server_key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) == 0) {
      char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
      m_fingerprint = text != nullptr ? text : "";
      ssh_string_free_char(text);
      ssh_clean_pubkey_hash(&hash);
    }
    ssh_key_free(server_key);
    const auto where = m_host.address + ":" + std::to_string(m_host.port);
    switch (ssh_session_is_known_server(m_session)) {
    case SSH_KNOWN_HOSTS_OK:
      return {};
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      return {ConnectStatus::error, "host key of " + where + " (" + m_fingerprint +
                                        ") does not match " + known_hosts +
                                        ": refusing to connect (possible man-in-the-middle)"};
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
      if (m_options.accept_new_host_keys) {
        const std::lock_guard<std::mutex> lock(g_known_hosts_mutex);
        if (ssh_session_update_known_hosts(m_session) != SSH_OK) {
          return {ConnectStatus::error, "cannot record the new host key of " + where + " in " +
                                            known_hosts + ": " + ssh_get_error(m_session)};
        }
        return {};
      }
      return {ConnectStatus::error, "host key of " + where + " (" + m_fingerprint + ") is not in " +
                                        known_hosts +
                                        " (use --accept-new-host-keys to trust it on first use)"};
    default:
      return {ConnectStatus::error,
              "cannot check the host key of " + where + ": " + ssh_get_error(m_session)};
    }
  }

  HostSpec m_host;
  TransportOptions m_options;
  std::chrono::steady_clock::time_point m_deadline;
  ssh_session m_session = nullptr;
  TransportStats m_stats;
  std::string m_fingerprint;
};

} // namespace

std::unique_ptr<Channel> SshTransport::open(const std::string& command, std::string& error) {
  ssh_channel channel = ssh_channel_new(m_session);
  if (channel == nullptr || ssh_channel_open_session(channel) != SSH_OK) {
    error = std::string("cannot open a channel: ") + ssh_get_error(m_session);
    if (channel != nullptr) {
      ssh_channel_free(channel);
    }
    return nullptr;
  }
  ++m_stats.channels;
  if (ssh_channel_request_exec(channel, command.c_str()) != SSH_OK) {
    error = std::string("exec refused: ") + ssh_get_error(m_session);
    ssh_channel_free(channel);
    return nullptr;
  }
  return std::make_unique<SshChannel>(m_session, channel, m_host.name, m_deadline, m_stats);
}

std::unique_ptr<Transport> make_ssh_transport(const HostSpec& host,
                                              const TransportOptions& options) {
  return std::make_unique<SshTransport>(host, options);
}

} // namespace cisscan
