#include "pipeline/discovery.hpp"

#include "execute/frames.hpp"
#include "execute/script.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/redact.hpp"
#include "util/text.hpp"

#include <spdlog/spdlog.h>

namespace cisscan {

namespace {

constexpr size_t k_answer_cap = 16 * 1024 * 1024;

ProbeSpec pvesh(const std::string& id, const std::string& path, const std::string& extra = "") {
  const auto command = "pvesh get " + path + extra + " --output-format json";
  return {id, "command", path, command, 60, false};
}

// Runs `probes` as one script on the entry node; their outputs by id, or throws
// std::runtime_error with why the script did not come back whole.
std::vector<ProbeOutput> run(Transport& transport, const HostSpec& entry,
                             const std::vector<ProbeSpec>& probes) {
  const auto boundary = "CISSCAN-" + util::random_hex(16);
  FrameParser parser(boundary, k_answer_cap, {probes.size(), 8 * k_answer_cap});
  const auto exec = transport.exec(transport.shell_command(entry.become()),
                                   generate_script(probes, {.boundary = boundary}),
                                   [&](std::string_view chunk) { parser.feed(chunk); });
  parser.finish();
  if (parser.outputs().size() != probes.size() || !parser.overflow().empty()) {
    auto why = !parser.overflow().empty() ? parser.overflow()
               : exec.timed_out           ? std::string("no answer within the time limit")
               : !exec.error.empty()      ? exec.error
                                          : util::host_line(exec.stderr_text);
    throw std::runtime_error("the discovery script ended early: " + util::host_line(why));
  }
  return parser.outputs();
}

// What a failed pvesh said, as one line.
std::string failure(const ProbeSpec& probe, const ProbeOutput& output) {
  if (output.exit_code == 127) {
    return "not a Proxmox VE node (no pvesh: " + util::host_line(output.output) + ")";
  }
  return probe.command + " failed (exit " + std::to_string(output.exit_code) +
         "): " + util::host_line(output.output);
}

PveCluster read_from(Transport& transport, const HostSpec& entry) {
  const std::vector<ProbeSpec> first = {pvesh("d-status", "/cluster/status"),
                                        pvesh("d-guests", "/cluster/resources", " --type vm")};
  const auto answers = run(transport, entry, first);
  for (size_t i = 0; i < first.size(); ++i) {
    if (answers[i].exit_code != 0) {
      throw std::runtime_error(failure(first[i], answers[i]));
    }
  }
  PveCluster cluster;
  cluster.entry = entry.name;
  try {
    cluster.nodes = parse_cluster_status(answers[0].output);
    cluster.guests = parse_cluster_resources(answers[1].output);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  // Round trip 2: the guest agent of every running VM, in one script.
  std::vector<ProbeSpec> agents;
  for (const auto& guest : cluster.guests) {
    if (guest.type == "qemu" && guest.status == "running" && !guest.is_template) {
      agents.push_back(pvesh("d-agent-" + std::to_string(guest.vmid),
                             "/nodes/" + util::shell_quote(guest.node) + "/qemu/" +
                                 std::to_string(guest.vmid) + "/agent/network-get-interfaces"));
    }
  }
  if (agents.empty()) {
    return cluster;
  }
  const auto replies = run(transport, entry, agents);
  for (const auto& reply : replies) {
    const int vmid = std::stoi(reply.id.substr(8));
    if (reply.exit_code != 0) {
      cluster.agent_error[vmid] = util::host_line(reply.output);
      continue;
    }
    try {
      const auto address = agent_ipv4(reply.output);
      if (address.empty()) {
        cluster.agent_error[vmid] = "no IPv4 address on an interface other than lo";
      } else {
        cluster.agent_address[vmid] = address;
      }
    } catch (const std::invalid_argument& e) {
      cluster.agent_error[vmid] = e.what();
    }
  }
  return cluster;
}

} // namespace

PveCluster read_cluster(const std::vector<HostSpec>& entries, const TransportOptions& options,
                        const TransportFactory& make_transport) {
  std::string reasons;
  for (const auto& entry : entries) {
    try {
      auto transport = make_transport(entry, options);
      const auto connected = transport->connect();
      if (connected.status != ConnectStatus::ok) {
        throw std::runtime_error(connected.reason);
      }
      auto cluster = read_from(*transport, entry);
      spdlog::info("proxmox: {} nodes and {} guests, read on {}", cluster.nodes.size(),
                   cluster.guests.size(), entry.name);
      return cluster;
    } catch (const std::exception& e) {
      const auto why = "entry node " + entry.name + ": " + util::host_line(e.what());
      spdlog::debug("proxmox: {}", why);
      reasons += (reasons.empty() ? "" : "; ") + why;
    }
  }
  throw ConfigError("proxmox: no entry node could be read: " + reasons);
}

} // namespace cisscan
