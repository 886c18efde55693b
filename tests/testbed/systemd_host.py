"""A test host whose PID 1 is a real systemd (a "booted" Debian), for the service
recommendations that ask whether a unit is enabled *and running* (cron, journald, rsyslog...).

Used by the service tests through booted_hosts.py. Demo, as root:
`python3 tests/testbed/systemd_host.py [bookworm|trixie]` (CISSCAN_BIN=path also scans the host
with a throwaway cron check; CISSCAN_SYSTEMD_CACHE=folder picks where the root filesystems are
built).

The root filesystem is the stock recipe plus the service manager and a recipe's daemons (RECIPES;
the demo's: `debootstrap --variant=minbase --include=openssh-server,systemd-sysv,cron SUITE DIR
MIRROR`), built once into SYSTEMD_CACHE (never into the stock cache of rootfs.py). A SystemdHost
boots it:

- a cgroup v2 folder of its own, `cisscan-testbed-XXXX-NAME/` in this machine's cgroup2
  hierarchy, holding `boot/` (the host: the root of its cgroup namespace, delegated to its
  systemd) and `sessions/` (the SSH sessions); one write to its `cgroup.kill` ends everything;
- `unshare --pid --fork --mount --uts --ipc --net --cgroup`: PID 1 of its own PID namespace, a
  network namespace of its own (loopback only; the root filesystem's ssh.service listens on
  port 22 in there, unreachable from outside);
- an overlay of the root filesystem (changes go to the host's folder), fresh /proc with
  /proc/sys read-only (kernel-wide knobs: systemd-sysctl then skips itself), /run tmpfs, /dev
  tmpfs with the usual nodes, a fresh read-only sysfs, cgroup2 on /sys/fs/cgroup;
- pivot_root into it (the host's mount table holds only its own mounts), capabilities that touch
  this machine dropped from the bounding set, then exec /sbin/init (systemd).

The test's SSH sessions reach it like a `netns` host of testbed.py: inetd.py listens on this
machine's loopback and runs, per connection, the root filesystem's `sshd -i` entered into all the
host's namespaces (nsenter), so a scan sees the live service manager (systemctl talks to PID 1
over /run/systemd/private). Stopping: SIGRTMIN+4 (systemd powers the container off), then
cgroup.kill for anything left, then the cgroup folders are removed. Needs root.
"""
import fcntl
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rootfs  # noqa: E402
from rootfs import RootfsHost  # noqa: E402

SYSTEMD_CACHE = os.environ.get("CISSCAN_SYSTEMD_CACHE", "/var/tmp/cisscan-testbed-systemd")
CGROUP2 = "/sys/fs/cgroup/unified" if os.path.ismount("/sys/fs/cgroup/unified") \
    else "/sys/fs/cgroup"
PACKAGES = ["openssh-server", "systemd-sysv", "cron"]
# Capabilities a test host must not use on this machine's kernel: modules, clock, raw I/O,
# the kernel log, MAC policy, wake alarms, suspend blocking, process accounting.
DROPPED_CAPS = ["sys_module", "sys_time", "sys_rawio", "syslog", "mac_admin", "mac_override",
                "wake_alarm", "block_suspend", "sys_pacct"]
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In a child before exec: SIGKILL when the test process dies (survives the exec)."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


# States of `systemctl is-system-running` that mean the boot is over.
BOOTED = ("running", "degraded")


# Recipes: name -> (packages debootstrap installs, packages only fetched into apt's cache, cache
# key). `cron` is the prototype's; `services` adds the daemons of the service-state checks
# (checks/debian/service-state.yaml): rsyslog, systemd-timesyncd and systemd-journal-remote
# (which holds systemd-journal-upload). chrony conflicts with systemd-timesyncd (Debian allows one
# time daemon), so it is only downloaded, with what it needs, into /var/cache/apt/archives: a test
# that wants chrony runs `apt-get install --no-download chrony` in the booted host (no network
# there), which replaces systemd-timesyncd as on any Debian host.
RECIPES = {
    "cron": (PACKAGES, [], "minbase-openssh-systemd-r1"),
    "services": (PACKAGES + ["rsyslog", "systemd-timesyncd", "systemd-journal-remote"],
                 ["chrony"], "minbase-openssh-systemd-services-r1"),
}


def systemd_rootfs(suite, recipe="cron"):
    """The root filesystem of RECIPE with systemd as init, built now if missing (`cron`: about
    1-2 minutes; `services`: see tests/testbed/README.md). Returns its path; the build's facts
    (recipe, seconds, bytes) are in PATH.json."""
    include, fetch, key = RECIPES[recipe]
    path = os.path.join(SYSTEMD_CACHE, f"{suite}-{key}")
    os.makedirs(SYSTEMD_CACHE, exist_ok=True)
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time; a waiter finds it done
        if not os.path.isdir(path):
            _build(suite, path, include, fetch)
    return path


