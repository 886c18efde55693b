// Runs a shell command on this machine through the local transport (/bin/sh, as a host's probe
// script runs), for the tests of probe commands.
#pragma once

#include "execute/transport.hpp"

#include <doctest/doctest.h>

#include <string>

namespace cisscan::test {

struct Ran {
  std::string output;
  int exit_code = -1;
};

// `timeout_seconds`: the host deadline (a walk of the whole machine wants the scan's default).
inline Ran run_local(const std::string& command, int timeout_seconds = 60) {
  HostSpec host;
  host.name = "local";
  host.transport = "local";
  TransportOptions options;
  options.host_timeout_seconds = timeout_seconds;
  const auto transport = make_local_transport(host, options);
  Ran ran;
  const auto result =
      transport->exec(command, "", [&](std::string_view chunk) { ran.output.append(chunk); });
  REQUIRE(result.ok);
  ran.exit_code = result.exit_status;
  return ran;
}

} // namespace cisscan::test
