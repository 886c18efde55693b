#include "catalog/fswalk_probe.hpp"

#include "util/text.hpp"

namespace cisscan {

namespace {

// From `findmnt -kn -r -o TARGET,FSTYPE,MAJ:MIN,FSROOT` (targets escaped as \xHH): the
// filesystems to walk, as "FSTYPE TARGET" lines, the root's own first, then "prune FOLDER" for
// the skipped folders below the root that are no mount point of their own (a container keeps
// /run on its root filesystem). Skipped, with every mount below them: kernel and pseudo
// filesystems, network and FUSE filesystems, read-only images, runtime state (/proc, /sys,
// /dev, /run), the root filesystems of Proxmox VE guests and the state of container runtimes
// (/var/lib/lxc, docker, containerd, kubelet: each guest or image is scanned on its own).
// A mount of the same device as the mount it sits in is no start point: find -xdev crosses into
// it from there (same st_dev), so it would be walked twice.
constexpr std::string_view k_mounts_awk = R"AWK(
function unhex(s,   out, i, h) {
  out = ""
  while ((i = index(s, "\\x")) > 0) {
    h = tolower(substr(s, i + 2, 2))
    out = out substr(s, 1, i - 1) sprintf("%c", (index(H, substr(h, 1, 1)) - 1) * 16 + index(H, substr(h, 2, 1)) - 1)
    s = substr(s, i + 4)
  }
  return out s
}
function under(p, d) { return d == "/" || p == d || index(p, d "/") == 1 }
function parent(i,   j, best, p) {
  best = -1; p = 0
  for (j = 1; j <= n; j++) if (j != i && T[j] != T[i] && under(T[i], T[j]) && length(T[j]) > best) { best = length(T[j]); p = j }
  return p
}
BEGIN {
  H = "0123456789abcdef"; r = ENVIRON["CISSCAN_ROOT"]
  split("proc sysfs devtmpfs devpts cgroup cgroup2 securityfs debugfs tracefs bpf pstore " \
        "efivarfs configfs fusectl mqueue hugetlbfs autofs binfmt_misc selinuxfs rpc_pipefs " \
        "nsfs ramfs nfs nfs4 nfsd cifs smb3 smbfs ncpfs ceph glusterfs 9p afs lustre gfs2 " \
        "ocfs2 davfs fuse fuseblk squashfs iso9660 udf erofs", a, " ")
  for (i in a) skip[a[i]] = 1
}
{ n++; T[n] = unhex($1); Y[n] = $2; D[n] = $3; K[n] = $3 " " $4; mounted[T[n]] = 1 }
END {
  rt = "?"; best = -1
  for (i = 1; i <= n; i++) if (under(r, T[i]) && length(T[i]) > best) { best = length(T[i]); rt = Y[i] }
  print rt, r
  for (i = 1; i <= n; i++) {
    t = T[i]; bad = (Y[i] in skip) || Y[i] ~ /^fuse\./ || index(t, "\n") > 0 ||
      t ~ /^\/(proc|sys|dev|run|var\/lib\/(lxc|docker|containerd|kubelet))(\/|$)/ ||
      t ~ /\/subvol-[0-9]+-disk-[0-9]+$/
    for (j = 1; !bad && j <= ns; j++) if (under(t, S[j])) bad = 1
    if (bad) { S[++ns] = t; continue }
    if (t == r || !under(t, r) || K[i] in seen || t in printed) continue
    p = parent(i)
    if (p > 0 && D[p] == D[i]) continue
    seen[K[i]] = 1; printed[t] = 1
    print Y[i], t
  }
  nr = split("/proc /sys /dev /run /var/lib/lxc /var/lib/docker /var/lib/containerd /var/lib/kubelet", R, " ")
  for (i = 1; i <= nr; i++) if (R[i] != r && under(R[i], r) && !(R[i] in mounted)) print "prune", R[i]
})AWK";

// Reads the walk's records ("PART TYPE MODE UID GID PATH", one a line) and prints the total of
// every part, then at most `max` lines of each. A mount point is seen twice (from its parent's
// walk and as a start point): counted once. A uid or gid the account list lacked is asked of
// getent once, so accounts that NSS knows but does not enumerate are owners too.
constexpr std::string_view k_parts_awk = R"AWK(
function known(db, id,   key) {
  key = db " " id
  if (!(key in cache)) cache[key] = (system("getent " db " " id " >/dev/null 2>&1") == 0)
  return cache[key]
}
BEGIN {
  np = split("world-writable no-sticky unowned ungrouped suid sgid", P, " ")
  ns = split(ENVIRON["CISSCAN_STARTS"], s, "\n")
  for (i = 1; i <= ns; i++) start[s[i]] = 1
}
{
  k = $1; p = $0
  for (i = 0; i < 5; i++) p = substr(p, index(p, " ") + 1)
  if (p in start) { if ((k, p) in dup) next; dup[k, p] = 1 }
  if (k == "unowned" && known("passwd", $4)) next
  if (k == "ungrouped" && known("group", $5)) next
  c[k]++
  if (c[k] <= max) L[k, c[k]] = length($0) > width ? substr($0, 1, width) "..." : $0
}
END {
  for (i = 1; i <= np; i++) printf "total %s %d\n", P[i], c[P[i]]
  for (i = 1; i <= np; i++) for (j = 1; j <= c[P[i]] && j <= max; j++) print L[P[i], j]
})AWK";

