#include "execute/script.hpp"

#include "catalog/probe_types.hpp"
#include "execute/frames.hpp"
#include "execute/transport.hpp"
#include "temp_dir.hpp"
#include "util/text.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace cisscan;

namespace {

const std::string k_boundary = "CISSCAN-feedfacecafebeef0123456789abcdef";

ProbeSpec probe(const std::string& id, const std::string& command, bool quick,
                int timeout_seconds = 30) {
  ProbeSpec spec;
  spec.id = id;
  spec.type = "command";
  spec.argument = command;
  spec.command = command;
  spec.quick = quick;
  spec.timeout_seconds = timeout_seconds;
  return spec;
}

struct ScriptRun {
  ExecResult exec;
  std::map<std::string, ProbeOutput> outputs;
  std::vector<std::string> order;
  std::string stray;
  size_t chunks = 0; // reads that brought output
};

std::unique_ptr<Transport> this_machine() {
  HostSpec host;
  host.name = "local";
  host.transport = "local";
  TransportOptions options;
  options.host_timeout_seconds = 120;
  return make_local_transport(host, options);
}

ScriptRun run_script(const std::vector<ProbeSpec>& probes, size_t host_cap = 8 * 1024 * 1024,
                     size_t lanes = 1, const std::string& shell = remote_command("")) {
  const auto transport = this_machine();
  FrameParser parser(k_boundary, 1024 * 1024);
  parser.set_origin(std::chrono::system_clock::now());
  ScriptOptions script_options;
  script_options.boundary = k_boundary;
  script_options.host_cap = host_cap;
  script_options.lanes = lanes;
  ScriptRun run;
  run.exec =
      transport->exec(shell, generate_script(probes, script_options), [&](std::string_view chunk) {
        ++run.chunks;
        parser.feed(chunk);
      });
  parser.finish();
  for (const auto& output : parser.outputs()) {
    run.order.push_back(output.id);
    run.outputs[output.id] = output;
  }
  run.stray = parser.stray();
  return run;
}

} // namespace

TEST_CASE("remote_command keeps the script out of argv") {
  CHECK(remote_command("") == "sh -s");
  CHECK(remote_command("sudo") == "sudo -n sh -s");
  const auto script = generate_script({probe("p-1", "true", true)}, {k_boundary});
  CHECK(script.find(k_boundary) != std::string::npos);
  CHECK(remote_command("").find("CISSCAN") == std::string::npos);
  CHECK(remote_command("sudo").find("CISSCAN") == std::string::npos);
}

TEST_CASE("the generated script runs under /bin/sh and frames every probe") {
  const std::vector<ProbeSpec> probes = {
      probe("p-echo", "echo hello; echo world", false),
      probe("p-exit", "echo failing >&2; exit 7", false),
      probe("p-quick", "printf 'no newline'", true),
      probe("p-quick-exit", "exit 3", true),
      probe("p-quote", "printf '%s\\n' \"it's\" 'a \"b\"'", false),
      probe("p-empty", "true", false),
      // A quick probe's shell has no positional parameters, as `sh -c` gives the others.
      probe("p-args", "echo \"$# ${1-unset} ${2-unset}\"", false),
      probe("p-quick-args", "echo \"$# ${1-unset} ${2-unset}\"", true),
  };
  // One lane runs them in order; more lanes run them side by side, the same frames lane by lane.
  for (const size_t lanes : {1, 2, 3}) {
    CAPTURE(lanes);
    const auto run = run_script(probes, 8 * 1024 * 1024, lanes);
    CHECK(run.exec.ok);
    CHECK(run.exec.exit_status == 0);
    CHECK(run.order == frame_order(probes, lanes));
    if (lanes == 1) {
      CHECK(run.order == std::vector<std::string>{"p-echo", "p-exit", "p-quick", "p-quick-exit",
                                                  "p-quote", "p-empty", "p-args", "p-quick-args"});
    }
    CHECK(run.stray.empty());
    for (const auto& entry : run.outputs) {
      const auto& id = entry.first; // not a structured binding: clang 14 cannot capture one
      CAPTURE(id);
      CHECK(entry.second.complete);
    }
    CHECK(run.outputs.at("p-echo").output == "hello\nworld\n");
    CHECK(run.outputs.at("p-echo").exit_code == 0);
    CHECK(run.outputs.at("p-exit").output == "failing\n");
    CHECK(run.outputs.at("p-exit").exit_code == 7);
    CHECK(run.outputs.at("p-quick").output == "no newline");
    CHECK(run.outputs.at("p-quick").exit_code == 0);
    CHECK(run.outputs.at("p-quick-exit").exit_code == 3);
    CHECK(run.outputs.at("p-quote").output == "it's\na \"b\"\n");
    CHECK(run.outputs.at("p-empty").output.empty());
    CHECK(run.outputs.at("p-empty").exit_code == 0);
    CHECK(run.outputs.at("p-args").output == "0 unset unset\n");
    CHECK(run.outputs.at("p-quick-args").output == "0 unset unset\n");
  }
}

