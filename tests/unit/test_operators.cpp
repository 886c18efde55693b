#include "evaluate/operators.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cisscan;

namespace {

Expectation parse(const std::string& yaml, const std::string& probe_type = "command") {
  return parse_expectation(YAML::Load(yaml), probe_type);
}

Outcome judge(const std::string& yaml, const std::string& output,
              const std::string& probe_type = "command", int exit_code = 0) {
  const auto e = parse(yaml, probe_type);
  return evaluate_expectation(e, {ProbeState::ok, exit_code, output}).outcome;
}

const std::string k_stat = "mode=640 uid=0 gid=42 owner=root group=shadow type=regular file";

// The line where parse_expectation reports its error, or 0 when it does not throw.
int error_line(const std::string& yaml, const std::string& probe_type = "command") {
  try {
    (void)parse(yaml, probe_type);
  } catch (const ExpectationError& e) {
    return e.line();
  }
  return 0;
}

std::string error_text(const std::string& yaml, const std::string& probe_type = "command") {
  try {
    (void)parse(yaml, probe_type);
  } catch (const ExpectationError& e) {
    return e.what();
  }
  return {};
}

} // namespace

TEST_CASE("every operator passes and fails") {
  SUBCASE("line") {
    CHECK(judge("{line: '^permitrootlogin\\s+no$'}", "port 22\npermitrootlogin no\n") ==
          Outcome::pass);
    CHECK(judge("{line: '^permitrootlogin\\s+no$'}", "permitrootlogin yes\n") == Outcome::fail);
    CHECK(judge("{line: 'x'}", "") == Outcome::fail);
    const auto v = evaluate_expectation(parse("{line: '^b'}"), {ProbeState::ok, 0, "a\nbb\nc"});
    CHECK(v.observed == "bb");
    CHECK(v.expected == "a line matching /^b/");
  }
  SUBCASE("no_line") {
    CHECK(judge("{no_line: '\\S'}", "\n  \n") == Outcome::pass);
    CHECK(judge("{no_line: '\\S'}", "") == Outcome::pass);
    const auto v =
        evaluate_expectation(parse("{no_line: '\\S'}"), {ProbeState::ok, 0, "games\n\nnobody\n"});
    CHECK(v.outcome == Outcome::fail);
    CHECK(v.observed == "games\nnobody");
  }
  SUBCASE("equals") {
    CHECK(judge("{equals: '0'}", "0\n") == Outcome::pass);
    CHECK(judge("{equals: ['0', '2']}", " 2 \n") == Outcome::pass);
    CHECK(judge("{equals: '0'}", "1\n") == Outcome::fail);
    CHECK(judge("{equals: '0'}", "00\n") == Outcome::fail);
  }
  SUBCASE("contains") {
    CHECK(judge("{contains: [nodev, nosuid]}", "/tmp tmpfs rw,nodev,nosuid") == Outcome::pass);
    CHECK(judge("{contains: [nodev, noexec]}", "/tmp tmpfs rw,nodev,nosuid") == Outcome::fail);
    CHECK(judge("{contains: nodev}", "") == Outcome::fail);
  }
  SUBCASE("compare, every op") {
    const std::string out = "maxauthtries 4\n";
    const auto cmp = [&](const std::string& op, const std::string& value) {
      return judge("{compare: {line: '^maxauthtries\\s+(\\d+)$', op: '" + op +
                       "', value: " + value + "}}",
                   out);
    };
    CHECK(cmp("<=", "4") == Outcome::pass);
    CHECK(cmp("<=", "3") == Outcome::fail);
    CHECK(cmp("<", "5") == Outcome::pass);
    CHECK(cmp("<", "4") == Outcome::fail);
    CHECK(cmp("==", "4") == Outcome::pass);
    CHECK(cmp("==", "4.5") == Outcome::fail);
    CHECK(cmp("!=", "3") == Outcome::pass);
    CHECK(cmp("!=", "4") == Outcome::fail);
    CHECK(cmp(">=", "4") == Outcome::pass);
    CHECK(cmp(">=", "5") == Outcome::fail);
    CHECK(cmp(">", "3") == Outcome::pass);
    CHECK(cmp(">", "4") == Outcome::fail);
    CHECK(judge("{compare: {line: '^X\\s+(-?\\d+)', op: '>', value: 0}}", "X -1\n") ==
          Outcome::fail);
  }
  SUBCASE("compare: only the first matching line counts") {
    CHECK(judge("{compare: {line: '^v (\\d+)', op: '<', value: 5}}", "v 9\nv 1\n") ==
          Outcome::fail);
  }
  SUBCASE("compare with no matching line fails") {
    const auto v = evaluate_expectation(
        parse("{compare: {line: '^maxauthtries\\s+(\\d+)$', op: '<=', value: 4}}"),
        {ProbeState::ok, 0, "port 22\n"});
    CHECK(v.outcome == Outcome::fail);
    CHECK(v.observed == "no line matched");
  }
  SUBCASE("compare on a capture that is not a number fails") {
    CHECK(judge("{compare: {line: '^v (\\S+)', op: '<', value: 5}}", "v abc\n") == Outcome::fail);
  }
  SUBCASE("compare without a capture group fails") {
    CHECK(judge("{compare: {line: '^v \\d+', op: '<', value: 5}}", "v 1\n") == Outcome::fail);
  }
  SUBCASE("mode_at_most") {
    CHECK(judge("{mode_at_most: '0640'}", k_stat, "stat") == Outcome::pass);
    CHECK(judge("{mode_at_most: '0644'}", k_stat, "stat") == Outcome::pass);
    CHECK(judge("{mode_at_most: '0600'}", k_stat, "stat") == Outcome::fail);
    CHECK(judge("{mode_at_most: '0644'}", "mode=4755 uid=0 owner=root", "stat") == Outcome::fail);
    CHECK(judge("{mode_at_most: '0644'}", "mode=0 uid=0 owner=root", "stat") == Outcome::pass);
    // 0750 is not "at most" 0644 even though it is numerically smaller than 0777.
    CHECK(judge("{mode_at_most: '0644'}", "mode=750 owner=root", "stat") == Outcome::fail);
    const auto v =
        evaluate_expectation(parse("{mode_at_most: '0600'}", "stat"), {ProbeState::ok, 0, k_stat});
    CHECK(v.expected == "mode at most 0600");
    CHECK(v.observed == "mode 0640");
  }
  SUBCASE("owner and group") {
    CHECK(judge("{owner: root}", k_stat, "stat") == Outcome::pass);
    CHECK(judge("{owner: [daemon, root]}", k_stat, "stat") == Outcome::pass);
    CHECK(judge("{owner: nobody}", k_stat, "stat") == Outcome::fail);
    CHECK(judge("{group: [root, shadow]}", k_stat, "stat") == Outcome::pass);
    CHECK(judge("{group: root}", k_stat, "stat") == Outcome::fail);
    // "uid=0" must not be read as the owner, nor "gid=" as the group.
    CHECK(judge("{owner: '0'}", "mode=640 uid=0 gid=0 owner=1000 group=1000", "stat") ==
          Outcome::fail);
  }
  SUBCASE("exit_code") {
    CHECK(judge("{exit_code: 0}", "", "command", 0) == Outcome::pass);
    CHECK(judge("{exit_code: [0, 1]}", "", "command", 1) == Outcome::pass);
    CHECK(judge("{exit_code: 0}", "", "command", 2) == Outcome::fail);
  }
  SUBCASE("exists") {
    CHECK(judge("{exists: true}", "content", "file") == Outcome::pass);
    CHECK(judge("{exists: false}", "content", "file") == Outcome::fail);
    const auto e_true = parse("{exists: true}", "package");
    const auto e_false = parse("{exists: false}", "package");
    CHECK(evaluate_expectation(e_true, {ProbeState::absent, 3, ""}).outcome == Outcome::fail);
    CHECK(evaluate_expectation(e_false, {ProbeState::absent, 3, ""}).outcome == Outcome::pass);
  }
  SUBCASE("all, any, none") {
    const std::string out = "a\nb\n";
    CHECK(judge("{all: [{line: '^a$'}, {line: '^b$'}]}", out) == Outcome::pass);
    CHECK(judge("{all: [{line: '^a$'}, {line: '^c$'}]}", out) == Outcome::fail);
    CHECK(judge("{any: [{line: '^c$'}, {line: '^b$'}]}", out) == Outcome::pass);
    CHECK(judge("{any: [{line: '^c$'}, {line: '^d$'}]}", out) == Outcome::fail);
    CHECK(judge("{none: [{line: '^c$'}, {line: '^d$'}]}", out) == Outcome::pass);
    CHECK(judge("{none: [{line: '^c$'}, {line: '^a$'}]}", out) == Outcome::fail);
    CHECK(judge("{all: [{any: [{line: '^x$'}, {line: '^a$'}]}, {none: [{line: '^z$'}]}]}", out) ==
          Outcome::pass);
  }
}

