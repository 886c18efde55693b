// InRecordOrder hands hosts on in record order whatever order they end in, as their record
// entries, holding the early ones in memory or in its spool. (Also built into scan_tests, for the
// ThreadSanitizer build.)
#include "pipeline/in_order.hpp"
#include "pipeline/run.hpp"
#include "util/json_text.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace cisscan;

namespace {

HostRun host(size_t i) {
  HostRun run;
  run.spec.name = "h" + std::to_string(i);
  run.status = HostStatus::ok;
  return run;
}

} // namespace

TEST_CASE("InRecordOrder: hosts ending last to first are consumed first to last") {
  // More hosts than the order holds in memory, so some wait in the spool.
  const size_t count = 40;
  std::vector<size_t> seen;
  InRecordOrder order(count, [&](size_t index, HostRecordEntry& h) {
    CHECK(h.host == host_to_json(host(index)));
    CHECK(h.probes.empty());
    seen.push_back(index);
  });
  for (size_t i = count; i-- > 0;) {
    order.done(i, host(i));
    CHECK(seen.empty() == (i != 0));
  }
  order.rethrow();
  std::vector<size_t> expected(count);
  for (size_t i = 0; i < count; ++i) {
    expected[i] = i;
  }
  CHECK(seen == expected);
}

TEST_CASE("InRecordOrder with lean members: each entry written out is the host's whole entry") {
  // Hosts end last to first, so some wait as runs, some in the spool (read back whole) and the
  // first is handed on at once (lean, its probes as text): all three must write the same text.
  auto check = std::make_shared<Check>();
  check->id = "c-1";
  check->title = "A check";
  check->safeguards = {"4.1"};
  ProbeSpec spec;
  spec.id = "p-1";
  spec.type = "command";
  spec.argument = "cat /etc/x";
  spec.command = "cat /etc/x";
  check->probe = spec;
  Catalog catalog;
  catalog.checks = {check};
  const auto members = result_members(catalog);
  const auto run_of = [&](size_t i) {
    auto run = host(i);
    ProbeRecord probe;
    probe.spec = spec;
    probe.output.output = "line " + std::to_string(i) + "\n\"quoted\"\n";
    probe.output.output_bytes = probe.output.output.size();
    probe.output.complete = true;
    probe.output.exit_code = 0;
    probe.state = ProbeState::ok;
    run.probes.push_back(probe);
    CheckResult result;
    result.check = check;
    result.status = ResultStatus::pass;
    result.probe_ids = {"p-1"};
    run.results.push_back(result);
    return run;
  };
  const size_t count = 30;
  size_t lean = 0;
  std::vector<size_t> seen;
  InRecordOrder order(
      count,
      [&](size_t index, HostRecordEntry& entry) {
        lean += entry.probes.empty() ? 0 : 1;
        std::string text;
        append_host_text(text, entry.host, &members, entry.probes);
        CHECK(text == util::compact_json(host_to_json(run_of(index))));
        seen.push_back(index);
      },
      &members);
  for (size_t i = count; i-- > 0;) {
    order.done(i, run_of(i));
  }
  order.rethrow();
  CHECK(seen.size() == count);
  CHECK(lean > 1);         // the first and those held as runs
  CHECK(lean < count - 1); // and not those from the spool
}

TEST_CASE("InRecordOrder: from many threads, each host once and in order") {
  const size_t count = 200;
  std::vector<size_t> seen;
  InRecordOrder order(count, [&](size_t index, HostRecordEntry& h) {
    CHECK(h.host["name"] == "h" + std::to_string(index));
    seen.push_back(index);
  });
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < count; i = next++) {
        order.done(i, host(i));
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  REQUIRE(seen.size() == count);
  for (size_t i = 0; i < count; ++i) {
    CHECK(seen[i] == i);
  }
}

TEST_CASE("InRecordOrder: what the consumer throws comes back from rethrow, once") {
  size_t consumed = 0;
  InRecordOrder order(3, [&](size_t index, HostRecordEntry&) {
    ++consumed;
    if (index == 1) {
      throw std::runtime_error("host 1 cannot be assessed");
    }
  });
  order.done(2, host(2));
  order.done(0, host(0));
  order.done(1, host(1));
  CHECK(consumed == 2); // after the error, nothing more is consumed
  CHECK_THROWS_WITH(order.rethrow(), "host 1 cannot be assessed");
}