TEST_CASE("the probes' frames leave the host in large writes, not one per probe") {
  // Ten probes a tenth of a second apart: written as they come, the reader would see at least
  // one read per probe.
  std::vector<ProbeSpec> probes;
  for (int i = 0; i < 10; ++i) {
    probes.push_back(
        probe("p-" + std::to_string(i), "sleep 0.1; echo " + std::to_string(i), i % 2));
  }
  const auto run = run_script(probes);
  CHECK(run.exec.ok);
  REQUIRE(run.order.size() == 10);
  CHECK(run.outputs.at("p-9").output == "9\n");
  CHECK(run.chunks <= 3);
  // Batched, the frames still say how long each probe ran and when it began (the host's
  // uptime, 10 ms steps): at least its 0.1 s each, one after the other.
  for (const auto& entry : run.outputs) {
    CAPTURE(entry.first);
    CHECK(entry.second.duration_ms >= 100);
  }
  CHECK(run.outputs.at("p-9").started_at - run.outputs.at("p-0").started_at >=
        std::chrono::milliseconds(900));
}

TEST_CASE("a probe that reads stdin does not eat the script") {
  const std::vector<ProbeSpec> probes = {
      probe("p-cat", "cat", false),
      probe("p-read", "read line; echo \"got=$line\"", true),
      probe("p-head", "head -c 100000", false),
      probe("p-after", "echo still running", false),
      probe("p-last", "echo last", true),
  };
  for (const size_t lanes : {1, 2}) {
    CAPTURE(lanes);
    const auto run = run_script(probes, 8 * 1024 * 1024, lanes);
    REQUIRE(run.order.size() == 5);
    CHECK(run.outputs.at("p-cat").output.empty());
    CHECK(run.outputs.at("p-cat").exit_code == 0);
    CHECK(run.outputs.at("p-read").output == "got=\n");
    CHECK(run.outputs.at("p-head").output.empty());
    CHECK(run.outputs.at("p-after").output == "still running\n");
    CHECK(run.outputs.at("p-last").output == "last\n");
    CHECK(run.outputs.at("p-last").complete);
  }
}

TEST_CASE("a probe that exits the shell does not end the script") {
  const std::vector<ProbeSpec> probes = {
      probe("p-exit-quick", "exit 9", true),
      probe("p-exec", "exec echo replaced", true),
      probe("p-after", "echo after", false),
  };
  for (const size_t lanes : {1, 2}) {
    CAPTURE(lanes);
    const auto run = run_script(probes, 8 * 1024 * 1024, lanes);
    REQUIRE(run.order.size() == 3);
    CHECK(run.outputs.at("p-exit-quick").exit_code == 9);
    CHECK(run.outputs.at("p-exec").output == "replaced\n");
    CHECK(run.outputs.at("p-after").output == "after\n");
  }
}

