#include "execute/transport.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using namespace cisscan;

namespace {

std::unique_ptr<Transport> local(int host_timeout_seconds = 60) {
  HostSpec host;
  host.name = "local";
  host.transport = "local";
  TransportOptions options;
  options.host_timeout_seconds = host_timeout_seconds;
  return make_transport(host, options);
}

} // namespace

TEST_CASE("the local transport runs /bin/sh with the input on stdin") {
  const auto transport = local();
  CHECK(transport->connect().status == ConnectStatus::ok);
  CHECK(transport->host_key_sha256().empty());
  std::string out;
  const auto result = transport->exec("sh -s", "echo hello; echo oops >&2; exit 3\n",
                                      [&](std::string_view chunk) { out.append(chunk); });
  CHECK(result.ok);
  CHECK_FALSE(result.timed_out);
  CHECK(result.exit_status == 3);
  CHECK(out == "hello\n");
  CHECK(result.stderr_text == "oops\n");
  const auto stats = transport->stats();
  CHECK(stats.channels == 1);
  CHECK(stats.bytes_in == 6 + 5);
  CHECK(stats.bytes_out == 34);
}

TEST_CASE("large input and output do not deadlock") {
  const auto transport = local();
  const std::string input(1 << 20, 'x');
  size_t received = 0;
  const auto result =
      transport->exec("cat", input, [&](std::string_view chunk) { received += chunk.size(); });
  CHECK(result.ok);
  CHECK(result.exit_status == 0);
  CHECK(received == input.size());
}

TEST_CASE("a command that does not read its input still ends") {
  const auto transport = local();
  std::string out;
  const auto result = transport->exec("echo done", std::string(1 << 20, 'x'),
                                      [&](std::string_view chunk) { out.append(chunk); });
  CHECK(result.exit_status == 0);
  CHECK(out == "done\n");
}

TEST_CASE("the host deadline stops a command that never ends") {
  const auto transport = local(1);
  const auto result = transport->exec("sleep 30", "", [](std::string_view) {});
  CHECK(result.timed_out);
  CHECK_FALSE(result.ok);
}

TEST_CASE("commands run with the default SIGPIPE disposition, as they do over ssh") {
  // SigIgn is a hex mask of ignored signals; SIGPIPE (13) is bit 12. A command that inherits an
  // ignored SIGPIPE sees EPIPE instead: `yes | head -n 1` then prints "write error".
  const auto transport = local();
  std::string out;
  const auto result = transport->exec("sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status", "",
                                      [&](std::string_view chunk) { out.append(chunk); });
  REQUIRE(result.exit_status == 0);
  const auto mask = std::stoull(out, nullptr, 16);
  CHECK((mask & (1ull << 12)) == 0);

  std::string pipe_out;
  const auto piped = transport->exec("yes | head -n 1", "",
                                     [&](std::string_view chunk) { pipe_out.append(chunk); });
  CHECK(pipe_out == "y\n");
  CHECK(piped.stderr_text.empty());
}

TEST_CASE("the transport table") {
  CHECK(transport_kinds().size() == 4);
  CHECK(transport_kinds()[0].target.name == "ssh");
  CHECK(transport_kinds()[1].target.name == "local");
  CHECK(transport_kinds()[2].target.name == "pct");
  CHECK(transport_kinds()[3].target.name == "qga");
  // The inventory reads the same rows: their keys, and the guests' resolver.
  CHECK(find_target("pct") == &transport_kinds()[2].target);
  CHECK((find_target("pct")->resolve == &resolve_guest));
  CHECK(find_target("telnet") == nullptr);
  HostSpec host;
  host.transport = "telnet";
  CHECK_THROWS_AS(make_transport(host, {}), std::invalid_argument);
}
