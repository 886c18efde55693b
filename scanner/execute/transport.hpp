// The one seam to the outside world: run a command on a host and talk to it over stdin/stdout.
#pragma once

#include "inventory/inventory.hpp"
#include "inventory/targets.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace cisscan {

class JumpRegistry;
class NodeSessions;

struct TransportOptions {
  std::string known_hosts; // empty: ~/.ssh/known_hosts
  bool accept_new_host_keys = false;
  int connect_timeout_seconds = 10;
  int host_timeout_seconds = 900; // the whole host: every channel's deadline
  JumpRegistry* jumps = nullptr;  // the scan's bastions, shared by its hosts (execute/jump.hpp)
  NodeSessions* nodes = nullptr;  // the scan's PVE nodes, shared by their containers (pct)
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
  std::string error;        // why the channel failed
  bool unreachable = false; // the target is not there to run on (a container not running)
  std::string stderr_text;  // capped
};

struct TransportStats {
  int channels = 0;
  long long bytes_in = 0;
  long long bytes_out = 0;
};

using OutputSink = std::function<void(std::string_view)>;

enum class PumpState { done, ended, timed_out, failed };

// One running command. Input and output interleave, so a chatty command never deadlocks a writer.
class Channel {
public:
  virtual ~Channel() = default;
  // Sends `input` (then closes stdin when `close_input`), passing stdout to `sink`, until `done()`
  // holds (checked after each chunk, even before all input is written, so a host that floods is
  // cut at once), the command ends, the deadline passes or the channel fails.
  virtual PumpState pump(std::string_view input, bool close_input, const OutputSink& sink,
                         const std::function<bool()>& done) = 0;
  // After the command ended (or failed): its exit status, stderr and any channel error.
  virtual ExecResult finish() = 0;
};

class Transport {
public:
  virtual ~Transport() = default;
  virtual ConnectResult connect() = 0;
  // Where this transport can, begins connecting before the scan has its catalog
  // (pipeline/early_connections.hpp): the TCP connection and the key exchange, nothing
  // authenticated; connect() then does the rest. Once `abandon` is set, it stops within 50 ms
  // (the transport is then only destroyed).
  virtual void begin_connect(const std::atomic<bool>& abandon) { (void)abandon; }
  // Starts `command`; on failure returns nullptr and sets `error`.
  virtual std::unique_ptr<Channel> open(const std::string& command, std::string& error) = 0;
  virtual TransportStats stats() const = 0;
  // The command that starts the host's shell (the script comes on its stdin), with `become`
  // applied where this transport applies it: `sudo -n sh -s` by default.
  virtual std::string shell_command(const std::string& become) const;
  // Whether the shell of the first round trip is still there for the second: false where each
  // round trip is a command of its own (qga), so the second script brings its prelude again.
  virtual bool keeps_shell() const { return true; }
  // "SHA256:..." of the host's public key; empty for the local transport.
  virtual std::string host_key_sha256() const { return {}; }

  // Runs `command` with all of `input` on its stdin, to the end.
  ExecResult exec(const std::string& command, const std::string& input, const OutputSink& sink);
};

// A transport row: what the inventory reads for it (inventory/targets.hpp) and how it is made.
struct TransportKind {
  TargetRules target;
  std::unique_ptr<Transport> (*make)(const HostSpec& host, const TransportOptions& options);
};

// The transport table: one row per transport.
const std::vector<TransportKind>& transport_kinds();
// Makes the transport of one host: `make_transport` (the table) in a scan, a fake in unit tests.
using TransportFactory = std::function<std::unique_ptr<Transport>(const HostSpec& host,
                                                                  const TransportOptions& options)>;
std::unique_ptr<Transport> make_transport(const HostSpec& host, const TransportOptions& options);
// Whether a host's connection may begin before the scan (Transport::begin_connect): one that
// needs nothing the fleet's hosts share (a bastion's session, a PVE node's).
bool connects_on_its_own(const HostSpec& host);

std::unique_ptr<Transport> make_local_transport(const HostSpec& host,
                                                const TransportOptions& options);
std::unique_ptr<Transport> make_ssh_transport(const HostSpec& host,
                                              const TransportOptions& options);
// A pct host; or (the ssh row's choice) a node serving guests (`SshTarget::guest_node`) over the
// session its guests share.
std::unique_ptr<Transport> make_pct_transport(const HostSpec& host,
                                              const TransportOptions& options);
// A Proxmox VE VM through its guest agent (`qm guest exec`) over its node's session.
std::unique_ptr<Transport> make_qga_transport(const HostSpec& host,
                                              const TransportOptions& options);

} // namespace cisscan