def _build(suite, path, include, fetch):
    for stale in glob.glob(path + ".build-*"):
        rootfs._remove_build(stale)
    tmp = tempfile.mkdtemp(prefix=os.path.basename(path) + ".build-", dir=SYSTEMD_CACHE)
    target = os.path.join(tmp, "rootfs")
    started = time.time()
    commands = [["debootstrap", "--variant=minbase", "--include=" + ",".join(include), suite,
                 target, rootfs.configured_mirror()]]
    if fetch:
        # From the package lists debootstrap left behind (no `apt-get update`).
        commands.append(["chroot", target, "apt-get", "install", "-y", "-q", "--download-only",
                         "--no-install-recommends"] + fetch)
    for command in commands:
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0:
            rootfs._remove_build(tmp)
            raise rootfs.BuildError(f"{' '.join(command)} exited {proc.returncode}:\n"
                                    f"{(proc.stdout + proc.stderr)[-3000:]}")
    seconds = time.time() - started
    size = int(subprocess.run(["du", "-sb", target], capture_output=True, text=True,
                              check=True).stdout.split()[0])
    info = {"suite": suite, "include": include, "fetch": fetch,
            "build_seconds": round(seconds, 1), "bytes": size,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with open(path + ".json.tmp", "w") as f:
        json.dump(info, f, indent=1)
    os.rename(path + ".json.tmp", path + ".json")
    os.rename(target, path)
    os.rmdir(tmp)


class SystemdHost(RootfsHost):
    """A booted root filesystem (see the module's doc). `container`: the value PID 1 gets in its
    `container` environment variable (systemd then writes /run/systemd/container, which the
    scanner's facts read as the `container` role), or None: no such file, but systemd and
    systemd-detect-virt still see a PID namespace (PID 1's own number in /proc/1/sched) and say
    `container-other`, which the scanner's facts count as a `container`."""

    boot_timeout = 300  # seconds: a guard against a hang, not a measure

    def __init__(self, testbed, name, rootfs_path, container=None, files=None, **kw):
        super().__init__(testbed, name, rootfs_path, **kw)
        self.container = container
        # path -> content: files of the host's own (unit drop-ins, say), written into its
        # overlay before it boots; the cached root filesystem is never written.
        self.files = files or {}
        # cisscan-testbed-XXXX-NAME: the test bed's folder name and the host's.
        self.cgroup = os.path.join(CGROUP2, f"{os.path.basename(testbed.dir)}-{name}")
        self.pid1 = None  # PID 1 of the host, as this machine numbers it
        self.boot_seconds = None
        self.inetd = None

    # --- booting -------------------------------------------------------------------------------
    def _boot_script(self):
        upper, work, root = (os.path.join(self.dir, d) for d in ("upper", "work", "root"))
        for d in (upper, work, root):
            os.makedirs(d)
        self._authorize_root(upper)
        for path, content in self.files.items():
            target = os.path.join(upper, path.lstrip("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w") as f:
                f.write(content)
        env = f"container={self.container}" if self.container else ""
        lines = [
            "set -e",
            f"mount -t overlay overlay -o lowerdir='{self.rootfs}',upperdir='{upper}',"
            f"workdir='{work}' '{root}'",
            f"mount -t proc -o nosuid,nodev,noexec proc '{root}/proc'",
            f"mount --bind '{root}/proc/sys' '{root}/proc/sys'",
            f"mount -o remount,bind,ro,nosuid,nodev,noexec '{root}/proc/sys'",
            f"if [ -e '{root}/proc/sysrq-trigger' ]; then"
            f" mount --bind '{root}/proc/sysrq-trigger' '{root}/proc/sysrq-trigger';"
            f" mount -o remount,bind,ro '{root}/proc/sysrq-trigger'; fi",
            f"mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs '{root}/run'",
            f"mount -t tmpfs -o nosuid,mode=0755 tmpfs '{root}/dev'",
        ]
        lines += rootfs.dev_lines(root)
        lines += [
            f"mount -t sysfs -o ro,nosuid,nodev,noexec sysfs '{root}/sys'",
            f"mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 '{root}/sys/fs/cgroup'",
            f"cd '{root}'",
            "pivot_root . .",
            "umount -l .",
            f"exec env -i {env} setpriv --bounding-set "
            f"{','.join('-' + c for c in DROPPED_CAPS)} /sbin/init",
        ]
        return lines

    def _launcher_script(self, boot):
        # The launcher moves itself into boot/ before unsharing, so the new cgroup namespace's
        # root is boot/; --kill-child: if unshare dies, so does the host's PID 1.
        return [
            "set -e",
            f"echo $$ > '{self.cgroup}/boot/cgroup.procs'",
            "exec unshare --pid --fork --kill-child=SIGKILL --mount --uts --ipc --net --cgroup"
            f" --propagation private sh '{boot}'",
        ]

    def _write(self, name, lines):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def enter(self):
        """The command prefix that runs a program inside the host (all its namespaces, root)."""
        return ["nsenter", "-t", str(self.pid1), "-m", "-u", "-i", "-n", "-p", "-C", "-r", "-w",
                "--"]

    def run(self, *argv):
        """Runs a program inside the host; returns (exit code, stripped stdout + stderr)."""
        proc = subprocess.run(self.enter() + list(argv), capture_output=True, text=True,
                              timeout=120)
        return proc.returncode, (proc.stdout + proc.stderr).strip()

    def _find_pid1(self):
        children = f"/proc/{self.proc.pid}/task/{self.proc.pid}/children"
        try:
            pids = open(children).read().split()
        except OSError:
            return None
        return int(pids[0]) if pids else None

    def start(self):
        try:
            return self._start()
        except BaseException:
            self.stop()  # a host that did not come up leaves nothing behind either
            raise

    def _start(self):
        for folder in ("boot", "sessions"):
            os.makedirs(os.path.join(self.cgroup, folder))
        boot = self._write("boot.sh", self._boot_script())
        launcher = self._write("launch.sh", self._launcher_script(boot))
        open(self.invocations, "w").close()
        started = time.monotonic()
        # If the test dies, the launcher (by then unshare) is killed, and --kill-child takes
        # PID 1 with it: the PID namespace ends, and its mounts with it.
        self.proc = subprocess.Popen(["sh", launcher], stdin=subprocess.DEVNULL,
                                     stdout=open(self.log, "a"), stderr=subprocess.STDOUT,
                                     preexec_fn=_die_with_parent)
        state = ""
        while time.monotonic() - started < self.boot_timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name}: the host exited: {self.log_text()[-2000:]}")
            self.pid1 = self.pid1 or self._find_pid1()
            if self.pid1 is not None:
                # Until PID 1 has exec'd systemd and opened its socket, this fails: keep asking.
                _, state = self.run("systemctl", "is-system-running")
                if state in BOOTED:
                    break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"{self.name}: not booted after {self.boot_timeout} s ({state})")
        self.boot_seconds = time.monotonic() - started
        self._start_sessions()
        self.known_hosts_line = "".join(
            f"[{self.address}]:{self.port} {' '.join(open(pub).read().split()[:2])}\n"
            for pub in sorted(glob.glob(os.path.join(self.rootfs, "etc/ssh/ssh_host_*_key.pub"))))
        return self

    def _start_sessions(self):
        # Each connection: into sessions/ (so cgroup.kill reaches it), then into the host.
        # sshd needs /run/sshd, which ssh.service removes when it stops: the sessions do not
        # depend on that unit, a scan may stop it.
        session = (f"echo $$ > '{self.cgroup}/sessions/cgroup.procs' && exec "
                   + " ".join(self.enter())
                   + " sh -c 'mkdir -p -m 0755 /run/sshd && exec setpriv --bounding-set "
                   + ",".join("-" + c for c in DROPPED_CAPS) + " /usr/sbin/sshd -i -e'")
        self.inetd = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "inetd.py"), self.address, str(self.port),
             "sh", "-c", session], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.log, "a"), preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 60
        while "Server listening" not in self.log_text():
            if self.inetd.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}: inetd did not start: {self.log_text()[-2000:]}")
            time.sleep(0.05)

    # --- stopping ------------------------------------------------------------------------------
    def stop(self, timeout=60):
        """Powers the host off and removes its cgroups. Returns the seconds it took."""
        started = time.monotonic()
        if self.inetd and self.inetd.poll() is None:
            self.inetd.terminate()
            self.inetd.wait()
        if self.proc and self.proc.poll() is None:
            if self.pid1:
                os.kill(self.pid1, signal.SIGRTMIN + 4)  # systemd: poweroff
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        self._kill_and_remove_cgroups()
        if self.proc and self.proc.poll() is None:
            self.proc.wait(10)
        return time.monotonic() - started

    def _kill_and_remove_cgroups(self):
        if not os.path.isdir(self.cgroup):
            return
        with open(os.path.join(self.cgroup, "cgroup.kill"), "w") as f:
            f.write("1")
        deadline = time.monotonic() + 10
        while True:
            folders = sorted((d for d, _, _ in os.walk(self.cgroup)), key=len, reverse=True)
            try:
                for folder in folders:
                    os.rmdir(folder)
                return
            except OSError:  # busy until the killed processes are reaped
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