TEST_CASE("all / any / none are three-valued") {
  // On a stat output without a mode, mode_at_most is unreadable; owner root passes.
  const std::string out = "owner=root group=root";
  const std::string pass = "{owner: root}";
  const std::string fail = "{owner: nobody}";
  const std::string unread = "{mode_at_most: '0644'}";
  const auto combo = [&](const std::string& op, const std::string& a, const std::string& b) {
    return judge("{" + op + ": [" + a + ", " + b + "]}", out, "stat");
  };
  REQUIRE(judge(unread, out, "stat") == Outcome::unreadable);

  CHECK(combo("all", pass, pass) == Outcome::pass);
  CHECK(combo("all", pass, unread) == Outcome::unreadable);
  CHECK(combo("all", fail, unread) == Outcome::fail);
  CHECK(combo("all", unread, unread) == Outcome::unreadable);

  CHECK(combo("any", fail, fail) == Outcome::fail);
  CHECK(combo("any", fail, unread) == Outcome::unreadable);
  CHECK(combo("any", pass, unread) == Outcome::pass);
  CHECK(combo("any", unread, unread) == Outcome::unreadable);

  CHECK(combo("none", fail, fail) == Outcome::pass);
  CHECK(combo("none", fail, unread) == Outcome::unreadable);
  CHECK(combo("none", pass, unread) == Outcome::fail);
  CHECK(combo("none", unread, unread) == Outcome::unreadable);
}

