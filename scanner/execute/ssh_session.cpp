#include "execute/ssh_session.hpp"

#include "execute/known_hosts_filter.hpp"
#include "util/files.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cisscan {

namespace {

// known_hosts is one file shared by every host worker: update it one at a time.
std::mutex g_known_hosts_mutex;

bool contains_ci(std::string text, const std::string& needle) {
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  return text.find(needle) != std::string::npos;
}

// --known-hosts, else the endpoint's UserKnownHostsFile, else ~/.ssh/known_hosts.
std::string known_hosts_file(const SshEndpoint& endpoint, const TransportOptions& options) {
  if (!options.known_hosts.empty()) {
    return options.known_hosts;
  }
  return util::expand_home(endpoint.known_hosts.empty() ? "~/.ssh/known_hosts"
                                                        : endpoint.known_hosts)
      .string();
}

// The known_hosts lines that may name this host, in a memory file libssh reads as
// /proc/self/fd/N (known_hosts_filter.hpp: libssh reads the whole file twice a connection).
// Empty where the whole file is libssh's to read: an address libssh would take apart
// (user@host), a file that cannot be read or cut, no memory file or no /proc.
class KnownHostsCut {
public:
  KnownHostsCut(const SshEndpoint& endpoint, const std::string& file) {
    const bool plain_address =
        !endpoint.address.empty() &&
        std::all_of(endpoint.address.begin(), endpoint.address.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-' ||
                 c == '_';
        });
    if (!plain_address) {
      return;
    }
    const auto lines =
        known_hosts_lines_for_file(file, known_hosts_name(endpoint.address, endpoint.port));
    if (!lines) {
      return;
    }
    m_fd = memfd_create("cisscan-known-hosts", MFD_CLOEXEC);
    if (m_fd < 0 || !util::write_at(m_fd, *lines)) {
      return;
    }
    // Without /proc, libssh would find no file and call every host unknown.
    if (const auto path = "/proc/self/fd/" + std::to_string(m_fd);
        access(path.c_str(), R_OK) == 0) {
      m_path = path;
    }
  }
  ~KnownHostsCut() {
    if (m_fd >= 0) {
      close(m_fd);
    }
  }
  KnownHostsCut(const KnownHostsCut&) = delete;
  KnownHostsCut& operator=(const KnownHostsCut&) = delete;

  // The path libssh reads: the memory file's, else `file` itself.
  const std::string& path_or(const std::string& file) const {
    return m_path.empty() ? file : m_path;
  }

private:
  int m_fd = -1;
  std::string m_path;
};

// libssh's own ciphers in another order: AES-GCM first. Its chacha20-poly1305 makes a new Poly1305
// key object through OpenSSL for every packet; AES-GCM keeps one context. In a profile of a
// 31-host scan the channel's share of the scanner's samples went from 15 % to 12 %
// (benchmarks/README.md, 2026-12-06). Where a server offers no GCM, the rest is libssh's default.
const char* const k_ciphers = "aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
                              "chacha20-poly1305@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr";

void set_options(ssh_session session, const SshEndpoint& endpoint, const TransportOptions& options,
                 int fd, const std::string& known_hosts) {
  const int port = endpoint.port;
  const long timeout = options.connect_timeout_seconds;
  const int nodelay = 1;
  const bool process_config = false;
  ssh_options_set(session, SSH_OPTIONS_HOST, endpoint.address.c_str());
  ssh_options_set(session, SSH_OPTIONS_PORT, &port);
  ssh_options_set(session, SSH_OPTIONS_USER, endpoint.user.c_str());
  ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &process_config);
  ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
  ssh_options_set(session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  ssh_options_set(session, SSH_OPTIONS_CIPHERS_C_S, k_ciphers);
  ssh_options_set(session, SSH_OPTIONS_CIPHERS_S_C, k_ciphers);
  if (fd >= 0) {
    ssh_options_set(session, SSH_OPTIONS_FD, &fd);
  } else {
    ssh_options_set(session, SSH_OPTIONS_NODELAY, &nodelay);
  }
}

std::string fingerprint_of(ssh_session session) {
  ssh_key server_key = nullptr;
  if (ssh_get_server_publickey(session, &server_key) != SSH_OK) {
    return {};
  }
  std::string out;
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  if (ssh_get_publickey_hash(server_key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) == 0) {
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
    out = text != nullptr ? text : "";
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
  }
  ssh_key_free(server_key);
  return out;
}