# A throwaway catalog for the demo (written to the test bed's temporary folder, never shipped).
_DEMO_CHECK = """checks:
  - id: demo-cron-running
    title: cron is enabled and running (demo of a booted host)
    benchmark: {id: cis-debian12, version: 1.1.0, ref: "2.4.1.1", level: L1}
    safeguards: ["4.1"]
    probe: {service: cron}
    expect:
      all:
        - {line: '^enabled=enabled$'}
        - {line: '^active=active$'}
    rationale: Demo only.
    remediation: Demo only.
"""


def remove_stale_cgroups():
    """Removes the cgroup folders of hosts whose test was killed (their processes died with it,
    the empty folders stay). Folders that still hold a process are left alone. For the start of
    a test session: a host being started right now has empty folders too."""
    for top in glob.glob(os.path.join(CGROUP2, "cisscan-testbed-*")):
        folders = sorted((d for d, _, _ in os.walk(top)), key=len, reverse=True)
        if any(open(os.path.join(d, "cgroup.procs")).read().strip() for d in folders):
            continue
        for folder in folders:
            os.rmdir(folder)


def _demo_scan(bed, host):
    """Scans the host with CISSCAN_BIN and the demo check; prints the check's status and the
    host's roles as the scanner saw them."""
    catalog = os.path.join(bed.dir, "demo-checks.yaml")
    with open(catalog, "w") as f:
        f.write(_DEMO_CHECK)
    out = tempfile.mkdtemp(dir=bed.dir)
    proc = subprocess.run(
        [os.environ["CISSCAN_BIN"], "-q", "scan", "-i", bed.inventory([host.inventory_entry()]),
         "--known-hosts", bed.known_hosts, "-c", catalog, "-f", "json", "-o", out],
        capture_output=True, text=True, timeout=300)
    try:
        with open(os.path.join(out, "report.json")) as f:
            results = json.load(f)["hosts"][0]["results"]
        status = [(r["check_id"], r["status"]) for r in results]
        print(f"  scanner facts: {_facts(out)}")
    except (OSError, KeyError, IndexError, ValueError):
        status = proc.stderr.strip()[-500:]
    print(f"  cisscan scan (exit {proc.returncode}): {status}")