TEST_CASE("an unreadable probe never passes") {
  struct Case {
    std::string yaml;
    std::string type;
  };
  const std::vector<Case> cases = {
      {"{line: '.*'}", "file"},
      {"{line: '^$'}", "file"},
      {"{no_line: 'x'}", "file"},
      {"{no_line: '.'}", "command"},
      {"{equals: ''}", "file"},
      {"{contains: ''}", "file"},
      {"{compare: {line: '(\\d*)', op: '>=', value: 0}}", "file"},
      {"{mode_at_most: '7777'}", "stat"},
      {"{owner: root}", "stat"},
      {"{group: root}", "stat"},
      {"{exit_code: [0, 1, 2, 3, 4, 5, 124, 126, 127, -1]}", "command"},
      {"{exists: true}", "file"},
      {"{exists: false}", "stat"},
      {"{all: [{no_line: 'x'}]}", "file"},
      {"{any: [{no_line: 'x'}, {line: ''}]}", "file"},
      {"{none: [{line: 'x'}]}", "file"},
      {"{none: [{line: 'x'}, {no_line: 'y'}]}", "file"},
  };
  const std::vector<ProbeState> states = {ProbeState::absent, ProbeState::denied, ProbeState::error,
                                          ProbeState::timeout, ProbeState::not_run};
  for (const auto& c : cases) {
    const auto e = parse(c.yaml, c.type);
    for (const auto state : states) {
      for (const int code : {-1, 0, 3, 4, 124}) {
        for (const std::string output : {"", "x\ny\n", "mode=777 owner=root group=root"}) {
          CAPTURE(c.yaml);
          CAPTURE(static_cast<int>(state));
          CAPTURE(code);
          const auto outcome = evaluate_expectation(e, {state, code, output}).outcome;
          if (c.yaml == "{exists: false}" && state == ProbeState::absent) {
            CHECK(outcome == Outcome::pass);
          } else {
            CHECK(outcome != Outcome::pass);
          }
        }
      }
    }
  }
}

TEST_CASE("unreadable verdicts say why") {
  const auto e = parse("{line: x}", "file");
  CHECK(evaluate_expectation(e, {ProbeState::absent, 3, ""}).observed == "does not exist");
  CHECK(evaluate_expectation(e, {ProbeState::denied, 4, ""}).observed == "permission denied");
  CHECK(evaluate_expectation(e, {ProbeState::timeout, 124, ""}).observed == "timed out");
  CHECK(evaluate_expectation(e, {ProbeState::not_run, -1, ""}).observed == "not run");
  CHECK(evaluate_expectation(e, {ProbeState::error, 9, ""}).observed == "probe failed (exit 9)");
}

