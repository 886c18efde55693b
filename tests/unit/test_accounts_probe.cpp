// The `accounts` probe type against this machine's own account files, and against account files
// with the states this machine lacks (duplicates, lines without ":", UID_MIN set, members of
// shadow) bound over /etc's in a private mount namespace: each question's answer, from its own
// command and from the facts' one reading, must be what the benchmark's own audit prints.
#include "catalog/accounts_probe.hpp"
#include "catalog/fact_blocks.hpp"
#include "catalog/probe_types.hpp"

#include "run_local.hpp"
#include "temp_dir.hpp"
#include "util/text.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include <unistd.h>

using namespace cisscan;

namespace {

// The benchmark's audits of the account files as the catalog ran them before the type: the
// canonical answer to each question.
const std::map<std::string, std::string> k_audits = {
    {"empty-passwords", "awk -F: '($2 == \"\") { print $1 }' /etc/shadow"},
    {"unshadowed", "awk -F: '($2 != \"x\") { print $1 }' /etc/passwd"},
    {"uid-0", "awk -F: '$3 == 0 { print $1 }' /etc/passwd"},
    {"gid-0-users",
     "awk -F: '$4 == \"0\" && $1 !~ /^(sync|shutdown|halt|operator)$/ { print $1 }' /etc/passwd"},
    {"gid-0-groups", "awk -F: '$3 == \"0\" { print $1 }' /etc/group"},
    {"system-shells",
     "m=$(awk '/^[[:space:]]*UID_MIN[[:space:]]/ {print $2}' /etc/login.defs); "
     "[ -n \"$m\" ] || m=1000; awk -F: -v min=\"$m\" 'FNR == NR { if ($0 !~ "
     "/^[[:space:]]*(#|$)/) s[$1]; next } $3 < min && $1 !~ "
     "/^(root|sync|shutdown|halt|nfsnobody)$/ && ($7 in s) { print $1 \":\" $7 }' /etc/shells "
     "/etc/passwd"},
    {"unlocked-no-shell",
     "awk -F: 'FILENAME == \"/etc/shells\" { if ($0 !~ /^[[:space:]]*(#|$)/) s[$1]; next } "
     "FILENAME == \"/etc/passwd\" { if (!($7 in s) && $1 != \"root\") n[$1]; next } ($1 in n) "
     "&& $2 !~ /^[!*]/ { print $1 }' /etc/shells /etc/passwd /etc/shadow"},
    {"missing-groups",
     "awk -F: 'FNR == NR { g[$3]; next } !($4 in g) { print $1 \":\" $4 }' /etc/group "
     "/etc/passwd"},
    {"shadow-group",
     "awk -F: 'FNR == NR { if ($1 == \"shadow\") { gid = $3; if ($4 != \"\") print \"member\", "
     "$4 }; next } gid != \"\" && $4 == gid { print \"primary\", $1 }' /etc/group /etc/passwd"},
    {"duplicate-uids", "cut -d: -f3 /etc/passwd | sort | uniq -d"},
    {"duplicate-gids", "cut -d: -f3 /etc/group | sort | uniq -d"},
    {"duplicate-users", "cut -d: -f1 /etc/passwd | sort | uniq -d"},
    {"duplicate-groups", "cut -d: -f1 /etc/group | sort | uniq -d"},
};

std::vector<std::string> all_queries() {
  std::vector<std::string> names;
  for (const auto name : account_queries()) {
    names.emplace_back(name);
  }
  return names;
}

// `command` under LC_ALL=C (as the host's script runs probes), in a private mount namespace with
// each of `files` bound over the /etc file of its name when there are any.
std::string within(const std::map<std::string, std::string>& files, const std::string& command) {
  std::string binds;
  for (const auto& [name, path] : files) {
    binds += "mount --bind " + util::shell_quote(path) + " /etc/" + name + " && ";
  }
  const auto script = "export LC_ALL=C; " + binds + command;
  return files.empty() ? script : "unshare -m sh -c " + util::shell_quote(script);
}

// Every question's own command and its block of the fact agree with its audit.
void agree_with_audits(const std::map<std::string, std::string>& files) {
  const auto fact = test::run_local(within(files, accounts_fact_command(all_queries())));
  REQUIRE(fact.exit_code == 0);
  for (const auto& entry : k_audits) {
    // Named, not a structured binding: clang does not let CAPTURE's lambda take one.
    const auto& query = entry.first;
    const auto& audit = entry.second;
    CAPTURE(query);
    const auto expected = test::run_local(within(files, audit));
    REQUIRE(expected.exit_code == 0);
    const auto ran = test::run_local(within(files, accounts_command(query)));
    CHECK(ran.exit_code == 0);
    CHECK(ran.output == expected.output);
    int exit_code = -1;
    const auto derived = fact_block(query, fact.output, exit_code);
    REQUIRE(derived);
    CHECK(*derived == expected.output);
    CHECK(exit_code == 0);
  }
}

} // namespace

