#include "catalog/accounts_probe.hpp"

#include "util/text.hpp"

#include <algorithm>

namespace cisscan {

namespace {

// The files, in the order awk reads them: a question reads an earlier file into arrays that a
// later one's lines are judged against. login.defs is optional (UID_MIN defaults to 1000).
constexpr std::string_view k_login_defs = "/etc/login.defs";
const std::vector<std::string_view> k_files = {k_login_defs, "/etc/shells", "/etc/group",
                                               "/etc/passwd", "/etc/shadow"};

// One question: awk statements run on each line of a file (fields split at ":", as the
// benchmark's own audits read these files), then at the end. `V_` stands for the question's
// own variable prefix and `out(V_K, TEXT)` adds a line to its answer. The shadow file's
// password field is only ever tested, never printed.
struct AccountQuery {
  std::string_view name;
  std::vector<std::string_view> rules; // per file of k_files, "" where not read
  std::string_view end;
};

constexpr std::string_view k_shells = "if ($0 !~ /^[[:space:]]*(#|$)/) V_s[$1]";

// The duplicates among key `k` of each line: `cut -d: -fN FILE | sort | uniq -d`, whose cut
// passes a line without ":" through whole; sorted by bytes (LC_ALL=C), each once.
constexpr std::string_view k_collect = "if (++V_c[k] == 2) V_d[++V_n] = k";
constexpr std::string_view k_sorted_duplicates =
    "for (i = 2; i <= V_n; i++) { x = V_d[i]; "
    "for (j = i - 1; j > 0 && (V_d[j] \"\") > (x \"\"); j--) V_d[j + 1] = V_d[j]; V_d[j + 1] = x } "
    "for (i = 1; i <= V_n; i++) out(V_K, V_d[i])";

std::string duplicates_rule(std::string_view field) {
  return "k = index($0, \":\") ? $" + std::string(field) + " : $0; " + std::string(k_collect);
}

const std::string k_dup_field3 = duplicates_rule("3");
const std::string k_dup_field1 = duplicates_rule("1");

const std::vector<AccountQuery> k_queries = {
    // Accounts whose /etc/shadow password field is empty: they log in without a password.
    {"empty-passwords", {"", "", "", "", "if ($2 == \"\") out(V_K, $1)"}, ""},
    // Accounts whose /etc/passwd password field is not "x": a hash kept outside /etc/shadow.
    {"unshadowed", {"", "", "", "if ($2 != \"x\") out(V_K, $1)", ""}, ""},
    {"uid-0", {"", "", "", "if ($3 == 0) out(V_K, $1)", ""}, ""},
    {"gid-0-users",
     {"", "", "", "if ($4 == \"0\" && $1 !~ /^(sync|shutdown|halt|operator)$/) out(V_K, $1)", ""},
     ""},
    {"gid-0-groups", {"", "", "if ($3 == \"0\") out(V_K, $1)", "", ""}, ""},
    // "NAME:SHELL" of the accounts below UID_MIN (its last value in login.defs, else 1000) other
    // than root and the classic sync/shutdown/halt/nfsnobody whose shell is in /etc/shells.
    {"system-shells",
     {"if ($0 ~ /^[[:space:]]*UID_MIN[[:space:]]/) { split($0, V_w, \" \"); "
      "if (V_w[2] != \"\") V_min = V_w[2] }",
      k_shells, "",
      "if (($3 < (V_min != \"\" ? V_min : 1000)) && $1 !~ /^(root|sync|shutdown|halt|nfsnobody)$/ "
      "&& ($7 in V_s)) out(V_K, $1 \":\" $7)",
      ""},
     ""},
    // Accounts other than root whose shell is not in /etc/shells and whose shadow password field
    // does not start with "!" or "*" (locked).
    {"unlocked-no-shell",
     {"", k_shells, "", "if (!($7 in V_s) && $1 != \"root\") V_n[$1]",
      "if (($1 in V_n) && $2 !~ /^[!*]/) out(V_K, $1)"},
     ""},
    // "NAME:GID" of the accounts whose primary group is not in /etc/group.
    {"missing-groups", {"", "", "V_g[$3]", "if (!($4 in V_g)) out(V_K, $1 \":\" $4)", ""}, ""},
    // "member LIST" for the shadow group's member list, "primary NAME" for each account whose
    // primary group it is.
    {"shadow-group",
     {"", "", "if ($1 == \"shadow\") { V_gid = $3; if ($4 != \"\") out(V_K, \"member \" $4) }",
      "if (V_gid != \"\" && $4 == V_gid) out(V_K, \"primary \" $1)", ""},
     ""},
    {"duplicate-uids", {"", "", "", k_dup_field3, ""}, k_sorted_duplicates},
    {"duplicate-gids", {"", "", k_dup_field3, "", ""}, k_sorted_duplicates},
    {"duplicate-users", {"", "", "", k_dup_field1, ""}, k_sorted_duplicates},
    {"duplicate-groups", {"", "", k_dup_field1, "", ""}, k_sorted_duplicates},
};

const AccountQuery* find_query(std::string_view name) {
  const auto it = std::find_if(k_queries.begin(), k_queries.end(),
                               [&](const auto& query) { return query.name == name; });
  return it == k_queries.end() ? nullptr : &*it;
}

std::string with_prefix(std::string_view code, size_t index) {
  std::string text(code);
  const auto prefix = "q" + std::to_string(index) + "_";
  for (auto at = text.find("V_"); at != std::string::npos; at = text.find("V_", at)) {
    text.replace(at, 2, prefix);
    at += prefix.size();
  }
  return text;
}

// One awk program for these questions. `blocks`: each answer as a fact block (f-accounts);
// else the one question's lines, and its exit code. A file a question needs (login.defs
// aside) that the shell found absent or unreadable (`missing`: " 3:FILE 4:FILE") makes its
// answer that exit code and a line saying so, whatever was read of the other files.
std::string program(const std::vector<const AccountQuery*>& queries, bool blocks) {
  std::string begin = "BEGIN { FS = \":\"; n = split(missing, m, \" \"); "
                      "for (i = 1; i <= n; i++) miss[substr(m[i], 3)] = substr(m[i], 1, 1)";
  std::vector<std::string> per_file(k_files.size());
  std::string end = "END {";
  for (size_t q = 0; q < queries.size(); ++q) {
    const auto& query = *queries[q];
    begin += "; " + with_prefix("V_K", q) + " = \"" + std::string(query.name) + "\"";
    std::string needs;
    for (size_t f = 0; f < k_files.size(); ++f) {
      if (query.rules[f].empty()) {
        continue;
      }
      per_file[f] += with_prefix(query.rules[f], q) + "\n";
      if (k_files[f] != k_login_defs) {
        needs += " " + std::string(k_files[f]);
      }
    }
    if (!query.end.empty()) {
      end += "\n" + with_prefix(query.end, q);
    }
    end += "\nanswer(" + with_prefix("V_K", q) + ", split(\"" + std::string(util::trim(needs)) +
           "\", f, \" \"))";
  }
  std::string text = "function out(q, s) { lines[q, ++count[q]] = s }\n";
  text += "function answer(q, n,   i, c, why) {\n"
          "  for (i = 1; i <= n && !c; i++) if (f[i] in miss) { c = miss[f[i]] + 0; "
          "why = (c == 3 ? \"no \" : \"cannot read \") f[i] }\n";
  text += blocks ? "  if (c) { print \"@\", q, c, 1; print why; return }\n"
                   "  print \"@\", q, 0, count[q] + 0\n"
                 : "  if (c) { print why; exit c }\n";
  text += "  for (i = 1; i <= count[q]; i++) print lines[q, i]\n}\n";
  text += begin + " }\n";
  for (size_t f = 0; f < k_files.size(); ++f) {
    if (!per_file[f].empty()) {
      text += "FILENAME == \"" + std::string(k_files[f]) + "\" {\n" + per_file[f] + "next }\n";
    }
  }
  return text + end + "\n}\n";
}

// The shell around the program: the files any of the questions reads, those it can read passed
// to awk, the others named in `missing` with the exit code they give.
std::string command(const std::vector<const AccountQuery*>& queries, bool blocks) {
  std::string files;
  for (size_t f = 0; f < k_files.size(); ++f) {
    if (std::any_of(queries.begin(), queries.end(),
                    [&](const auto* query) { return !query->rules[f].empty(); })) {
      files += " " + std::string(k_files[f]);
    }
  }
  return "set --; m=; for f in" + files +
         "; do if [ -r \"$f\" ]; then set -- \"$@\" \"$f\"; elif [ -e \"$f\" ]; then "
         "m=\"$m 4:$f\"; else m=\"$m 3:$f\"; fi; done; awk -v missing=\"$m\" " +
         util::shell_quote(program(queries, blocks)) + " \"$@\" </dev/null";
}

} // namespace

std::vector<std::string_view> account_queries() {
  std::vector<std::string_view> names;
  for (const auto& query : k_queries) {
    names.push_back(query.name);
  }
  return names;
}

std::string validate_account_query(std::string_view query) {
  if (find_query(query) != nullptr) {
    return {};
  }
  std::string names;
  for (const auto name : account_queries()) {
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return "one of " + names;
}

std::string accounts_command(std::string_view query) {
  const auto* found = find_query(query);
  if (found == nullptr) { // the loader refuses such a probe (validate_account_query)
    return "echo 'no such accounts question' >&2; exit 2";
  }
  return command({found}, false);
}

std::string accounts_fact_command(const std::vector<std::string>& queries) {
  std::vector<const AccountQuery*> list;
  for (const auto& name : queries) {
    if (const auto* query = find_query(name); query != nullptr) {
      list.push_back(query);
    }
  }
  return command(list, true);
}

} // namespace cisscan