TEST_CASE("lanes run their probes at the same time") {
  // Each probe marks that it started and waits for the other's mark: run one after the other,
  // the first would wait out its timeout (exit 124) before the second began.
  const test::TempDir dir;
  const auto mark = [&](const char* mine, const char* theirs) {
    const auto folder = util::shell_quote(dir.path().string());
    return std::string("touch ") + folder + "/" + mine + "; while [ ! -e " + folder + "/" + theirs +
           " ]; do sleep 0.02; done; echo met";
  };
  const std::vector<ProbeSpec> probes = {probe("p-a", mark("a", "b"), false, 20),
                                         probe("p-b", mark("b", "a"), false, 20)};
  const auto run = run_script(probes, 8 * 1024 * 1024, 2);
  REQUIRE(run.order == std::vector<std::string>{"p-a", "p-b"});
  CHECK(run.outputs.at("p-a").exit_code == 0);
  CHECK(run.outputs.at("p-a").output == "met\n");
  CHECK(run.outputs.at("p-b").exit_code == 0);
  CHECK(run.outputs.at("p-b").output == "met\n");

  // In one lane the same probes cannot meet: the test above could fail.
  std::filesystem::remove(dir.path() / "a");
  std::filesystem::remove(dir.path() / "b");
  const std::vector<ProbeSpec> alone = {probe("p-a", mark("a", "b"), false, 1),
                                        probe("p-b", mark("b", "a"), false, 1)};
  const auto one_lane = run_script(alone, 8 * 1024 * 1024, 1);
  CHECK(one_lane.outputs.at("p-a").exit_code == k_exit_timeout);
  CHECK(one_lane.outputs.at("p-b").exit_code == 0);

  // Nor can they where both name one lane, however many lanes the script runs.
  std::filesystem::remove(dir.path() / "a");
  std::filesystem::remove(dir.path() / "b");
  auto named = alone;
  for (auto& each : named) {
    each.lane = "homes";
  }
  const auto same_lane = run_script(named, 8 * 1024 * 1024, 2);
  CHECK(same_lane.outputs.at("p-a").exit_code == k_exit_timeout);
  CHECK(same_lane.outputs.at("p-b").exit_code == 0);
}

TEST_CASE("a later lane with more output than a pipe holds waits, and comes whole") {
  // The second lane prints 300 KiB at once, more than the pipe between the lanes holds, while
  // the first is still running: it waits, and its frames follow the first lane's unbroken.
  const std::vector<ProbeSpec> probes = {
      probe("p-slow", "sleep 0.3; echo first", false),
      probe("p-big", "yes 0123456789abcdef | head -c 307200", false),
      probe("p-after", "echo after", true),
  };
  // Under bash as well as dash: bash keeps no copy of a redirected fd that tells the reader
  // when the first lane is done, the script holds one itself.
  for (const std::string shell : {"sh -s", "bash -s"}) {
    CAPTURE(shell);
    const auto run = run_script(probes, 8 * 1024 * 1024, 2, shell);
    CHECK(run.exec.exit_status == 0);
    CHECK(run.stray.empty());
    REQUIRE(run.order == frame_order(probes, 2));
    CHECK(run.order.front() == "p-slow");
    CHECK(run.outputs.at("p-slow").output == "first\n");
    CHECK(run.outputs.at("p-big").output.size() == 307200);
    CHECK(run.outputs.at("p-big").output.substr(0, 17) == "0123456789abcdef\n");
    CHECK(run.outputs.at("p-after").output == "after\n");
  }
}

