// A small host run (pipeline/scan.hpp) for the tests of its record entry: two probes, one of
// them not UTF-8, and one failing result whose observation is not UTF-8 either.
#pragma once

#include "pipeline/scan.hpp"
#include "ssh_login.hpp"
#include "util/sha256.hpp"

#include <memory>
#include <string>

namespace cisscan::test {

inline ProbeRecord probe_record(const std::string& id, const std::string& output) {
  ProbeRecord record;
  record.spec.id = id;
  record.spec.type = "command";
  record.spec.argument = "cat x";
  record.spec.command = "cat x";
  record.output.id = id;
  record.output.output = output;
  record.output.output_bytes = output.size();
  record.output.sha256 = util::sha256_hex(output);
  record.output.complete = true;
  record.output.exit_code = 0;
  record.state = ProbeState::ok;
  return record;
}

inline HostRun sample_run() {
  auto check = std::make_shared<Check>();
  check->id = "c-1";
  check->title = "A check";
  check->safeguards = {"4.1"};
  check->weight = 2;
  HostRun run;
  run.spec.name = "web1";
  run.spec.target = test::ssh_login("web01", "10.0.0.21", 22, "audit", "sudo");
  run.status = HostStatus::ok;
  run.facts.values["os_id"] = "debian";
  run.facts.machine_id = "abc";
  run.probes.push_back(probe_record("p-text", "caf\xC3\xA9\n"));
  run.probes.push_back(probe_record("p-binary", std::string("\xFF\x00\xFE", 3)));
  CheckResult result;
  result.check = check;
  result.status = ResultStatus::fail;
  result.probe_ids = {"p-binary"};
  result.observed = "bad \xFF byte";
  run.results.push_back(result);
  return run;
}

} // namespace cisscan::test
