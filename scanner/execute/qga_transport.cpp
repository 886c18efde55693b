// Proxmox VE VMs without an SSH server, through the QEMU guest agent on their node: each round
// trip is one `qm guest exec VMID --pass-stdin 1 --timeout T -- sh -s` on a channel of the
// node's shared SSH session (execute/node_session.hpp). The agent runs the script to its end and
// qm answers with one JSON object (`exited`, `exitcode`, `out-data`, `err-data`), so the shell
// does not outlive a round trip: the scan sends its prelude again with the second script
// (keeps_shell() is false). `become` is the node's and wraps qm.
#include "execute/node_channel.hpp"
#include "execute/node_session.hpp"
#include "execute/transport.hpp"
#include "util/error.hpp"
#include "util/json_file.hpp"
#include "util/redact.hpp"

namespace cisscan {

namespace {

using Clock = NodeChannel::Clock;

// qm's answer holds the whole output JSON-escaped; the agent itself keeps at most 16 MiB.
constexpr size_t k_answer_cap = 128 * 1024 * 1024;
constexpr size_t k_stderr_cap = 4096;

// One round trip per pump: qm runs the input as a script and answers when it has ended.
class QgaChannel : public Channel {
public:
  QgaChannel(std::shared_ptr<NodeSession> node, std::string node_name, std::string command,
             std::string what, Clock::time_point deadline, TransportStats& stats)
      : m_node(std::move(node)), m_node_name(std::move(node_name)), m_command(std::move(command)),
        m_what(std::move(what)), m_deadline(deadline), m_stats(stats) {}

  PumpState pump(std::string_view input, bool /*close_input*/, const OutputSink& sink,
                 const std::function<bool()>& done) override {
    m_result = {};
    std::string error;
    auto channel =
        open_node_channel(m_node, m_node_name, m_command, m_what, m_deadline, m_stats, error);
    if (!channel) {
      m_result.error = error;
      return PumpState::failed;
    }
    std::string answer;
    bool too_big = false;
    const auto state = channel->pump(
        input, true,
        [&](std::string_view chunk) {
          too_big = too_big || answer.size() + chunk.size() > k_answer_cap;
          if (!too_big) {
            answer.append(chunk);
          }
        },
        [&] { return too_big; });
    auto exec = channel->finish();
    if (too_big) {
      m_result.error =
          m_what + ": the answer is larger than " + std::to_string(k_answer_cap >> 20) + " MiB";
      return PumpState::failed;
    }
    if (state != PumpState::ended || !exec.ok || exec.exit_status != 0) {
      if (exec.ok) { // qm failed with words on stdout: still its failure
        exec.ok = false;
        exec.error = m_what + " failed (exit " + std::to_string(exec.exit_status) + ")";
      }
      m_result = exec;
      return state == PumpState::ended ? PumpState::ended : state;
    }
    return take_answer(answer, sink, done);
  }

  ExecResult finish() override { return m_result; }

private:
  PumpState take_answer(const std::string& answer, const OutputSink& sink,
                        const std::function<bool()>& done) {
    json parsed;
    try { // nesting bounded, as for any text from a host
      parsed = util::parse_json_object(m_what + "'s answer", std::string_view(answer));
    } catch (const ConfigError& e) {
      m_result.error = util::host_line(e.what());
      return PumpState::failed;
    }
    // Not ended within qm's --timeout: qm answers with the process id only. (PVE writes its
    // booleans as 0/1; true is taken too.)
    const auto flag = parsed.find("exited");
    const bool exited = flag != parsed.end() && ((flag->is_boolean() && flag->get<bool>()) ||
                                                 (flag->is_number_integer() && *flag == 1));
    if (!exited) {
      m_result.timed_out = true;
      return PumpState::timed_out;
    }
    const auto text = [&](const char* key) {
      const auto it = parsed.find(key);
      return it != parsed.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const auto output = text("out-data");
    m_result.stderr_text = text("err-data").substr(0, k_stderr_cap);
    const auto code = parsed.find("exitcode");
    m_result.exit_status =
        code != parsed.end() && code->is_number_integer() ? code->get<int>() : -1;
    m_result.ok = true;
    if (!output.empty()) {
      sink(output);
    }
    return done() ? PumpState::done : PumpState::ended;
  }

  std::shared_ptr<NodeSession> m_node;
  std::string m_node_name;
  std::string m_command;
  std::string m_what;
  Clock::time_point m_deadline;
  TransportStats& m_stats;
  ExecResult m_result;
};

class QgaTransport : public Transport {
public:
  QgaTransport(HostSpec host, TransportOptions options)
      : m_host(std::move(host)), m_options(std::move(options)) {}

  QgaTransport(const QgaTransport&) = delete;
  QgaTransport& operator=(const QgaTransport&) = delete;

  // A VM takes one of its node's channel slots, shared with the node's containers.
  ConnectResult connect() override { return m_hold.connect(m_host, m_options, true, "qga"); }

  std::unique_ptr<Channel> open(const std::string& command, std::string& /*error*/) override {
    return std::make_unique<QgaChannel>(m_hold.node(), m_host.node, command,
                                        "qm guest exec " + std::to_string(m_host.vmid) +
                                            " on node " + m_host.node,
                                        m_hold.deadline(), m_stats);
  }

  // The VM's shell through its guest agent; sudo (the node's become) wraps qm. qm waits for the
  // script as long as the host may take.
  std::string shell_command(const std::string& become) const override {
    return std::string(become == "sudo" ? "sudo -n " : "") + "qm guest exec " +
           std::to_string(m_host.vmid) + " --pass-stdin 1 --timeout " +
           std::to_string(m_options.host_timeout_seconds) + " -- sh -s";
  }

  bool keeps_shell() const override { return false; }
  TransportStats stats() const override { return m_stats; }
  std::string host_key_sha256() const override { return m_hold.fingerprint(); }

private:
  HostSpec m_host;
  TransportOptions m_options;
  NodeHold m_hold;
  TransportStats m_stats;
};

} // namespace

std::unique_ptr<Transport> make_qga_transport(const HostSpec& host,
                                              const TransportOptions& options) {
  return std::make_unique<QgaTransport>(host, options);
}

} // namespace cisscan
