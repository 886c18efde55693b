#include "catalog/sysctl_probe.hpp"

#include "util/text.hpp"

namespace cisscan {

namespace {

using util::shell_quote;

// The folders systemd-sysctl reads, in its order, as "name/path" lines, each folder's files by
// name; then "~/etc/sysctl.conf" when no /etc/sysctl.d/99-sysctl.conf link brings that file in
// (procps reads it last). The awk program (k_assignments) sorts the files by name across the
// folders, so no `sort` process starts.
constexpr std::string_view k_sysctl_files =
    "{ for d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d "
    "/lib/sysctl.d; do for f in \"$d\"/*.conf; do [ -f \"$f\" ] && printf '%s/%s\\n' "
    "\"${f##*/}\" \"$f\"; done; done; "
    "[ -e /etc/sysctl.d/99-sysctl.conf ] || { [ -f /etc/sysctl.conf ] && "
    "echo '~/etc/sysctl.conf'; }; }";

// The files named on stdin ("name/path" lines), sorted by name as they come (byte order, a
// name's earlier folder first: what `sort -s -t/ -k1,1` gave), "~" kept last. Then apply(): each
// assignment (`key`, value `v`) of those files in the order systemd-sysctl applies them, a name
// in an earlier folder hiding the same name further down: a key written with "/" separators is
// read as the dotted name; a leading "-" is ignored. `ASSIGN` is what is done with it.
constexpr std::string_view k_assignments =
    R"AWK({ i = index($0, "/"); m = ++nf; fn[m] = substr($0, 1, i - 1); fp[m] = substr($0, i + 1)
if (fn[m] != "~") while (m > 1 && fn[m - 1] > fn[m]) {
  t = fn[m]; fn[m] = fn[m - 1]; fn[m - 1] = t; t = fp[m]; fp[m] = fp[m - 1]; fp[m - 1] = t; m-- } }
function apply(  j, n, p, l, e, key, v, s, d) { for (j = 1; j <= nf; j++) {
n = fn[j]; p = fp[j]; if (n in seen) continue; seen[n] = 1;
while ((getline l < p) > 0) {
  sub(/^[ \t]+/, "", l); if (l == "" || l ~ /^[#;]/) continue;
  e = index(l, "="); if (e == 0) continue;
  key = substr(l, 1, e - 1); v = substr(l, e + 1);
  sub(/^-/, "", key); sub(/[ \t]+$/, "", key); sub(/^[ \t]+/, "", v); sub(/[ \t\r]+$/, "", v);
  s = index(key, "/"); d = index(key, ".");
  if (s > 0 && (d == 0 || s < d)) { gsub(/\./, "\001", key); gsub(/\//, ".", key); gsub(/\001/, "/", key) }
  ASSIGN
}
close(p) } }
)AWK";

std::string assignments(std::string_view assign) {
  std::string program(k_assignments);
  program.replace(program.find("ASSIGN"), 6, assign);
  return program;
}

// The one key `k`: its last assignment.
const std::string k_one_key =
    assignments("if (key == k) { val = v; from = p }") +
    R"AWK(END { apply(); if (from == "") print "configured=(not set in any sysctl configuration file)";
      else printf "configured=%s\nconfigured_in=%s\n", val, from })AWK";

// Every key of the "/e NAME PATH" (exists) and "/a NAME PATH" (absent) lines read first (a file
// line never starts with "/"): the running value read as `v=$(cat PATH)` reads it (one read at
// offset 0, trailing newlines dropped), then the last assignment; the block of each as
// sysctl_fact_command says.
const std::string k_all_keys =
    "/^\\/[ea] / { nk++; st[nk] = substr($1, 2); name[nk] = $2; path[nk] = $3; want[$2]; next }\n" +
    assignments("if (key in want) { val[key] = v; from[key] = p }") +
    R"AWK(END { apply(); for (j = 1; j <= nk; j++) {
  k = name[j]
  if (st[j] == "a") { print "@", k, 3; continue }
  r = ""; c = 0
  while ((got = (getline l < path[j])) > 0) { r = c++ ? r "\n" l : l }
  close(path[j])
  if (got < 0) { print "@", k, 4; continue }
  sub(/\n+$/, "", r)
  lines = split(r, parts, "\n"); if (lines == 0) lines = 1
  if (k in from) out = "configured=" val[k] "\nconfigured_in=" from[k]
  else out = "configured=(not set in any sysctl configuration file)"
  print "@", k, 0, lines + (k in from ? 2 : 1)
  print "running=" r
  print out
} })AWK";

std::string proc_path(std::string_view name) {
  std::string path = "/proc/sys/";
  for (const char c : name) {
    path += c == '.' ? '/' : c;
  }
  return path;
}

} // namespace

// The running value by `cat`, in one read: the kernel answers end-of-file to a read at a
// non-zero offset of an integer sysctl, so a byte-by-byte `read` loses it.
std::string sysctl_command(std::string_view name) {
  const auto p = shell_quote(proc_path(name));
  return "[ -e " + p + " ] || exit 3; v=$(cat -- " + p + " 2>/dev/null) || exit 4; " +
         "printf 'running=%s\\n' \"$v\"; " + std::string(k_sysctl_files) +
         " | awk -v k=" + shell_quote(name) + " " + shell_quote(k_one_key);
}

std::string sysctl_fact_command(const std::vector<std::string>& names) {
  std::string paths;
  for (const auto& name : names) {
    paths += " " + shell_quote(name) + " " + shell_quote(proc_path(name));
  }
  // Names and paths in pairs: validated names hold no space, nor do their paths.
  return "{ set --" + paths +
         "; while [ $# -gt 1 ]; do if [ -e \"$2\" ]; then echo \"/e $1 $2\"; else "
         "echo \"/a $1 $2\"; fi; shift 2; done; " +
         std::string(k_sysctl_files) + "; } | awk " + shell_quote(k_all_keys);
}

} // namespace cisscan