ConnectResult verify_host_key(ssh_session session, const SshEndpoint& endpoint,
                              const TransportOptions& options, const std::string& fingerprint) {
  if (fingerprint.empty()) {
    return {ConnectStatus::error, "the server sent no host key"};
  }
  const auto known_hosts = known_hosts_file(endpoint, options);
  const auto where = endpoint.address + ":" + std::to_string(endpoint.port);
  switch (ssh_session_is_known_server(session)) {
  case SSH_KNOWN_HOSTS_OK:
    return {};
  case SSH_KNOWN_HOSTS_CHANGED:
  case SSH_KNOWN_HOSTS_OTHER:
    return {ConnectStatus::error, "host key of " + where + " (" + fingerprint +
                                      ") does not match " + known_hosts +
                                      ": refusing to connect (possible man-in-the-middle)"};
  case SSH_KNOWN_HOSTS_NOT_FOUND:
  case SSH_KNOWN_HOSTS_UNKNOWN:
    if (options.accept_new_host_keys) {
      const std::lock_guard<std::mutex> lock(g_known_hosts_mutex);
      // The key goes to the file itself, not to the cut libssh read.
      ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
      if (ssh_session_update_known_hosts(session) != SSH_OK) {
        return {ConnectStatus::error, "cannot record the new host key of " + where + " in " +
                                          known_hosts + ": " + ssh_get_error(session)};
      }
      return {};
    }
    return {ConnectStatus::error, "host key of " + where + " (" + fingerprint + ") is not in " +
                                      known_hosts +
                                      " (use --accept-new-host-keys to trust it on first use)"};
  default:
    return {ConnectStatus::error,
            "cannot check the host key of " + where + ": " + ssh_get_error(session)};
  }
}

} // namespace

// What finish_login needs of begin_login: the known_hosts file and the cut libssh reads when
// the host key is checked, the key read, and when the connection began.
struct LoginParts {
  std::string known_hosts;
  std::unique_ptr<KnownHostsCut> cut;
  ssh_key key = nullptr;
  bool agent_for_encrypted_key = false;
  std::chrono::steady_clock::time_point started;

  ~LoginParts() { ssh_key_free(key); }
  long long elapsed_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started)
        .count();
  }
};

void LoginPartsDeleter::operator()(LoginParts* parts) const {
  delete parts;
}

namespace {

// Reads the endpoint's identity file into `parts` before anything is sent: a missing or
// unreadable key is this host's error. Empty, or why not; until ssh_connect takes the tunnel's
// socket `fd`, it is ours to close.
std::string read_identity(const SshEndpoint& endpoint, int fd, LoginParts& parts) {
  if (endpoint.identity_file.empty()) {
    return {};
  }
  const auto path = util::expand_home(endpoint.identity_file).string();
  const auto fail = [&](const std::string& why) {
    if (fd >= 0) {
      close(fd);
    }
    return "identity file " + path + why;
  };
  if (std::ifstream probe(path); !probe) {
    return fail(std::string(" cannot be read: ") + std::strerror(errno));
  }
  // cisscan never asks for a passphrase: libssh asking for one says the key is encrypted.
  bool encrypted = false;
  const ssh_auth_callback asked = [](const char*, char*, size_t, int, int, void* flag) {
    *static_cast<bool*>(flag) = true;
    return -1;
  };
  if (ssh_pki_import_privkey_file(path.c_str(), nullptr, asked, &encrypted, &parts.key) != SSH_OK) {
    parts.key = nullptr;
    if (!encrypted) {
      return fail(" is not a private key libssh can read");
    }
    if (std::getenv("SSH_AUTH_SOCK") == nullptr) {
      return fail(" has a passphrase and no ssh-agent is running (SSH_AUTH_SOCK is unset); "
                  "cisscan never asks for a passphrase: load the key with ssh-add");
    }
    // The agent holds the key once unlocked (ssh-add): log in with it.
    spdlog::debug("{}: identity file {} has a passphrase: using ssh-agent", endpoint.name, path);
    parts.agent_for_encrypted_key = true;
  }
  return {};
}

// ssh_connect without blocking, the socket polled between its steps, so that `abandon` is seen
// within 50 ms; the connect timeout is kept here, as libssh keeps it when it blocks. libssh's
// SSH_OK or SSH_ERROR; `timed_out` when the time ran out.
int connect_watching(ssh_session session, int timeout_seconds, const std::atomic<bool>& abandon,
                     bool& timed_out) {
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::seconds(std::max(1, timeout_seconds));
  ssh_set_blocking(session, 0);
  int rc = SSH_AGAIN;
  while ((rc = ssh_connect(session)) == SSH_AGAIN) {
    if (abandon.load()) {
      rc = SSH_ERROR;
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      timed_out = true;
      rc = SSH_ERROR;
      break;
    }
    // Each step waits on what the host sends next (its banner, then its key exchange replies),
    // or for a while: 5 ms at first, 50 ms once a host is slow to answer (one that never does
    // would wake this thread 200 times a second until the timeout).
    const int step_ms =
        std::chrono::steady_clock::now() - started < std::chrono::milliseconds(200) ? 5 : 50;
    pollfd ready{ssh_get_fd(session), POLLIN, 0};
    if (ready.fd == SSH_INVALID_SOCKET || poll(&ready, 1, step_ms) < 0) {
      usleep(1000);
    }
  }
  ssh_set_blocking(session, 1);
  return rc;
}

} // namespace