TEST_CASE("frame_order: the heaviest probes are spread first, each lane keeps the probes' order") {
  auto walk = probe("p-walk", "true", false, 600);
  walk.type = "fswalk";
  const std::vector<ProbeSpec> probes = {probe("p-q1", "true", true),
                                         probe("p-w1", "true", false),
                                         walk,
                                         probe("p-long", "true", false, 300),
                                         probe("p-q2", "true", true),
                                         probe("p-w2", "true", false)};
  CHECK(frame_order(probes, 1) ==
        std::vector<std::string>{"p-q1", "p-w1", "p-walk", "p-long", "p-q2", "p-w2"});
  // The filesystem walk gets a lane of its own beside the two the rest share: the probe allowed
  // longer than the default (8) and a quick one in one, the two wrapped ones (4 each) and the
  // other quick one in the other.
  CHECK(frame_order(probes, 2) ==
        std::vector<std::string>{"p-walk", "p-q1", "p-long", "p-w1", "p-q2", "p-w2"});
  // A wrapped probe weighs four quick ones: it has a lane to itself against four of them.
  CHECK(frame_order({probes[1], probe("p-q3", "true", true), probes[0], probe("p-q4", "true", true),
                     probes[4]},
                    2) == std::vector<std::string>{"p-w1", "p-q3", "p-q1", "p-q4", "p-q2"});
  // The number of lanes a script runs: one `5<&0` for each lane after the first.
  const auto lanes_of = [](const std::vector<ProbeSpec>& run, size_t lanes) {
    const auto text = generate_script(run, {.boundary = k_boundary, .lanes = lanes});
    size_t count = 1;
    for (auto at = text.find("5<&0"); at != std::string::npos; at = text.find("5<&0", at + 1)) {
      ++count;
    }
    return count;
  };
  CHECK(lanes_of(probes, 2) == 3);
  CHECK(lanes_of(probes, 3) == 4);
  CHECK(lanes_of(probes, 1) == 1); // one lane: the walk runs with the others, in their order
  const std::vector<ProbeSpec> without_walk = {probes[0], probes[1], probes[3], probes[4]};
  CHECK(lanes_of(without_walk, 2) == 2);
  // More lanes than probes: one probe each, empty lanes dropped.
  CHECK(frame_order({probes[0], probes[4]}, 8) == std::vector<std::string>{"p-q1", "p-q2"});
  // A probe that states its cost weighs that, whatever its kind: a quick probe of cost 4 gets a
  // lane to itself against four quick ones of 1.
  auto heavy = probe("p-heavy", "true", true);
  heavy.cost = 4;
  CHECK(frame_order(
            {probes[0], probes[4], heavy, probe("p-q3", "true", true), probe("p-q4", "true", true)},
            2) == std::vector<std::string>{"p-heavy", "p-q1", "p-q2", "p-q3", "p-q4"});
  // Probes naming one lane run in it in their order and weigh together: unnamed, the two
  // wrapped ones would each start a lane (4 against 4); named, the quick one and the second
  // wrapped one (5) take one lane, and the rest the other.
  auto first = probe("p-a", "true", true);
  auto last = probe("p-d", "true", false);
  CHECK(frame_order({first, probe("p-b", "true", false), probe("p-c", "true", true), last}, 2) ==
        std::vector<std::string>{"p-a", "p-b", "p-c", "p-d"});
  first.lane = last.lane = "homes";
  CHECK(frame_order({first, probe("p-b", "true", false), probe("p-c", "true", true), last}, 2) ==
        std::vector<std::string>{"p-a", "p-d", "p-b", "p-c"});
  CHECK(frame_order({}, 2).empty());
  CHECK(generate_script({}, {.boundary = k_boundary, .lanes = 2}).find("5<&0") ==
        std::string::npos);
}

TEST_CASE("a probe's output is capped on the host") {
  const std::vector<ProbeSpec> probes = {
      probe("p-big", "yes | head -c 1000000", false),
      probe("p-next", "echo next", false),
  };
  const auto run = run_script(probes, 1000);
  REQUIRE(run.order.size() == 2);
  CHECK(run.outputs.at("p-big").output.size() == 1000);
  CHECK(run.outputs.at("p-big").output.substr(0, 4) == "y\ny\n");
  CHECK(run.outputs.at("p-big").complete);
  CHECK(run.outputs.at("p-next").output == "next\n");
}

TEST_CASE("a probe that outlives its timeout exits 124") {
  const std::vector<ProbeSpec> probes = {
      probe("p-sleep", "echo before; sleep 30; echo after", false, 1),
      probe("p-next", "echo next", false),
  };
  const auto run = run_script(probes);
  REQUIRE(run.order.size() == 2);
  const auto& sleeper = run.outputs.at("p-sleep");
  CHECK(sleeper.complete);
  CHECK(sleeper.exit_code == k_exit_timeout);
  CHECK(sleeper.output == "before\n");
  CHECK(run.outputs.at("p-next").output == "next\n");
  CHECK(run.outputs.at("p-next").exit_code == 0);
}

