"""Stock Debian root filesystems as test hosts.

A root filesystem is `debootstrap --variant=minbase --include=openssh-server SUITE`, nothing
more, built once and cached outside the checkout (CISSCAN_TESTBED_CACHE, default
/var/cache/cisscan-testbed), keyed by suite and RECIPE_VERSION: change the recipe, bump the
version. A build goes to a temporary folder beside the cache entry and is renamed into place
only when debootstrap succeeded, so an interrupted build never leaves a half cache.

A RootfsHost serves one as a test host: the root filesystem's own /usr/sbin/sshd, with its own
/etc, dpkg database and accounts, `sshd -D` on a loopback port, chrooted in a private mount
namespace over an overlay of the cache (the cache itself is never written), with fresh /proc,
/dev and /run and a read-only /sys. The only change to the stock state is the test's client key
in root's authorized_keys (in the overlay). Serving options (port, log level) are given on the
daemon's command line, so `sshd -T` on the host still reads the stock configuration.
Needs root (debootstrap, unshare, mount).
"""
import fcntl
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

from testbed import Host

CACHE = os.environ.get("CISSCAN_TESTBED_CACHE", "/var/cache/cisscan-testbed")
RECIPE_VERSION = 1
SUITES = {"debian12": "bookworm", "debian13": "trixie"}


class BuildError(Exception):
    pass


def recipe(suite):
    return ["debootstrap", "--variant=minbase", "--include=openssh-server", suite]


def cache_key(suite):
    return f"{suite}-minbase-openssh-r{RECIPE_VERSION}"


