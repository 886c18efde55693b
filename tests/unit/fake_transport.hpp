// A fake transport for unit tests: scripted hosts that answer the generated probe script
// without a shell or sshd: canned outputs, stderr and exit status, delays, dropped connections,
// refused connections, and hostile hosts that send whatever they like once they know the boundary.
#pragma once

#include "execute/transport.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace cisscan::test {

struct FakeAnswer {
  std::string output;
  int exit_code = 0;
};

struct FakeHost {
  // Each probe's answer: the first key found in the probe's script line (its quoted command).
  std::vector<std::pair<std::string, FakeAnswer>> answers;
  FakeAnswer otherwise;
  ConnectStatus connect = ConnectStatus::ok;
  std::string connect_reason;
  std::string stderr_text;
  int exit_status = 0;
  size_t drop_after_frames = SIZE_MAX; // the connection drops after this many frames
  size_t exit_after_frames = SIZE_MAX; // the shell exits (exit_status) after this many frames
  std::chrono::milliseconds delay{0};  // before each frame
  // Replaces the host once it has read the boundary: sends what it likes until it returns.
  std::function<void(const std::string& boundary, const OutputSink& sink,
                     const std::function<bool()>& done)>
      hostile;
};

// What the fake hosts saw, for the test to look at afterwards.
struct FakeLog {
  std::mutex mutex;
  std::map<std::string, std::vector<std::string>> boundaries; // per host name
};

class FakeChannel : public Channel {
public:
  FakeChannel(const FakeHost& host, std::string name, FakeLog& log)
      : m_host(host), m_name(std::move(name)), m_log(log) {}

  PumpState pump(std::string_view input, bool close_input, const OutputSink& sink,
                 const std::function<bool()>& done) override {
    if (m_host.hostile && !m_boundary.empty()) {
      // A hostile host goes on sending whatever the scanner writes next.
      m_host.hostile(m_boundary, sink, done);
      return done() ? PumpState::done : PumpState::ended;
    }
    size_t start = 0;
    while (start < input.size()) {
      const auto end = std::min(input.find('\n', start), input.size());
      const auto line = input.substr(start, end - start);
      start = end + 1;
      if (line.rfind("B=", 0) == 0) {
        m_boundary = std::string(line.substr(2));
        const std::lock_guard<std::mutex> lock(m_log.mutex);
        m_log.boundaries[m_name].push_back(m_boundary);
        if (m_host.hostile) {
          m_host.hostile(m_boundary, sink, done);
          return done() ? PumpState::done : PumpState::ended;
        }
      } else if (line.rfind("cisscan_quick ", 0) == 0 || line.rfind("cisscan_probe ", 0) == 0) {
        if (m_frames >= m_host.drop_after_frames) {
          m_result.error = "read failed: connection reset by peer";
          return PumpState::failed;
        }
        if (m_frames++ >= m_host.exit_after_frames) {
          m_ended = true;
          return PumpState::ended;
        }
        std::this_thread::sleep_for(m_host.delay);
        const auto id_start = line.find(' ') + 1;
        const auto id = line.substr(id_start, line.find(' ', id_start) - id_start);
        const auto& answer = answer_for(line);
        sink(m_boundary + " begin " + std::string(id) + "\n" + answer.output + "\n" + m_boundary +
             " end " + std::string(id) + " " + std::to_string(answer.exit_code) + "\n");
      }
    }
    if (done()) {
      return PumpState::done;
    }
    m_ended = close_input;
    return close_input ? PumpState::ended : PumpState::failed;
  }

  ExecResult finish() override {
    m_result.ok = m_ended && m_result.error.empty();
    m_result.exit_status = m_ended ? m_host.exit_status : -1;
    m_result.stderr_text = m_host.stderr_text;
    return m_result;
  }

private:
  const FakeAnswer& answer_for(std::string_view line) const {
    for (const auto& [key, answer] : m_host.answers) {
      if (line.find(key) != std::string_view::npos) {
        return answer;
      }
    }
    return m_host.otherwise;
  }

  const FakeHost& m_host;
  std::string m_name;
  FakeLog& m_log;
  std::string m_boundary;
  size_t m_frames = 0;
  bool m_ended = false;
  ExecResult m_result;
};

class FakeTransport : public Transport {
public:
  FakeTransport(const FakeHost& host, std::string name, FakeLog& log)
      : m_host(host), m_name(std::move(name)), m_log(log) {}

  ConnectResult connect() override { return {m_host.connect, m_host.connect_reason}; }
  std::unique_ptr<Channel> open(const std::string&, std::string&) override {
    ++m_stats.channels;
    return std::make_unique<FakeChannel>(m_host, m_name, m_log);
  }
  TransportStats stats() const override { return m_stats; }

private:
  const FakeHost& m_host;
  std::string m_name;
  FakeLog& m_log;
  TransportStats m_stats;
};

// A factory for ScanOptions::make_transport: each host by its inventory name. `hosts` and `log`
// must outlive the scan.
inline TransportFactory fake_transports(const std::map<std::string, FakeHost>& hosts,
                                        FakeLog& log) {
  return [&hosts, &log](const HostSpec& spec, const TransportOptions&) {
    return std::unique_ptr<Transport>(
        std::make_unique<FakeTransport>(hosts.at(spec.name), spec.name, log));
  };
}

} // namespace cisscan::test
