#include "evaluate/evaluate.hpp"

#include "catalog/probe_types.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace cisscan;

namespace {

ProbeSpec probe_spec(const std::string& type, const std::string& argument) {
  ProbeSpec spec;
  spec.id = "p-" + type;
  spec.type = type;
  spec.argument = argument;
  spec.command = find_probe_type(type)->command(argument);
  return spec;
}

CheckPtr make_check(const std::string& type, const std::string& expect_yaml,
                    OnMissing on_missing = OnMissing::error) {
  auto check = std::make_shared<Check>();
  check->id = "t-check";
  check->title = "test check";
  check->safeguards = {"4.1"};
  check->probe = probe_spec(type, type == "command" ? "true" : "/etc/x");
  const auto file =
      util::YamlFile::from_text("t.yaml", expect_yaml, util::YamlFile::Mode::throw_first);
  check->expect = parse_expectation(file.root(), type, file);
  check->on_missing = on_missing;
  return check;
}

ProbeRecord record_of(const ProbeSpec& spec, ProbeState state, int exit_code,
                      const std::string& output) {
  ProbeRecord record;
  record.spec = spec;
  record.state = state;
  record.output.id = spec.id;
  record.output.output = output;
  record.output.exit_code = exit_code;
  record.output.complete = true;
  return record;
}

CheckResult run(const CheckPtr& check, const ProbeRecord& record) {
  const PlannedCheck planned{check, Decision::run, {}};
  return evaluate_check(planned, {{record.spec.id, &record}});
}

ProbeOutput output_with(int exit_code, bool complete = true) {
  ProbeOutput out;
  out.exit_code = exit_code;
  out.complete = complete;
  return out;
}

} // namespace

TEST_CASE("classify reads exit codes by the probe type's convention") {
  const auto file = probe_spec("file", "/etc/x");
  const auto command = probe_spec("command", "true");
  SUBCASE("typed probes") {
    CHECK(classify(file, nullptr) == ProbeState::not_run);
    auto out = output_with(0);
    CHECK(classify(file, &out) == ProbeState::ok);
    out = output_with(3);
    CHECK(classify(file, &out) == ProbeState::absent);
    out = output_with(4);
    CHECK(classify(file, &out) == ProbeState::denied);
    out = output_with(1);
    CHECK(classify(file, &out) == ProbeState::error);
    out = output_with(124);
    CHECK(classify(file, &out) == ProbeState::timeout);
    out = output_with(0, false);
    CHECK(classify(file, &out) == ProbeState::error);
  }
  SUBCASE("command probes keep their exit code") {
    auto out = output_with(0);
    CHECK(classify(command, &out) == ProbeState::ok);
    out = output_with(3);
    CHECK(classify(command, &out) == ProbeState::ok);
    out = output_with(1);
    CHECK(classify(command, &out) == ProbeState::ok);
    out = output_with(127);
    CHECK(classify(command, &out) == ProbeState::error);
    out = output_with(126);
    CHECK(classify(command, &out) == ProbeState::error);
    out = output_with(124);
    CHECK(classify(command, &out) == ProbeState::timeout);
    out = output_with(-1, false);
    CHECK(classify(command, &out) == ProbeState::error);
  }
}

