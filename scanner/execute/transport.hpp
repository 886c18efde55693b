// The one seam to the outside world: run a command on a host with a script on its stdin.
#pragma once

#include "inventory/inventory.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace cisscan {

struct TransportOptions {
  std::string known_hosts;       // empty: ~/.ssh/known_hosts
  bool accept_new_host_keys = false;
  int connect_timeout_seconds = 10;
  int host_timeout_seconds = 900; // the whole host, facts and probes
};

// What went wrong reaching a host; `unreachable` and `timeout` are host statuses of their own.
enum class ConnectStatus { ok, unreachable, timeout, error };

struct ConnectResult {
  ConnectStatus status = ConnectStatus::ok;
  std::string reason;
};

struct ExecResult {
  bool ok = false;        // the channel ran to its end
  bool timed_out = false; // the host deadline passed
  int exit_status = -1;
  std::string error;      // why the channel failed
  std::string stderr_text; // capped
};

struct TransportStats {
  int channels = 0;
  long long bytes_in = 0;
  long long bytes_out = 0;
};

using OutputSink = std::function<void(std::string_view)>;

class Transport {
public:
  virtual ~Transport() = default;
  virtual ConnectResult connect() = 0;
  // Runs `command`, writes `input` to its stdin then closes it, passes stdout to `sink`.
  virtual ExecResult exec(const std::string& command, const std::string& input,
                          const OutputSink& sink) = 0;
  virtual TransportStats stats() const = 0;
  // "SHA256:..." of the host's public key; empty for the local transport.
  virtual std::string host_key_sha256() const { return {}; }
};

struct TransportKind {
  std::string_view name;
  std::unique_ptr<Transport> (*make)(const HostSpec& host, const TransportOptions& options);
};

// The transport table: one row per transport.
const std::vector<TransportKind>& transport_kinds();
std::unique_ptr<Transport> make_transport(const HostSpec& host, const TransportOptions& options);

std::unique_ptr<Transport> make_local_transport(const HostSpec& host,
                                                const TransportOptions& options);
std::unique_ptr<Transport> make_ssh_transport(const HostSpec& host,
                                              const TransportOptions& options);

} // namespace cisscan