// The accounts (or groups) `getent` enumerates, as find tests "! -uid 0 ( ! -uid 1 ... )": a
// root-owned file fails the first test and skips the group (an implicit -a chain of them costs
// find a third more time); with none, or too many to test per file, -nouser itself.
std::string id_tests(const std::string& database, const std::string& test,
                     const std::string& fallback) {
  return "$({ getent " + database + " 2>/dev/null || cat /etc/" + database +
         "; } | awk -F: '$3 ~ /^[0-9]+$/ && !s[$3]++ { n++; if ($3 != 0) l = l \" ! " + test +
         " \" $3 } END { if (n == 0 || n > 400) print \"" + fallback +
         "\"; else print (s[0] ? \"! " + test +
         " 0 \" : \"\") (l == \"\" ? \"\" : \"( \" l \" )\") }')";
}

// One find pass: every part is a branch of the comma operator, so each entry is stat'ed once,
// behind one gate that a root-owned file without a set-id bit or write access for others (nearly
// every file) fails in three integer tests; $P prunes the runtime folders a root filesystem holds
// (none on most hosts: they are mounts).
std::string find_expression() {
  const std::string record = " %y %m %U %G %p\\0' \\) ";
  return "$P \\( -perm /6002 -o ! -uid 0 -o ! -gid 0 \\) \\( \\( -type f -perm -0002 -printf "
         "'world-writable" +
         record + ", \\( -type d -perm -0002 ! -perm -1000 -printf 'no-sticky" + record +
         ", \\( \\( -type f -o -type d \\) $u -printf 'unowned" + record +
         ", \\( \\( -type f -o -type d \\) $g -printf 'ungrouped" + record +
         ", \\( -type f -perm -4000 -printf 'suid" + record +
         ", \\( -type f -perm -2000 -printf 'sgid" + record + "\\)";
}

} // namespace

// Output: "total PART N" for the six parts, up to k_fswalk_lines_per_part "PART TYPE MODE UID
// GID PATH" lines of each (a newline in a name becomes '?'), "errors N" with up to three of
// find's messages, then "walk PATH FSTYPE" for each start point (last: a host with many mounts
// may push them past the evidence kept, never the totals). Not root: exit 4.
std::string fswalk_command(std::string_view root) {
  const auto r = util::shell_quote(root);
  return "[ \"${CISSCAN_UID:-$(id -u)}\" = 0 ] || "
         "{ echo 'the filesystem walk reads every file: it needs root (become: sudo)'; exit 4; }; "
         "command -v find >/dev/null 2>&1 && command -v findmnt >/dev/null 2>&1 || exit 5; "
         "[ -d " +
         r +
         " ] || exit 3; set --; w=; "
         "p=; while IFS=' ' read -r t m; do [ -n \"$m\" ] || continue; "
         "if [ \"$t\" = prune ]; then [ -d \"$m\" ] && p=\"${p:+$p -o }-path $m\"; continue; fi; "
         "set -- \"$@\" "
         "\"$m\"; "
         "w=\"${w}walk $m $t\n\"; done <<CISSCAN_MOUNTS\n"
         "$(findmnt -kn -r -o TARGET,FSTYPE,MAJ:MIN,FSROOT | CISSCAN_ROOT=" +
         r + " awk " + util::shell_quote(k_mounts_awk) +
         ")\nCISSCAN_MOUNTS\n"
         "P=; [ -z \"$p\" ] || P=\"( -type d ( $p ) -prune ) -o\"; u=" +
         id_tests("passwd", "-uid", "-nouser") + "; g=" + id_tests("group", "-gid", "-nogroup") +
         "; CISSCAN_STARTS=$(printf '%s\\n' \"$@\"); export CISSCAN_STARTS; exec 4>&1; "
         "e=$( { find \"$@\" -xdev " +
         find_expression() + " 2>&3 3>&- | tr '\\n\\000' '?\\n' | awk -v max=" +
         std::to_string(k_fswalk_lines_per_part) +
         " -v width=" + std::to_string(k_fswalk_line_chars) + " " + util::shell_quote(k_parts_awk) +
         " >&4 4>&-; } 3>&1 | awk '{ n++; if (n <= 3) m = m \"\\nerror \" $0 } "
         "END { printf \"errors %d%s\", n, m }'); printf '%s\\n%s' \"$e\" \"$w\"";
}

} // namespace cisscan