TEST_CASE("evaluate_check turns verdicts into statuses") {
  SUBCASE("pass and fail, with expected and observed") {
    const auto check = make_check("file", "{line: '^PASS_MAX_DAYS\\s+90$'}");
    const auto good = record_of(*check->probe, ProbeState::ok, 0, "PASS_MAX_DAYS 90\n");
    const auto result = run(check, good);
    CHECK(result.status == ResultStatus::pass);
    CHECK(result.probe_ids == std::vector<std::string>{"p-file"});
    CHECK(result.expected == "a line matching /^PASS_MAX_DAYS\\s+90$/");
    CHECK(result.observed == "PASS_MAX_DAYS 90");
    const auto bad = record_of(*check->probe, ProbeState::ok, 0, "PASS_MAX_DAYS 99999\n");
    CHECK(run(check, bad).status == ResultStatus::fail);
  }
  SUBCASE("unreadable is error by default, fail with on_missing: fail") {
    for (const auto state :
         {ProbeState::absent, ProbeState::denied, ProbeState::error, ProbeState::timeout}) {
      CAPTURE(static_cast<int>(state));
      const auto error_check = make_check("file", "{no_line: 'x'}");
      const auto fail_check = make_check("file", "{no_line: 'x'}", OnMissing::fail);
      const auto record = record_of(*error_check->probe, state, 3, "");
      const auto as_error = run(error_check, record);
      CHECK(as_error.status == ResultStatus::error);
      CHECK(as_error.reason.find("could not read") != std::string::npos);
      // The reason says what was observed, as the result does.
      CHECK_FALSE(as_error.observed.empty());
      CHECK(as_error.reason ==
            "the probe could not read what the check needs: " + as_error.observed);
      CHECK(run(fail_check, record).status == ResultStatus::fail);
    }
  }
  SUBCASE("exists: false on an absent file passes") {
    const auto check = make_check("file", "{exists: false}");
    CHECK(run(check, record_of(*check->probe, ProbeState::absent, 3, "")).status ==
          ResultStatus::pass);
  }
  SUBCASE("a probe that did not run is an error, whatever on_missing says") {
    const auto check = make_check("file", "{exists: false}", OnMissing::fail);
    const PlannedCheck planned{check, Decision::run, {}};
    const auto missing = evaluate_check(planned, {});
    CHECK(missing.status == ResultStatus::error);
    CHECK(missing.reason == "the probe did not run");
    const auto not_run = record_of(*check->probe, ProbeState::not_run, -1, "");
    CHECK(run(check, not_run).status == ResultStatus::error);
  }
  SUBCASE("a command exiting non-zero is an error unless the check reads exit codes") {
    const auto check = make_check("command", "{no_line: '\\S'}");
    const auto record = record_of(*check->probe, ProbeState::ok, 2, "\nawk: cannot open\n");
    const auto result = run(check, record);
    CHECK(result.status == ResultStatus::error);
    CHECK(result.reason == "the command exited 2: awk: cannot open");

    const auto by_code = make_check("command", "{exit_code: [0, 2]}");
    CHECK(run(by_code, record_of(*by_code->probe, ProbeState::ok, 2, "x")).status ==
          ResultStatus::pass);
    const auto nested = make_check("command", "{all: [{exit_code: 1}, {line: 'x'}]}");
    CHECK(run(nested, record_of(*nested->probe, ProbeState::ok, 1, "x")).status ==
          ResultStatus::pass);
    CHECK(run(nested, record_of(*nested->probe, ProbeState::ok, 2, "x")).status ==
          ResultStatus::fail);
  }
  SUBCASE("a typed probe's non-zero exit is judged by its state, not as a command") {
    const auto check = make_check("stat", "{owner: root}");
    const auto result = run(check, record_of(*check->probe, ProbeState::denied, 4, ""));
    CHECK(result.status == ResultStatus::error);
  }
  SUBCASE("a regex hitting the match limit gives error") {
    const auto check = make_check("file", "{line: '^(a+)+$'}");
    const auto record = record_of(*check->probe, ProbeState::ok, 0, std::string(5000, 'a') + "b\n");
    const auto result = run(check, record);
    CHECK(result.status == ResultStatus::error);
    CHECK(result.reason.find("could not be matched") != std::string::npos);
  }
  SUBCASE("not applicable, manual and undecided pass through with their reason") {
    const auto check = make_check("file", "{exists: true}");
    const auto na = evaluate_check({check, Decision::not_applicable, "os is alpine"}, {});
    CHECK(na.status == ResultStatus::not_applicable);
    CHECK(na.reason == "os is alpine");
    CHECK(na.probe_ids.empty());
    const auto manual = evaluate_check({check, Decision::manual, "ask a person"}, {});
    CHECK(manual.status == ResultStatus::manual);
    CHECK(manual.reason == "ask a person");
    const auto undecided = evaluate_check(
        {check, Decision::undecided, "the installed packages could not be read"}, {});
    CHECK(undecided.status == ResultStatus::error);
    CHECK(undecided.reason == "the installed packages could not be read");
    CHECK(undecided.probe_ids.empty());
  }
}

TEST_CASE("evaluate_checks judges every planned check on views made once per probe") {
  const auto mode = make_check("stat", "{mode_at_most: '0640'}");
  const auto owner = make_check("stat", "{all: [{owner: root}, {group: shadow}]}");
  const auto missing = make_check("file", "{exists: true}");
  const auto stat = record_of(*mode->probe, ProbeState::ok, 0,
                              "mode=640 uid=0 gid=42 owner=root group=shadow type=regular file");
  const std::vector<PlannedCheck> planned = {{mode, Decision::run, {}},
                                             {owner, Decision::run, {}},
                                             {missing, Decision::run, {}},
                                             {mode, Decision::manual, "ask"}};
  const std::map<std::string, const ProbeRecord*> probes = {{stat.spec.id, &stat}};
  const auto results = evaluate_checks(planned, probes);
  REQUIRE(results.size() == 4);
  CHECK(results[0].status == ResultStatus::pass);
  CHECK(results[0].observed == "mode 0640");
  CHECK(results[1].status == ResultStatus::pass);
  CHECK(results[1].observed == "owner root; group shadow");
  CHECK(results[2].status == ResultStatus::error);
  CHECK(results[2].reason == "the probe did not run");
  CHECK(results[3].status == ResultStatus::manual);
  for (size_t i = 0; i < planned.size(); ++i) {
    const auto one = evaluate_check(planned[i], probes);
    CHECK(one.status == results[i].status);
    CHECK(one.observed == results[i].observed);
  }
}