TEST_CASE("a regex that hits the match limit is an error, not a verdict") {
  const auto e = parse("{line: '^(a+)+$'}");
  const std::string hostile = std::string(5000, 'a') + "b";
  CHECK_THROWS_AS(evaluate_expectation(e, {ProbeState::ok, 0, hostile}), std::runtime_error);
  const auto n = parse("{no_line: '^(a+)+$'}");
  CHECK_THROWS_AS(evaluate_expectation(n, {ProbeState::ok, 0, hostile}), std::runtime_error);
}

TEST_CASE("parse_expectation errors carry the 1-based line") {
  SUBCASE("unknown operator") {
    const std::string yaml = "\n\nmatches: 'x'\n";
    CHECK(error_line(yaml) == 3);
    CHECK(error_text(yaml).find("unknown operator 'matches'") != std::string::npos);
  }
  SUBCASE("unknown operator nested in all") {
    CHECK(error_line("all:\n  - line: a\n  - bogus: b\n") == 3);
  }
  SUBCASE("bad regex") {
    const std::string yaml = "all:\n  - line: a\n  - no_line: '([a-'\n";
    CHECK(error_line(yaml) == 3);
    CHECK(error_text(yaml).find("does not compile") != std::string::npos);
  }
  SUBCASE("bad regex in compare") {
    CHECK(error_line("compare:\n  line: '(('\n  op: '<'\n  value: 1\n") == 2);
  }
  SUBCASE("operator not valid for the probe type") {
    CHECK(error_line("\nmode_at_most: '0640'\n", "file") == 2);
    CHECK(error_text("mode_at_most: '0640'", "file").find("does not apply to a file probe") !=
          std::string::npos);
    CHECK(error_line("exit_code: 0", "stat") == 1);
    CHECK(error_line("any:\n  - owner: root\n  - exists: true\n", "command") == 2);
    CHECK(error_line("exists: true", "command") == 1);
    CHECK(error_line("owner: root", "stat") == 0);
  }
  SUBCASE("bad compare op") {
    const std::string yaml = "compare:\n  line: '(\\d+)'\n  op: '=<'\n  value: 1\n";
    CHECK(error_line(yaml) == 3);
    CHECK(error_text(yaml).find("'=<'") != std::string::npos);
  }
  SUBCASE("compare value that is not a number") {
    CHECK(error_line("compare:\n  line: '(\\d+)'\n  op: '<'\n  value: many\n") == 4);
  }
  SUBCASE("compare with an unknown key") {
    CHECK(error_line("compare:\n  line: '(\\d+)'\n  op: '<'\n  value: 1\n  vlaue: 2\n") == 5);
  }
  SUBCASE("bad octal mode") {
    CHECK(error_line("\n\nmode_at_most: '0980'\n", "stat") == 3);
    CHECK(error_line("mode_at_most: 'rw-r--r--'", "stat") == 1);
    CHECK(error_line("mode_at_most: '17777'", "stat") == 1);
    CHECK(error_line("mode_at_most: ''", "stat") == 1);
    CHECK(error_line("mode_at_most: '0640'", "stat") == 0);
  }
  SUBCASE("empty combinator and two operators in one mapping") {
    CHECK(error_line("\nall: []\n") == 2);
    CHECK(error_line("line: a\nno_line: b\n") == 1);
  }
  SUBCASE("exists wants a boolean, exit_code a number") {
    CHECK(error_line("\nexists: maybe\n", "file") == 2);
    CHECK(error_line("\nexit_code: zero\n") == 2);
  }
}

TEST_CASE("uses_operator finds nested operators") {
  const auto e = parse("{any: [{line: a}, {all: [{exit_code: 1}]}]}");
  CHECK(uses_operator(e, "exit_code"));
  CHECK(uses_operator(e, "any"));
  CHECK_FALSE(uses_operator(e, "no_line"));
}

TEST_CASE("the operator table has one row per documented operator") {
  std::vector<std::string> names;
  for (const auto& spec : operator_table()) {
    names.emplace_back(spec.name);
    CHECK(find_operator(spec.name) == &spec);
  }
  CHECK(names == std::vector<std::string>{"line", "no_line", "equals", "contains", "compare",
                                          "mode_at_most", "owner", "group", "exit_code", "exists",
                                          "all", "any", "none"});
  CHECK(find_operator("regex") == nullptr);
}