def configured_mirror():
    """The Debian mirror this machine's apt uses (CISSCAN_TESTBED_MIRROR wins)."""
    if os.environ.get("CISSCAN_TESTBED_MIRROR"):
        return os.environ["CISSCAN_TESTBED_MIRROR"]
    texts = []
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*")):
        try:
            with open(path) as f:
                texts.append(f.read())
        except OSError:
            continue
    for text in texts:
        # deb822 (URIs: ... / Suites: ...) and one-line (deb URI SUITE ...) formats.
        for stanza in re.split(r"\n\s*\n", text):
            uris = re.search(r"^URIs:\s*(\S+)", stanza, re.M)
            suites = re.search(r"^Suites:\s*(.+)$", stanza, re.M)
            if uris and suites and re.search(r"\b(bookworm|trixie|stable)\b", suites.group(1)):
                if "security" not in suites.group(1):
                    return uris.group(1)
        for line in text.splitlines():
            m = re.match(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(bookworm|trixie|stable)\s", line)
            if m:
                return m.group(1)
    raise BuildError("no Debian mirror in /etc/apt/sources.list*; set CISSCAN_TESTBED_MIRROR")


def stock_rootfs(suite):
    """The cached root filesystem of SUITE, built now if missing. Returns (path, info)."""
    os.makedirs(CACHE, exist_ok=True)
    key = cache_key(suite)
    path = os.path.join(CACHE, key)
    with open(os.path.join(CACHE, key + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(path):
            _build(suite, path)
        with open(path + ".json") as f:
            return path, json.load(f)


def _build(suite, path):
    # Leftovers of interrupted builds (the lock is ours: nobody else is building this key).
    for stale in glob.glob(path + ".build-*"):
        _remove_build(stale)
    if shutil.which("debootstrap") is None:
        raise BuildError("debootstrap is not installed (dev/setup --test installs it)")
    mirror = configured_mirror()
    tmp = tempfile.mkdtemp(prefix=os.path.basename(path) + ".build-", dir=os.path.dirname(path))
    target = os.path.join(tmp, "rootfs")
    command = recipe(suite) + [target, mirror]
    started = time.time()
    proc = subprocess.run(command, capture_output=True, text=True)
    seconds = time.time() - started
    if proc.returncode != 0:
        _remove_build(tmp)
        raise BuildError(f"{' '.join(command)} exited {proc.returncode}:\n"
                         f"{(proc.stdout + proc.stderr)[-3000:]}")
    size = int(subprocess.run(["du", "-sb", target], capture_output=True, text=True,
                              check=True).stdout.split()[0])
    info = {"suite": suite, "recipe": command[:-2], "recipe_version": RECIPE_VERSION,
            "mirror": mirror, "build_seconds": round(seconds, 1), "bytes": size,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with open(path + ".json.tmp", "w") as f:
        json.dump(info, f, indent=1)
    os.rename(path + ".json.tmp", path + ".json")
    os.rename(target, path)
    os.rmdir(tmp)


def _mounts_under(path):
    prefix = os.path.realpath(path) + "/"
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4].replace("\\040", " ") for line in f]
    return [p for p in points if p.startswith(prefix)]


def _remove_build(path):
    """Removes a build folder; a killed debootstrap may have left /proc or /sys mounted in it,
    and removing files through those mounts must never happen."""
    for point in sorted(_mounts_under(path), key=len, reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True)
    if _mounts_under(path):
        raise BuildError(f"{path}: still holds mounts {_mounts_under(path)}; unmount them")
    shutil.rmtree(path)


_DEVICES = ("null", "zero", "full", "random", "urandom", "tty")


def dev_lines(root):
    """Shell lines filling the tmpfs on ROOT/dev: this machine's harmless device nodes bound in,
    /dev/fd, a private devpts and /dev/shm."""
    lines = []
    for device in _DEVICES:
        lines.append(f": > '{root}/dev/{device}'")
        lines.append(f"mount --bind /dev/{device} '{root}/dev/{device}'")
    return lines + [
        f"ln -s /proc/self/fd '{root}/dev/fd'",
        f"mkdir -m 0755 '{root}/dev/pts'",
        f"mkdir -m 1777 '{root}/dev/shm'",
        f"mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts '{root}/dev/pts'",
        f"ln -s pts/ptmx '{root}/dev/ptmx'",
        f"mount -t tmpfs -o nosuid,nodev tmpfs '{root}/dev/shm'",
    ]


class RootfsHost(Host):
    """A test host whose whole root filesystem is a stock one (see the module's doc)."""

    def __init__(self, testbed, name, rootfs, **kw):
        super().__init__(testbed, name, None, **kw)
        self.rootfs = rootfs

    def _authorize_root(self, upper):
        ssh = os.path.join(upper, "root", ".ssh")
        os.makedirs(ssh, mode=0o700)
        os.chmod(os.path.join(upper, "root"), os.stat(os.path.join(self.rootfs, "root")).st_mode)
        os.chmod(ssh, 0o700)
        with open(os.path.join(ssh, "authorized_keys"), "w") as f:
            f.write(open(self.testbed.client_key + ".pub").read())
        os.chmod(os.path.join(ssh, "authorized_keys"), 0o600)

    def _setup_script(self):
        upper, work, root = (os.path.join(self.dir, d) for d in ("upper", "work", "root"))
        for d in (upper, work, root):
            os.makedirs(d)
        self._authorize_root(upper)
        lines = [
            "set -e",
            f"mount -t overlay overlay -o lowerdir='{self.rootfs}',upperdir='{upper}',"
            f"workdir='{work}' '{root}'",
            f"mount -t proc -o nosuid,nodev,noexec proc '{root}/proc'",
            f"mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs '{root}/run'",
            f"mkdir -m 0755 '{root}/run/sshd'",
            f"mount -t tmpfs -o nosuid,mode=0755 tmpfs '{root}/dev'",
        ]
        lines += dev_lines(root)
        lines += [
            f"mount --rbind /sys '{root}/sys'",
            f"mount -o remount,bind,ro '{root}/sys'",
            f"exec chroot '{root}' /usr/sbin/sshd -D -e -p {self.port}"
            f" -o ListenAddress={self.address} -o LogLevel=DEBUG -o MaxSessions=50"
            f" 2>>'{self.log}'",
        ]
        return lines

    def start(self):
        setup = os.path.join(self.dir, "setup.sh")
        with open(setup, "w") as f:
            f.write("\n".join(self._setup_script()) + "\n")
        open(self.invocations, "w").close()
        self._launch(setup)
        self.known_hosts_line = "".join(
            f"[{self.address}]:{self.port} {' '.join(open(pub).read().split()[:2])}\n"
            for pub in sorted(glob.glob(os.path.join(self.rootfs, "etc/ssh/ssh_host_*_key.pub"))))
        return self