TEST_CASE("two parts over one shell: the facts, then the probes") {
  const auto transport = this_machine();
  std::string error;
  const auto channel = transport->open(remote_command(""), error);
  REQUIRE(channel);
  FrameParser parser(k_boundary, 1024 * 1024);
  const auto feed = [&](std::string_view chunk) { parser.feed(chunk); };
  const std::vector<ProbeSpec> first = {probe("f-1", "echo one", true),
                                        probe("f-2", "X=set; echo two", true)};
  const auto part1 = generate_script(first, {k_boundary, 4096, true, false});
  CHECK(part1.find("exit 0") == std::string::npos);
  const auto state =
      channel->pump(part1, false, feed, [&] { return parser.outputs().size() >= first.size(); });
  REQUIRE(state == PumpState::done);
  REQUIRE(parser.outputs().size() == 2);
  CHECK(parser.outputs()[1].output == "two\n");

  // The second part relies on the first part's functions and boundary.
  const std::vector<ProbeSpec> second = {probe("p-1", "echo \"x=${X:-unset}\"", false),
                                         probe("p-2", "echo three", true)};
  const auto part2 = generate_script(second, {k_boundary, 4096, false, true});
  CHECK(part2.find(k_boundary) == std::string::npos);
  CHECK(part2.find("cisscan_probe() {") == std::string::npos);
  const auto end = channel->pump(part2, true, feed, [] { return false; });
  parser.finish();
  const auto exec = channel->finish();
  CHECK(end == PumpState::ended);
  CHECK(exec.ok);
  CHECK(exec.exit_status == 0);
  REQUIRE(parser.outputs().size() == 4);
  CHECK(parser.outputs()[2].id == "p-1");
  // Quick probes run in a subshell: their variables do not leak into later probes.
  CHECK(parser.outputs()[2].output == "x=unset\n");
  CHECK(parser.outputs()[3].output == "three\n");
  CHECK(parser.outputs()[3].complete);
}

TEST_CASE("the probes' part tells them the uid the facts saw, and nothing else does") {
  const auto transport = this_machine();
  const auto run = [&](const std::string& uid) {
    std::string error;
    const auto channel = transport->open("CISSCAN_UID=7 sh -s", error);
    REQUIRE(channel);
    FrameParser parser(k_boundary, 1024 * 1024);
    const auto feed = [&](std::string_view chunk) { parser.feed(chunk); };
    const std::vector<ProbeSpec> facts = {probe("f-1", "echo \"f=${CISSCAN_UID-unset}\"", true)};
    channel->pump(generate_script(facts, {k_boundary, 4096, true, false}), false, feed,
                  [&] { return !parser.outputs().empty(); });
    const std::vector<ProbeSpec> probes = {probe("p-1", "echo \"q=${CISSCAN_UID-unset}\"", true),
                                           probe("p-2", "echo \"w=${CISSCAN_UID-unset}\"", false)};
    ScriptOptions second{k_boundary, 4096, false, true};
    second.uid = uid;
    channel->pump(generate_script(probes, second), true, feed, [] { return false; });
    parser.finish();
    channel->finish();
    std::string out;
    for (const auto& output : parser.outputs()) {
      out += output.output;
    }
    return out;
  };
  // An inherited CISSCAN_UID never counts: the facts' part clears it.
  CHECK(run("1234") == "f=unset\nq=1234\nw=1234\n");
  CHECK(run("") == "f=unset\nq=unset\nw=unset\n");
  CHECK(run("0; touch /tmp/x") == "f=unset\nq=unset\nw=unset\n");
}

TEST_CASE("the script carries each command quoted") {
  const auto script = generate_script({probe("p-1", "echo 'x'", false)}, {k_boundary, 4096});
  CHECK(script.rfind("B=" + k_boundary + "\n", 0) == 0);
  CHECK(script.find("cisscan_probe p-1 30 4096 'echo '\\''x'\\'''\n") != std::string::npos);
  CHECK(script.size() >= 8);
  CHECK(script.substr(script.size() - 7) == "exit 0\n");
}
