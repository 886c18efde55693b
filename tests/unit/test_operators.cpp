#include "evaluate/operators.hpp"

#include "catalog/probe_types.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cisscan;

namespace {

// The YAML text as a check file's reader collecting its problems.
util::YamlFile yaml(const std::string& text) {
  return util::YamlFile::from_text("t.yaml", text, util::YamlFile::Mode::collect);
}

Expectation parse(const std::string& text, const std::string& probe_type = "command") {
  const auto file = yaml(text);
  auto e = parse_expectation(file.root(), probe_type, file);
  REQUIRE(file.diagnostics().empty());
  return e;
}

// The view of an output of a probe of `probe_type`, its fields read as the evaluation reads them.
ProbeView view(const std::string& probe_type, ProbeState state, int exit_code,
               const std::string& output) {
  return view_of(find_probe_type(probe_type), state, exit_code, output);
}

Outcome judge(const std::string& yaml_text, const std::string& output,
              const std::string& probe_type = "command", int exit_code = 0) {
  const auto e = parse(yaml_text, probe_type);
  return evaluate_expectation(e, view(probe_type, ProbeState::ok, exit_code, output)).outcome;
}

const std::string k_stat = "mode=640 uid=0 gid=42 owner=root group=shadow type=regular file";

// Every problem parse_expectation reports, "line: message".
std::vector<std::string> problems(const std::string& text,
                                  const std::string& probe_type = "command") {
  const auto file = yaml(text);
  (void)parse_expectation(file.root(), probe_type, file);
  std::vector<std::string> out;
  for (const auto& d : file.diagnostics()) {
    out.push_back(std::to_string(d.line) + ": " + d.message);
  }
  return out;
}

// The line where parse_expectation reports its first problem, or 0 when there is none.
int error_line(const std::string& text, const std::string& probe_type = "command") {
  const auto file = yaml(text);
  (void)parse_expectation(file.root(), probe_type, file);
  return file.diagnostics().empty() ? 0 : file.diagnostics().front().line;
}

std::string error_text(const std::string& text, const std::string& probe_type = "command") {
  const auto file = yaml(text);
  (void)parse_expectation(file.root(), probe_type, file);
  return file.diagnostics().empty() ? std::string() : file.diagnostics().front().message;
}

} // namespace

TEST_CASE("every operator passes and fails") {
  SUBCASE("line") {
    CHECK(judge("{line: '^permitrootlogin\\s+no$'}", "port 22\npermitrootlogin no\n") ==
          Outcome::pass);
    CHECK(judge("{line: '^permitrootlogin\\s+no$'}", "permitrootlogin yes\n") == Outcome::fail);
    CHECK(judge("{line: 'x'}", "") == Outcome::fail);
    const auto v = evaluate_expectation(parse("{line: '^b'}"), {ProbeState::ok, 0, "a\nbb\nc", {}});
    CHECK(v.observed == "bb");
    CHECK(v.expected == "a line matching /^b/");
  }
  SUBCASE("no_line") {
    CHECK(judge("{no_line: '\\S'}", "\n  \n") == Outcome::pass);
    CHECK(judge("{no_line: '\\S'}", "") == Outcome::pass);
    const auto v = evaluate_expectation(parse("{no_line: '\\S'}"),
                                        {ProbeState::ok, 0, "games\n\nnobody\n", {}});
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
        {ProbeState::ok, 0, "port 22\n", {}});
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
    const auto v = evaluate_expectation(parse("{mode_at_most: '0600'}", "stat"),
                                        view("stat", ProbeState::ok, 0, k_stat));
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
    CHECK(evaluate_expectation(e_true, {ProbeState::absent, 3, "", {}}).outcome == Outcome::fail);
    CHECK(evaluate_expectation(e_false, {ProbeState::absent, 3, "", {}}).outcome == Outcome::pass);
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
          const auto outcome = evaluate_expectation(e, {state, code, output, {}}).outcome;
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
  CHECK(evaluate_expectation(e, {ProbeState::absent, 3, "", {}}).observed == "does not exist");
  CHECK(evaluate_expectation(e, {ProbeState::denied, 4, "", {}}).observed == "permission denied");
  CHECK(evaluate_expectation(e, {ProbeState::timeout, 124, "", {}}).observed == "timed out");
  CHECK(evaluate_expectation(e, {ProbeState::not_run, -1, "", {}}).observed == "not run");
  CHECK(evaluate_expectation(e, {ProbeState::error, 9, "", {}}).observed ==
        "probe failed (exit 9)");
}