TEST_CASE("status names") {
  CHECK(to_string(ResultStatus::pass) == "pass");
  CHECK(to_string(ResultStatus::fail) == "fail");
  CHECK(to_string(ResultStatus::error) == "error");
  CHECK(to_string(ResultStatus::not_applicable) == "not_applicable");
  CHECK(to_string(ResultStatus::manual) == "manual");
  CHECK(to_string(ResultStatus::waived) == "waived");
  CHECK(to_string(ProbeState::ok) == "ok");
  CHECK(to_string(ProbeState::absent) == "absent");
  CHECK(to_string(ProbeState::denied) == "denied");
  CHECK(to_string(ProbeState::error) == "error");
  CHECK(to_string(ProbeState::timeout) == "timeout");
  CHECK(to_string(ProbeState::not_run) == "not_run");
}

TEST_CASE("an empty output is an error unless the check says what it means") {
  const auto with_on_empty = [](const std::string& type, const std::string& expect,
                                OnEmpty on_empty) {
    auto check = std::make_shared<Check>(*make_check(type, expect));
    check->on_empty = on_empty;
    return CheckPtr(check);
  };
  SUBCASE("by default the check is an error with that reason") {
    const auto check = make_check("command", "{no_line: '\\S'}");
    for (const std::string output : {"", "\n", "  \n\t\n"}) {
      CAPTURE(output);
      const auto result = run(check, record_of(*check->probe, ProbeState::ok, 0, output));
      CHECK(result.status == ResultStatus::error);
      CHECK(result.reason == "the probe printed nothing");
      CHECK(result.observed.find("no output") != std::string::npos);
    }
  }
  SUBCASE("on_empty: pass and on_empty: fail decide") {
    const auto pass = with_on_empty("command", "{no_line: '\\S'}", OnEmpty::pass);
    const auto fail = with_on_empty("sysctl", "{line: '^running=1$'}", OnEmpty::fail);
    CHECK(run(pass, record_of(*pass->probe, ProbeState::ok, 0, "")).status == ResultStatus::pass);
    const auto failed = run(fail, record_of(*fail->probe, ProbeState::ok, 0, ""));
    CHECK(failed.status == ResultStatus::fail);
    CHECK(failed.expected == "a line matching /^running=1$/");
    // A non-empty output is judged by the expectation as always.
    CHECK(run(pass, record_of(*pass->probe, ProbeState::ok, 0, "root\n")).status ==
          ResultStatus::fail);
    CHECK(
        run(fail, record_of(*fail->probe, ProbeState::ok, 0, "running=1\nconfigured=1\n")).status ==
        ResultStatus::pass);
  }
  SUBCASE("an empty sysctl value is not judged as a wrong value") {
    const auto check = make_check("sysctl", "{line: '^running=0$'}");
    CHECK(run(check, record_of(*check->probe, ProbeState::ok, 0, "")).status ==
          ResultStatus::error);
  }
  SUBCASE("states other than ok keep their own meaning") {
    const auto check = with_on_empty("file", "{no_line: 'x'}", OnEmpty::pass);
    const auto absent = run(check, record_of(*check->probe, ProbeState::absent, 3, ""));
    CHECK(absent.status == ResultStatus::error);
    CHECK(absent.reason.find("could not read") != std::string::npos);
  }
  SUBCASE("exists and exit_code do not read the output") {
    const auto exists = make_check("file", "{exists: true}");
    CHECK(run(exists, record_of(*exists->probe, ProbeState::ok, 0, "")).status ==
          ResultStatus::pass);
    const auto code = make_check("command", "{exit_code: 1}");
    CHECK(run(code, record_of(*code->probe, ProbeState::ok, 1, "")).status == ResultStatus::pass);
    const auto mixed = make_check("command", "{all: [{exit_code: 0}, {no_line: 'x'}]}");
    CHECK(run(mixed, record_of(*mixed->probe, ProbeState::ok, 0, "")).status ==
          ResultStatus::error);
  }
}