TEST_CASE("accounts: every question is one the table answers, and each audit is tested") {
  CHECK(all_queries().size() == k_audits.size());
  for (const auto& query : all_queries()) {
    CHECK(k_audits.count(query) == 1);
    CHECK(validate_account_query(query).empty());
  }
  CHECK(validate_account_query("passwords").rfind("one of empty-passwords, ", 0) == 0);
  CHECK(test::run_local(accounts_command("passwords")).exit_code == 2);
  CHECK(find_probe_type("accounts")->quick);
}

TEST_CASE("accounts: this machine's own files give what the benchmark's audits print") {
  agree_with_audits({});
}

TEST_CASE("accounts: files with the states this machine lacks give what the audits print") {
  if (geteuid() != 0) {
    MESSAGE("not root: no private mount namespace to bind the files in");
    return;
  }
  const test::TempDir dir;
  // Two uid 0 accounts, a duplicate name and uid, a line without ":" (cut passes it whole), a
  // primary group that does not exist, an account in shadow's group, a system account with a
  // shell below a UID_MIN of 500, an unlocked account without a shell, an empty password, a
  // hash in /etc/passwd; uids that sort differently as text and as numbers.
  const std::map<std::string, std::string> files = {
      {"passwd", dir.write("passwd", "root:x:0:0:root:/root:/bin/bash\n"
                                     "toor:x:0:0::/root:/bin/sh\n"
                                     "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
                                     "svc:x:400:400::/srv:/bin/bash\n"
                                     "app:x:600:600::/srv/app:/usr/bin/false\n"
                                     "alice:$6$abc:1000:1000::/home/alice:/bin/bash\n"
                                     "bob:x:20:42::/home/bob:/bin/bash\n"
                                     "bob:x:100:9999::/home/bob2:/bin/bash\n"
                                     "carol:x:100:0::/home/carol:/bin/sh\n"
                                     "broken line\nbroken line\n")
                     .string()},
      {"group", dir.write("group", "root:x:0:\nwheel:x:0:\ndaemon:x:1:\nshadow:x:42:alice,svc\n"
                                   "svc:x:400:\napp:x:600:\nalice:x:1000:\nalice:x:1001:\n")
                    .string()},
      {"shadow", dir.write("shadow", "root:$6$x:19000:0:99999:7:::\ntoor::19000::::::\n"
                                     "daemon:*:19000::::::\nsvc:!:19000::::::\n"
                                     "app:$6$y:19000::::::\nalice:$6$z:19000::::::\n"
                                     "bob:!$6$q:19000::::::\ncarol:$6$w:19000::::::\n")
                     .string()},
      {"shells", dir.write("shells", "# shells\n/bin/sh\n/bin/bash\n\n").string()},
      {"login.defs", dir.write("login.defs", "# defaults\nUID_MIN\t\t\t 500\n").string()},
  };
  agree_with_audits(files);
  // The answers are not all empty: the states above are there to be found.
  const auto uid0 = test::run_local(within(files, accounts_command("uid-0")));
  CHECK(uid0.output == "root\ntoor\n");
  const auto dups = test::run_local(within(files, accounts_command("duplicate-uids")));
  CHECK(dups.output == "0\n100\nbroken line\n");
}

TEST_CASE("accounts: a file the question needs that cannot be read is said, never an answer") {
  if (geteuid() != 0) {
    MESSAGE("not root: cannot run as another user");
    return;
  }
  // As an unprivileged user /etc/shadow cannot be read: the questions that read it exit 4 with
  // a line naming it, from their own command and from the fact alike; the others still answer.
  const auto as_nobody = [](const std::string& command) {
    return test::run_local("setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c " +
                           util::shell_quote(command));
  };
  const auto fact = as_nobody(accounts_fact_command(all_queries()));
  REQUIRE(fact.exit_code == 0);
  for (const std::string query : {"empty-passwords", "unlocked-no-shell"}) {
    CAPTURE(query);
    const auto ran = as_nobody(accounts_command(query));
    CHECK(ran.exit_code == k_exit_denied);
    CHECK(ran.output == "cannot read /etc/shadow\n");
    int exit_code = -1;
    CHECK(fact_block(query, fact.output, exit_code) == ran.output);
    CHECK(exit_code == k_exit_denied);
  }
  int exit_code = -1;
  CHECK(fact_block("uid-0", fact.output, exit_code) == "root\n");
  CHECK(exit_code == 0);
  CHECK_FALSE(fact_block("not-asked", fact.output, exit_code));
}

TEST_CASE("fact blocks: a header line that is not one ends the reading, so no probe is answered") {
  int exit_code = -1;
  CHECK(fact_block("b", "@ a 0 1\nx\n@ b 4\n", exit_code) == std::string());
  CHECK(exit_code == 4);
  CHECK(fact_block("b", "@ a 0 2\n@ b 0 1\nline\n", exit_code) == std::nullopt); // a's two lines
  for (const std::string_view bad : {"@ a 0 1 extra\nx\n@ b 0\n", "@ a\n@ b 0\n", "a 0\n@ b 0\n",
                                     "@ a zero\n@ b 0\n", "@ a 0 x\n@ b 0\n", "@ b 0"}) {
    CAPTURE(bad);
    CHECK(fact_block("b", bad, exit_code) == std::nullopt);
  }
}