TEST_CASE("a regex that hits the match limit is an error, not a verdict") {
  const auto e = parse("{line: '^(a+)+$'}");
  const std::string hostile = std::string(5000, 'a') + "b";
  CHECK_THROWS_AS(evaluate_expectation(e, {ProbeState::ok, 0, hostile, {}}), std::runtime_error);
  const auto n = parse("{no_line: '^(a+)+$'}");
  CHECK_THROWS_AS(evaluate_expectation(n, {ProbeState::ok, 0, hostile, {}}), std::runtime_error);
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
  SUBCASE("a whole-output comparison that could never hold") {
    // A sysctl probe's output is running= and configured= lines, a service probe's enabled=
    // and active=: one value of one line never equals it.
    CHECK(error_line("\nequals: '1'\n", "sysctl") == 2);
    CHECK(error_text("equals: '1'", "sysctl") ==
          "operator 'equals' compares the whole output, which for a sysctl probe has at least 2 "
          "lines: '1' never equals it (compare one line with line: REGEX)");
    CHECK(error_line("any:\n  - line: '^running=1$'\n  - equals: [active]\n", "service") == 3);
    CHECK(error_line("equals: \"running=1\\nconfigured=1\"", "sysctl") == 0);
    CHECK(error_line("equals: '1'", "command") == 0);
    CHECK(error_line("equals: '0644'", "stat") == 0);
    CHECK(error_line("line: '^running=1$'", "sysctl") == 0);
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

TEST_CASE("what a tree reads: the output's text, the exit code") {
  const auto e = parse("{any: [{exit_code: 0}, {all: [{exit_code: 1}]}]}", "command");
  CHECK(reads_exit_code(e));
  CHECK_FALSE(reads_output(e));
  const auto f = parse("{all: [{exists: true}, {owner: root}]}", "stat");
  CHECK(reads_output(f));
  CHECK_FALSE(reads_exit_code(f));
}

TEST_CASE("the parsed tree holds operator rows, not names") {
  const auto e =
      parse("{all: [{line: a}, {none: [{owner: root}, {mode_at_most: '0640'}]}]}", "stat");
  CHECK(e.op == find_operator("all"));
  REQUIRE(e.children.size() == 2);
  CHECK(e.children[0].op == find_operator("line"));
  CHECK(e.children[0].regex->pattern() == "a");
  CHECK(e.children[1].op == find_operator("none"));
  REQUIRE(e.children[1].children.size() == 2);
  CHECK(e.children[1].children[0].op == find_operator("owner"));
  CHECK(e.children[1].children[0].values == std::vector<std::string>{"root"});
  CHECK(e.children[1].children[1].op == find_operator("mode_at_most"));
  CHECK(e.children[1].children[1].mode == 0640);
  const auto c = parse("{compare: {line: '(\\d+)', op: '>=', value: 2.5}}");
  CHECK(c.compare == CompareOp::greater_equal);
  CHECK(c.number == 2.5);
}

TEST_CASE("parse_expectation reports every problem of a tree") {
  const auto p = problems("all:\n"
                          "  - line: '(('\n"
                          "  - bogus: x\n"
                          "  - compare: {line: '(a', op: '=<', value: many, vlaue: 1}\n"
                          "  - owner: root\n");
  REQUIRE(p.size() == 7);
  CHECK(p[0].rfind("2: regular expression does not compile", 0) == 0);
  CHECK(p[1].rfind("3: unknown operator 'bogus'", 0) == 0);
  CHECK(p[2].rfind("4: unknown key 'vlaue' in compare", 0) == 0);
  CHECK(p[3].rfind("4: regular expression does not compile", 0) == 0);
  CHECK(p[4] == "4: compare op '=<' is not one of < <= == != >= >");
  CHECK(p[5] == "4: compare value must be a number");
  CHECK(p[6] == "5: operator 'owner' does not apply to a command probe");
  CHECK(problems("{all: [{line: a}, {line: b}]}").empty());
}

TEST_CASE("stat operators read the fields parsed once per output, not the text") {
  SUBCASE("read_stat_fields") {
    const auto f = read_stat_fields("  " + k_stat + "\n");
    CHECK(f.mode == 0640u);
    CHECK(f.uid == 0ul);
    CHECK(f.gid == 42ul);
    CHECK(f.owner == "root");
    CHECK(f.group == "shadow");
    CHECK(f.type == "regular file");
    const auto partial = read_stat_fields("uid=0 gid=0 owner=1000");
    CHECK_FALSE(partial.mode);
    CHECK(partial.owner == "1000");
    CHECK(partial.group.empty());
  }
  SUBCASE("the probe type row reads them, only from a readable output") {
    CHECK(std::holds_alternative<StatFields>(view("stat", ProbeState::ok, 0, k_stat).fields));
    CHECK(
        std::holds_alternative<std::monostate>(view("stat", ProbeState::denied, 4, k_stat).fields));
    CHECK(std::holds_alternative<std::monostate>(view("file", ProbeState::ok, 0, k_stat).fields));
  }
  SUBCASE("operators judge the fields of the view") {
    // The text says otherwise: the operators must not parse it again.
    ProbeView v{ProbeState::ok, 0, "mode=777 owner=nobody group=nogroup", {}};
    v.fields = read_stat_fields(k_stat);
    const auto e = parse("{all: [{mode_at_most: '0640'}, {owner: root}, {group: shadow}]}", "stat");
    const auto verdict = evaluate_expectation(e, v);
    CHECK(verdict.outcome == Outcome::pass);
    CHECK(verdict.observed == "mode 0640; owner root; group shadow");
    // A view without fields (an output the stat row did not read) is unreadable, never a pass.
    const ProbeView bare{ProbeState::ok, 0, k_stat, {}};
    CHECK(evaluate_expectation(e, bare).outcome == Outcome::unreadable);
  }
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