ConnectResult begin_login(ssh_session session, const SshEndpoint& endpoint,
                          const TransportOptions& options, int fd, PendingLogin& pending,
                          const std::atomic<bool>* abandon) {
  pending.reset(new LoginParts);
  auto& parts = *pending;
  parts.known_hosts = known_hosts_file(endpoint, options);
  parts.cut = std::make_unique<KnownHostsCut>(endpoint, parts.known_hosts);
  set_options(session, endpoint, options, fd, parts.cut->path_or(parts.known_hosts));
  if (auto error = read_identity(endpoint, fd, parts); !error.empty()) {
    return {ConnectStatus::error, error};
  }
  parts.started = std::chrono::steady_clock::now();
  bool timed_out = false;
  const int rc = abandon == nullptr ? ssh_connect(session)
                                    : connect_watching(session, options.connect_timeout_seconds,
                                                       *abandon, timed_out);
  if (rc != SSH_OK) {
    const std::string error = timed_out ? "Timeout connecting to " + endpoint.address
                              : abandon != nullptr && abandon->load() ? "abandoned"
                                                                      : ssh_get_error(session);
    const auto status = contains_ci(error, "timeout") || contains_ci(error, "timed out")
                            ? ConnectStatus::timeout
                            : ConnectStatus::unreachable;
    return {status, "cannot connect to " + endpoint.address + ":" + std::to_string(endpoint.port) +
                        ": " + error};
  }
  spdlog::debug("{}: connected and keys exchanged in {} ms", endpoint.name, parts.elapsed_ms());
  return {};
}

ConnectResult finish_login(ssh_session session, const SshEndpoint& endpoint,
                           const TransportOptions& options, PendingLogin& pending,
                           std::string& fingerprint) {
  const auto& parts = *pending;
  fingerprint = fingerprint_of(session);
  if (auto verdict = verify_host_key(session, endpoint, options, fingerprint);
      verdict.status != ConnectStatus::ok) {
    return verdict;
  }
  const int rc = parts.key != nullptr ? ssh_userauth_publickey(session, nullptr, parts.key)
                                      : ssh_userauth_agent(session, nullptr);
  if (rc != SSH_AUTH_SUCCESS) {
    const std::string how = parts.key != nullptr ? "key " + endpoint.identity_file
                            : parts.agent_for_encrypted_key
                                ? "ssh-agent, as " + endpoint.identity_file +
                                      " has a passphrase; is it loaded (ssh-add -l)?"
                                : std::string("ssh-agent");
    return {ConnectStatus::error, "authentication as " + endpoint.user + " failed (" + how +
                                      "): " + ssh_get_error(session)};
  }
  spdlog::debug("{}: authenticated as {} after {} ms", endpoint.name, endpoint.user,
                parts.elapsed_ms());
  pending.reset();
  return {};
}

ConnectResult login(ssh_session session, const SshEndpoint& endpoint,
                    const TransportOptions& options, int fd, std::string& fingerprint) {
  PendingLogin pending;
  auto begun = begin_login(session, endpoint, options, fd, pending);
  return begun.status != ConnectStatus::ok
             ? begun
             : finish_login(session, endpoint, options, pending, fingerprint);
}

int open_channel_step(ssh_session session, const std::function<int()>& open, bool arrived,
                      int& nudges) {
  const int blocking = ssh_is_blocking(session);
  ssh_set_blocking(session, 0);
  int rc = open();
  if (rc == SSH_AGAIN && arrived && nudges < 4) {
    const int on = 1; // a socket that is not TCP (a jump host's tunnel) ignores it
    setsockopt(ssh_get_fd(session), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
    ssh_send_ignore(session, "");
    ++nudges;
    rc = open(); // sending may have read the answer already (libssh reads while it writes)
  }
  ssh_set_blocking(session, blocking);
  return rc;
}

bool open_channel(ssh_session session, std::chrono::steady_clock::time_point deadline,
                  const std::function<int()>& open) {
  const int fd = ssh_get_fd(session);
  int rc = SSH_AGAIN;
  bool arrived = false; // something came in before the last call, and it was not the answer
  int nudges = 0;
  while ((rc = open_channel_step(session, open, arrived, nudges)) == SSH_AGAIN) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      break;
    }
    // At most 50 ms at a time: were an answer ever read into libssh's buffer without this
    // noticing, the wait costs that much, not the deadline.
    pollfd ready{fd, POLLIN, 0};
    arrived = poll(&ready, 1, static_cast<int>(std::min<long long>(left, 50))) > 0;
  }
  return rc == SSH_OK;
}

} // namespace cisscan