def _facts(out):
    with open(os.path.join(out, "report.json")) as f:
        host = json.load(f)["hosts"][0]
    return {"roles": host["roles"], "virtualization": host["facts"].get("virtualization")}


def _demo(suite):
    import testbed
    path = systemd_rootfs(suite)
    bed = testbed.Testbed()
    host = SystemdHost(bed, "booted", path)
    try:
        bed.adopt(host)
        print(f"{suite}: booted in {host.boot_seconds:.2f} s (PID 1 is {host.pid1} here)")
        ssh = ["ssh", "-i", bed.client_key, "-o", f"UserKnownHostsFile={bed.known_hosts}",
               "-o", "BatchMode=yes", "-p", str(host.port), f"root@{host.address}"]

        def over_ssh(command):
            proc = subprocess.run(ssh + [command], capture_output=True, text=True, timeout=120)
            print(f"  $ {command}\n    {proc.stdout.strip() or proc.stderr.strip()}"
                  f"  (exit {proc.returncode})")

        over_ssh("systemctl is-system-running")
        over_ssh("systemctl is-enabled cron; systemctl is-active cron")
        if os.environ.get("CISSCAN_BIN"):
            _demo_scan(bed, host)
        over_ssh("systemctl stop cron")
        over_ssh("systemctl is-enabled cron; systemctl is-active cron")
        if os.environ.get("CISSCAN_BIN"):
            _demo_scan(bed, host)
        over_ssh("systemctl disable --now cron 2>/dev/null; systemctl is-enabled cron")
        over_ssh("systemctl is-active systemd-journald ssh; systemd-detect-virt; "
                 "cat /proc/1/comm; cat /run/systemd/container")
    finally:
        seconds = host.stop()
        bed.cleanup()
    print(f"  stopped in {seconds:.2f} s; cgroup left: {os.path.exists(host.cgroup)}")


if __name__ == "__main__":
    _demo(sys.argv[1] if len(sys.argv) > 1 else "bookworm")
