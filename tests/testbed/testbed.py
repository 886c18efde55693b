"""Test hosts for cisscan: real OpenSSH sshd daemons started as children of the test.

Each host is `sshd -D` on its own loopback port, with its own host key and config, inside a
private mount namespace (unshare --mount) where the host's fixture files are bound over the real
paths: /etc files, the dpkg database, even /proc/sys entries. Nothing outside the namespace changes.
Needs root (unshare, mount).

A host can also be a simulated Proxmox VE node (`pve={"variant": ..., "version": 8|9}`): the node
built by pve/node.py is laid over /etc and /usr/bin with overlay mounts inside the namespace, and
the namespace gets its own host name (the node's name). See pve/README.md.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "pve"))
import node as pve_node  # noqa: E402
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures", "hosts")

AUDITOR = "cisscan-auditor"
AUDITOR_UID = 4242
# The test accounts live in /home as any user would. Their homes exist where the fixture gives
# /home a filesystem of the host's own (`mounts`: tmpfs or scratch), see Host._homes_lines;
# elsewhere /home is this machine's, which a test host never writes to.
AUDITOR_HOME = f"/home/{AUDITOR}"
# A planted secret: this hash and the test's private keys must never appear in any report.
PLANTED_HASH = "$6$plantedsalt$ZmFrZWhhc2hmb3J0ZXN0aW5nT05MWWRvbm90dXNlYW55d2hlcmUxMjM0NTY3ODkw"
PLANTED_USER = "alice"
PLANTED_HOME = f"/home/{PLANTED_USER}"
# A DES crypt(3) hash (no "$id$" prefix) planted as alice's group password in gshadow.
PLANTED_DES_HASH = "pL4nTeDdEs0x9"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class Host:
    start_timeout = 300  # seconds for sshd to listen: a guard against a hang, machines get busy

    def __init__(self, testbed, name, fixture, port=None, address="127.0.0.1", sshd_extra="",
                 pve=None, release=None):
        self.testbed = testbed
        # A Debian release ("13") the host says it runs (/etc/os-release), and whose section of
        # the fixture (`releases: {"13": {...}}`) is added to the rest; None: this machine's own.
        self.release = release
        self.sshd_extra = sshd_extra  # lines appended to sshd_config (e.g. a ForceCommand)
        self.pve = pve
        self.pve_parts = None
        self.name = name
        self.fixture = fixture
        self.address = address
        self.port = port or free_port()
        self.listen_address = address  # where sshd listens (a relay may sit on `address`)
        self.dir = os.path.join(testbed.dir, name)
        self.log = os.path.join(self.dir, "sshd.log")
        self.invocations = os.path.join(self.dir, "sshd-invocations.log")
        self.proc = None
        self.netns_holder = None  # the process holding the fixture's own network namespace
        self.netns_path = None
        os.makedirs(self.dir)

    # --- building the fixture ------------------------------------------------------------------
    def _fixture_spec(self):
        if self.fixture is None:
            return {}
        with open(os.path.join(FIXTURES, self.fixture, "fixture.yaml")) as f:
            spec = yaml.safe_load(f) or {}
        extra = spec.pop("releases", {}).get(self.release, {})
        spec = _merged(spec, extra)
        # Files of the network namespace's block (its boot configuration) join the others.
        for target, attrs in (spec.get("netns") or {}).get("files", {}).items():
            spec.setdefault("files", {})[target] = attrs
        return spec

    def _place(self, target, content, mode, owner="root", group="root"):
        """Writes content for `target` under the host dir with its mode and owner."""
        path = os.path.join(self.dir, "root" + target)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(content)
        os.chown(path, _uid(owner), _gid(group))
        os.chmod(path, int(mode, 8))
        return path

    def _accounts(self, spec):
        """passwd/shadow/group/gshadow: the real ones plus the test's accounts."""
        files = spec.get("files", {})
        # root logs in with /bin/sh, as on a clean host: the machine's own root ~/.bashrc (which
        # bash reads even for `ssh host cmd`) is not the test host's business.
        passwd = "".join(
            "root:x:0:0:root:/root:/bin/sh\n" if line.startswith("root:") else line
            for line in open("/etc/passwd").readlines())
        # Login shells changed by the fixture: {user: shell}.
        for user, shell in spec.get("passwd_shells", {}).items():
            passwd = "".join(
                ":".join(line.rstrip("\n").split(":")[:6] + [shell]) + "\n"
                if line.split(":")[0] == user else line for line in passwd.splitlines(True))
        passwd += (f"{AUDITOR}:x:{AUDITOR_UID}:{AUDITOR_UID}:cisscan test auditor:"
                   f"{AUDITOR_HOME}:/bin/sh\n")
        passwd += f"{PLANTED_USER}:x:4243:4243:planted secret:{PLANTED_HOME}:/bin/sh\n"
        passwd += spec.get("passwd_extra", "")
        self.passwd = passwd
        shadow = open("/etc/shadow").read()
        if "root_password_field" in spec:  # "!" locked, "" no password at all
            shadow = "".join(
                ":".join(["root", spec["root_password_field"]] + line.split(":")[2:])
                if line.split(":")[0] == "root" else line for line in shadow.splitlines(True))
        shadow += f"{AUDITOR}:*:20000:0:99999:7:::\n"
        aging = spec.get("planted_aging", "20000:0:99999:7:::")
        shadow += f"{PLANTED_USER}:{PLANTED_HASH}:{aging}\n"
        shadow += spec.get("shadow_extra", "")
        group = open("/etc/group").read()
        group += f"{AUDITOR}:x:{AUDITOR_UID}:\n{PLANTED_USER}:x:4243:\n"
        group += spec.get("group_extra", "")
        self.group = group
        gshadow = open("/etc/gshadow").read()
        gshadow += f"{AUDITOR}:!::\n{PLANTED_USER}:{PLANTED_DES_HASH}::\n"
        out = {}
        for target, content, mode, grp in (
            ("/etc/passwd", passwd, "0644", "root"),
            ("/etc/shadow", shadow, "0640", "shadow"),
            ("/etc/group", group, "0644", "root"),
            ("/etc/gshadow", gshadow, "0640", "shadow"),
        ):
            attrs = files.get(target, {})
            out[target] = self._place(target, content, attrs.get("mode", mode),
                                      attrs.get("owner", "root"), attrs.get("group", grp))
        return out

    def _dpkg_status(self, spec):
        packages = spec.get("packages", {})
        if packages.get("database") == "corrupt":  # dpkg-query fails and lists nothing
            return self._place("/var/lib/dpkg/status", "not a dpkg status file\n", "0644")
        text = open("/var/lib/dpkg/status").read()
        stanzas = [s for s in text.split("\n\n") if s.strip()]
        removed = set(packages.get("removed", []))
        versions = {name: "1.0-fixture" for name in packages.get("installed", [])}
        if self.pve_parts:
            removed |= set(self.pve_parts["removed"]) | set(self.pve_parts["packages"])
            versions.update(self.pve_parts["packages"])
        kept = [s for s in stanzas if s.split("\n", 1)[0].replace("Package: ", "") not in removed]
        listed = [(name, "install ok installed", version) for name, version in versions.items()]
        listed += [(name, "deinstall ok config-files", "1.0-fixture")
                   for name in packages.get("config_files", [])]
        names = {name for name, _, _ in listed}
        kept = [s for s in kept if s.split("\n", 1)[0].replace("Package: ", "") not in names]
        for name, status, version in listed:
            kept.append(
                f"Package: {name}\nStatus: {status}\nPriority: optional\n"
                f"Section: net\nInstalled-Size: 100\nMaintainer: fixture <fixture@localhost>\n"
                f"Architecture: amd64\nVersion: {version}\nDescription: test fixture\n")
        return self._place("/var/lib/dpkg/status", "\n\n".join(kept) + "\n", "0644")

    def _binds(self):
        """(source, target) pairs to bind inside the namespace."""
        spec = self._fixture_spec()
        binds = []
        for target, source in self._accounts(spec).items():
            binds.append((source, target))
        binds.append((self._dpkg_status(spec), "/var/lib/dpkg/status"))
        fixture_dir = os.path.join(FIXTURES, self.fixture) if self.fixture else None
        for target, attrs in spec.get("files", {}).items():
            if target in ("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow"):
                continue
            if self.pve_parts and os.path.exists(
                    os.path.join(self.pve_parts["etc"], target.replace("/etc/", "", 1))):
                continue  # the PVE node's own file wins
            if "source" in attrs:
                content = open(os.path.join(fixture_dir, attrs["source"])).read()
            else:
                content = attrs.get("content", "")
            binds.append((self._place(target, content, attrs.get("mode", "0644"),
                                      attrs.get("owner", "root"), attrs.get("group", "root")),
                          target))
        for key, value in spec.get("sysctls", {}).items():
            target = "/proc/sys/" + key.replace(".", "/")
            binds.append((self._place(target, f"{value}\n", "0644"), target))
        if self.release:
            codename = RELEASES[self.release]
            binds.append((self._place("/etc/os-release", (
                f'PRETTY_NAME="Debian GNU/Linux {self.release} ({codename})"\n'
                f'NAME="Debian GNU/Linux"\nVERSION_ID="{self.release}"\n'
                f'VERSION="{self.release} ({codename})"\nVERSION_CODENAME={codename}\n'
                f'ID=debian\n'), "0644"), "/etc/os-release"))
        machine_id = f"{abs(hash(self.name + self.testbed.dir)) % (1 << 127):032x}"[-32:]
        binds.append((self._place("/etc/machine-id", machine_id + "\n", "0444"),
                      "/etc/machine-id"))
        return binds

    def _state_lines(self):
        """Setup lines for state that is not a file: an overlay on /etc (so a fixture can add
        files and folders the machine lacks), the virtualization fact, mounts, folder modes."""
        spec = self._fixture_spec()
        lines = []
        for i, root in enumerate(["/etc"] + spec.get("overlays", [])):
            upper, work = (os.path.join(self.dir, f"overlay-{i}-{kind}") for kind in ("up", "work"))
            os.makedirs(upper)
            os.makedirs(work)
            lines.append(f"mount -t overlay overlay -o "
                         f"lowerdir={root},upperdir={upper},workdir={work} {root}")
        lines += self._missing_sysctl_lines(spec)
        # Kernel modules present in the running kernel's module tree (empty stand-ins: only
        # their names are read); needs an overlay on /usr/lib. Few processes: the machine is slow.
        if spec.get("kernel_modules"):
            names = " ".join(spec["kernel_modules"])
            lines.append(f'd="/usr/lib/modules/$(uname -r)/kernel/fixture"; mkdir -p "$d"; '
                         f'for m in {names}; do : > "$d/$m.ko"; done')
        # Enabled systemd units: a unit file and its link in the target's .wants folder.
        units = spec.get("units_enabled", [])
        if units:
            wants = {}
            for unit in units:
                target = "sockets.target" if unit.endswith(".socket") else "multi-user.target"
                wants.setdefault(target, []).append(unit)
                lines.append(f"printf '[Unit]\\nDescription=fixture\\n[Install]\\n"
                             f"WantedBy={target}\\n' > /etc/systemd/system/{unit}")
            lines.append("mkdir -p " + " ".join(f"/etc/systemd/system/{t}.wants" for t in wants))
            for target, names in wants.items():
                lines.append("ln -sf " + " ".join(f"/etc/systemd/system/{u}" for u in names) +
                             f" /etc/systemd/system/{target}.wants/")
        if "virtualization" in spec:
            # The facts probe reads /run/systemd/container first; "none" is a host that is not
            # a container (this machine is one), so kernel, module and mount checks apply.
            lines += ["mount -t tmpfs -o mode=0755 tmpfs /run/systemd",
                      f"printf '%s\\n' '{spec['virtualization']}' > /run/systemd/container"]
        for target, how in sorted(spec.get("mounts", {}).items()):
            lines += self._mount_lines(target, how or {})
        lines += self._net_interface_lines(spec)
        folders = spec.get("folders", {})
        if folders:
            lines.append("mkdir -p " + " ".join(f"'{t}'" for t in sorted(folders)))
        for target, attrs in sorted(folders.items()):
            attrs = attrs or {}
            lines.append(f"chown {attrs.get('owner', 'root')}:{attrs.get('group', 'root')} "
                         f"'{target}' && chmod {attrs.get('mode', '0755')} '{target}'")
        return lines + self._homes_lines(spec)

    def _homes_lines(self, spec):
        """The homes in /home, where /home is a filesystem of the host's own (a `tmpfs` or
        `scratch` mount of the fixture): every account of the host's passwd whose home is in
        /home gets it, owned by the account and its primary group, mode 0750 or the fixture's
        `homes: {mode}`. `homes: {accounts: {NAME: {...}}}` changes one account's home: `mode`,
        `owner`, `group`, `absent: true` (not created), and `files` in it, by path relative to
        the home: {mode, owner, group (default the account's), content, or `link: TARGET` for a
        symbolic link}; folders on the way belong to the account, mode 0700. Built under the
        host's folder and copied in with `cp -a` (owners are numbers: the host's accounts are
        not this machine's)."""
        homes = spec.get("homes") or {}
        how = (spec.get("mounts") or {}).get("/home") or {}
        if "tmpfs" not in how and "scratch" not in how:
            if homes:
                raise ValueError(f"{self.fixture}: `homes` needs /home mounted as tmpfs or "
                                 f"scratch, not this machine's /home")
            return []
        users = {}
        for line in self.passwd.splitlines():
            fields = line.split(":")
            if len(fields) >= 7 and fields[5].startswith("/home/"):
                users[fields[0]] = (int(fields[2]), int(fields[3]), fields[5])
        uids = {line.split(":")[0]: int(line.split(":")[2])
                for line in self.passwd.splitlines() if line.count(":") >= 6}
        gids = {line.split(":")[0]: int(line.split(":")[2])
                for line in self.group.splitlines() if line.count(":") >= 3}
        accounts = homes.get("accounts") or {}
        unknown = set(accounts) - set(users)
        if unknown:
            raise ValueError(f"{self.fixture}: `homes` names accounts without a home in /home: "
                             f"{sorted(unknown)}")
        built = os.path.join(self.dir, "homes")
        lines = []
        made = set()
        for name, (uid, gid, home) in sorted(users.items()):
            attrs = accounts.get(name) or {}
            if attrs.get("absent") or home in made:
                continue
            made.add(home)
            source = os.path.join(built, str(len(made)))
            os.makedirs(source)
            for rel, file in sorted((attrs.get("files") or {}).items()):
                path = os.path.join(source, rel)
                for folder in _folders_between(source, os.path.dirname(path)):
                    os.mkdir(folder)
                    os.chown(folder, uid, gid)
                    os.chmod(folder, 0o700)
                if "link" in file:
                    os.symlink(file["link"], path)
                    os.lchown(path, uid, gid)
                    continue
                with open(path, "w") as f:
                    f.write(file.get("content", ""))
                os.chown(path, _owner(file.get("owner"), uids, uid),
                         _owner(file.get("group"), gids, gid))
                os.chmod(path, int(file.get("mode", "0644"), 8))
            os.chown(source, _owner(attrs.get("owner"), uids, uid),
                     _owner(attrs.get("group"), gids, gid))
            os.chmod(source, int(attrs.get("mode", homes.get("mode", "0750")), 8))
            assert "'" not in home, home
            lines += [f"mkdir -p \"$(dirname '{home}')\"", f"cp -a '{source}' '{home}'"]
        return lines

    def _missing_sysctl_lines(self, spec):
        """A kernel parameter this kernel lacks (Yama's ptrace_scope, Ubuntu's AppArmor key):
        its nearest /proc/sys folder that exists gets a tmpfs with that folder's real entries
        bound back, so the fixture's value can be bound at the missing path."""
        lines = []
        folders = set()
        for key in spec.get("sysctls", {}):
            path = "/proc/sys/" + key.replace(".", "/")
            if not os.path.exists(path):
                folder = os.path.dirname(path)
                while not os.path.isdir(folder):
                    folder = os.path.dirname(folder)
                folders.add(folder)
        for i, folder in enumerate(sorted(folders)):
            real = os.path.join(self.dir, f"procsys-{i}")
            os.makedirs(real)
            lines += [f"mount --bind '{folder}' '{real}'",
                      f"mount -t tmpfs -o mode=0555 tmpfs '{folder}'",
                      f"for e in '{real}'/*; do n='{folder}'/\"${{e##*/}}\"; "
                      f"if [ -d \"$e\" ]; then mkdir \"$n\"; else : > \"$n\"; fi; "
                      f"mount --bind \"$e\" \"$n\"; done"]
        return lines

    def _net_interface_lines(self, spec):
        """Network interfaces the machine lacks (`net_interfaces: {NAME: {wireless, module}}`),
        added to /sys/class/net: a tmpfs laid over it holds this machine's real entries (their
        links into /sys/devices, as sysfs has them; files and folders bound back) and one link
        per added interface to a stand-in folder built under the host's folder: a `wireless`
        folder and a `phy80211` link (`wireless: true`, the default), `device/driver/module`
        leading to a folder named after the driver's module (`module`; without it the driver
        is built into the kernel). Only the names and links are read."""
        interfaces = spec.get("net_interfaces") or {}
        if not interfaces:
            return []
        root = os.path.join(self.dir, "sysfs")
        for name, attrs in sorted(interfaces.items()):
            attrs = attrs or {}
            net = os.path.join(root, "net", name)
            device = os.path.join(root, "devices", f"fixture-{name}")
            os.makedirs(net)
            os.makedirs(device)
            os.symlink(device, os.path.join(net, "device"))
            if attrs.get("wireless", True):
                os.makedirs(os.path.join(net, "wireless"))
                phy = os.path.join(root, "ieee80211", f"phy-{name}")
                os.makedirs(phy)
                os.symlink(phy, os.path.join(net, "phy80211"))
            if attrs.get("module"):
                driver = os.path.join(root, "drivers", attrs["module"])
                module = os.path.join(root, "module", attrs["module"])
                os.makedirs(driver, exist_ok=True)
                os.makedirs(module, exist_ok=True)
                if not os.path.lexists(os.path.join(driver, "module")):
                    os.symlink(module, os.path.join(driver, "module"))
                os.symlink(driver, os.path.join(device, "driver"))
        real = os.path.join(self.dir, "sys-class-net")
        os.makedirs(real)
        lines = [f"mount --bind /sys/class/net '{real}'",
                 "mount -t tmpfs -o mode=0755 tmpfs /sys/class/net",
                 f"for e in '{real}'/*; do n=/sys/class/net/\"${{e##*/}}\"; "
                 f"if [ -L \"$e\" ]; then ln -s \"$(readlink \"$e\")\" \"$n\"; "
                 f"elif [ -d \"$e\" ]; then mkdir \"$n\"; mount --bind \"$e\" \"$n\"; "
                 f"else : > \"$n\"; mount --bind \"$e\" \"$n\"; fi; done"]
        for name in sorted(interfaces):
            lines.append(f"ln -s '{os.path.join(root, 'net', name)}' '/sys/class/net/{name}'")
        return lines

    def _mount_lines(self, target, how):
        """One mount of the fixture: {tmpfs: OPTIONS} a new filesystem, {bind: OPTIONS} the
        folder bound onto itself and {scratch: OPTIONS} a folder of a fresh tmpfs (both mount
        points that are not filesystems of their own), {unmount: true} first."""
        lines = []
        if how.get("unmount"):
            lines.append(f"while mountpoint -q '{target}'; do umount '{target}'; done")
        if "tmpfs" in how:
            options = ",".join(filter(None, ["mode=1777" if target.endswith("tmp") else "",
                                             how["tmpfs"]]))
            # The test bed lives under it: this host's own folder is carried over, and only
            # it, so the filesystem walk sees no other host's fixture files.
            keep = self.dir.startswith(target.rstrip("/") + "/")
            if keep:
                lines.append(f"mount --bind '{self.dir}' /mnt")
            lines.append(f"mkdir -p '{target}'")
            lines.append(f"mount -t tmpfs -o '{options or 'defaults'}' tmpfs '{target}'")
            if keep:
                lines += [f"mkdir -p '{self.dir}'", f"mount --move /mnt '{self.dir}'"]
        elif "scratch" in how:  # a folder of a fresh tmpfs: mounted, but not a filesystem
            lines += [f"mkdir -p '{target}'", f"mount -t tmpfs tmpfs '{target}'",
                      f"mkdir '{target}/.fixture'",
                      f"mount --bind '{target}/.fixture' '{target}'"]
            if how["scratch"]:
                lines.append(f"mount -o 'remount,bind,{how['scratch']}' '{target}'")
        elif "bind" in how:
            lines.append(f"mkdir -p '{target}'")
            lines.append(f"mount --bind '{target}' '{target}'")
            if how["bind"]:
                lines.append(f"mount -o 'remount,bind,{how['bind']}' '{target}'")
        return lines

    def _sshd_config(self):
        keys = os.path.join(self.dir, "authorized_keys")
        os.makedirs(keys)
        pub = open(self.testbed.client_key + ".pub").read()
        for user in ("root", AUDITOR):
            with open(os.path.join(keys, user), "w") as f:
                f.write(pub)
            os.chmod(os.path.join(keys, user), 0o644)
        config = os.path.join(self.dir, "sshd_config")
        with open(config, "w") as f:
            f.write(f"""Port {self.port}
ListenAddress {self.listen_address}
HostKey {self.dir}/host_key
PidFile none
AuthorizedKeysFile {keys}/%u
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
LogLevel DEBUG
MaxSessions 50
""" + self.sshd_extra)
        return config

    # --- a network namespace of the host's own (fixture key `netns`) -------------------------
    def _start_netns(self, spec):
        """A network namespace held by a child process (it ends when its stdin closes, also when
        the test dies; a host of a Netbed keeps the namespace it already has), with loopback up
        and the fixture's listening sockets (`listen`: ["tcp:8080", "udp6:5353"]) open in it."""
        holder = os.path.join(HERE, "netns_holder.py")
        self.netns_holder = subprocess.Popen(
            self.testbed.netns_holder_prefix(self) + [sys.executable, holder,
                                                      *spec.get("listen", [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.log, "a"))
        if self.netns_holder.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"the network namespace of {self.name} did not come up")
        self.netns_path = f"/proc/{self.netns_holder.pid}/ns/net"

    def _netns_setup(self, spec):
        """The fixture's `setup` commands, run as root in the host's own network namespace and
        its mount namespace (its files), e.g. loading its firewall rules into the kernel."""
        fixture_dir = os.path.join(FIXTURES, self.fixture)
        # The fixture's net.* kernel parameters are the namespace's own: the binds over /proc/sys
        # do not reach another network namespace's entries, so they are set there for real.
        for key, value in self._fixture_spec().get("sysctls", {}).items():
            if key.startswith("net."):
                path = "/proc/sys/" + key.replace(".", "/")
                proc = subprocess.run(["nsenter", f"--net={self.netns_path}", "--", "sh", "-c",
                                       f"printf '%s\\n' '{value}' > '{path}'"],
                                      capture_output=True, text=True, timeout=60)
                if proc.returncode != 0:
                    raise RuntimeError(f"{self.name}: cannot set {key}: {proc.stderr}")
        for command in spec.get("setup", []):
            command = command.replace("{fixture}", fixture_dir)
            proc = subprocess.run(
                ["nsenter", f"--net={self.netns_path}", f"--mount=/proc/{self.proc.pid}/ns/mnt",
                 "--", "sh", "-c", command], capture_output=True, text=True, timeout=120)
            if proc.returncode != 0:
                raise RuntimeError(f"{self.name}: '{command}' failed: {proc.stderr[-2000:]}")

    def _stop_netns(self):
        if self.netns_holder and self.netns_holder.poll() is None:
            self.netns_holder.stdin.close()
            try:
                self.netns_holder.wait(5)
            except subprocess.TimeoutExpired:
                self.netns_holder.kill()
                self.netns_holder.wait()

    def _pve_setup(self):
        """Shell lines that lay the simulated PVE node over /etc and /usr/bin (before the binds)."""
        parts, root = self.pve_parts, os.path.join(self.dir, "pvenode")
        lines = []
        for target, upper in (("/etc", parts["etc"]), ("/usr/bin", parts["bin"])):
            work = os.path.join(root, "work" + target.replace("/", "-"))
            os.makedirs(work)
            lines.append(f"mount -t overlay overlay -o 'lowerdir={target},upperdir={upper},"
                         f"workdir={work}' '{target}'")
        lines.append(f"mount --bind '{parts['sources_d']}' /etc/apt/sources.list.d")
        for source, target in parts["mounts"]:  # containers' root file systems (pct exec)
            lines.append(f"mount --bind -o ro '{source}' '{target}'")
        lines.append(f"hostname '{parts['state']['node']}'")
        return lines

    def start(self):
        if self.pve:
            self.pve_parts = pve_node.build(os.path.join(self.dir, "pvenode"),
                                            self.pve["variant"], int(self.pve["version"]),
                                            self.pve.get("node", "pve1"))
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", f"{self.dir}/host_key"])
        # A simulated PVE node stays in the machine's network: it forwards its guests' channels
        # (`via: node`) to addresses there, which a namespace of its own could not reach.
        netns = None if self.pve else self._fixture_spec().get("netns")
        if netns is not None:
            self._start_netns(netns)
        config = self._sshd_config()
        real = os.path.join(self.dir, "sshd-real")
        shutil.copy2("/usr/sbin/sshd", real)
        wrapper = self._place("/usr/sbin/sshd",
                              f"#!/bin/sh\necho \"$*\" >> {self.invocations}\nexec {real} \"$@\"\n",
                              "0755")
        # Written by `sshd -T` as root or as the auditor (group), writable by nobody else.
        open(self.invocations, "w").close()
        os.chown(self.invocations, 0, AUDITOR_UID)
        os.chmod(self.invocations, 0o664)
        binds = self._binds() + [(wrapper, "/usr/sbin/sshd")]
        lines = ["set -e", "mkdir -p /run/sshd"] + self._state_lines()
        if self.pve_parts:
            lines += self._pve_setup()
        for source, target in binds:
            # A file the machine lacks is created in the /etc overlay first.
            lines.append(f"[ -e '{target}' ] || {{ mkdir -p \"$(dirname '{target}')\"; "
                         f": > '{target}'; }}")
            lines.append(f"mount --bind '{source}' '{target}'")
        if self.netns_path and not self.testbed.sshd_in_host_netns(self):
            # sessions in the host's own network namespace, sshd -i each
            inetd = os.path.join(HERE, "inetd.py")
            lines.append(f"exec '{sys.executable}' '{inetd}' '{self.listen_address}' {self.port} "
                         f"nsenter --net='{self.netns_path}' -- '{real}' -i -e -f '{config}' "
                         f"2>>'{self.log}'")
        else:
            lines.append(f"exec '{real}' -D -e -f '{config}' 2>>'{self.log}'")
        setup = os.path.join(self.dir, "setup.sh")
        with open(setup, "w") as f:
            f.write("\n".join(lines) + "\n")
        self._launch(setup)
        if netns is not None:
            self._netns_setup(netns)
        key = open(f"{self.dir}/host_key.pub").read().split()
        where = self.address if self.port == 22 else f"[{self.address}]:{self.port}"
        self.known_hosts_line = f"{where} {key[0]} {key[1]}\n"
        return self

    def _launch(self, setup):
        """Runs the setup script (which ends by exec'ing sshd) in a private mount namespace and
        waits until the daemon listens."""
        prefix = self.testbed.netns_prefix(self)
        uts = ["--uts"] if self.pve_parts else []
        self.proc = subprocess.Popen(
            prefix + ["unshare", "--mount", *uts, "--propagation", "private", "sh", setup],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(self.log, "a"))
        deadline = time.time() + self.start_timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd for {self.name} exited: {open(self.log).read()[-2000:]}")
            if "Server listening" in open(self.log).read():
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"sshd for {self.name} did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stop_netns()

    # --- what the host saw ---------------------------------------------------------------------
    def log_text(self):
        return open(self.log, errors="replace").read()

    def channels_opened(self):
        """Session channels the daemon opened, counted from its own DEBUG log."""
        return self.log_text().count("server_input_channel_open: ctype session")

    def sshd_t_runs(self):
        return sum(1 for line in open(self.invocations) if line.split()[:1] == ["-T"])

    def authenticated(self):
        return "Accepted publickey" in self.log_text()

    def inventory_entry(self, **extra):
        entry = {"name": self.name, "address": self.address, "port": self.port}
        # The fixture's inventory roles (`roles`, e.g. not-booted) come first, the caller's after.
        roles = self._fixture_spec().get("roles", []) + extra.pop("roles", [])
        entry.update(extra)
        if roles:
            entry["roles"] = roles
        return entry


RELEASES = {"12": "bookworm", "13": "trixie"}


def _merged(base, extra):
    """The fixture with a release's section added: mappings merged, lists joined, the rest
    replaced."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + value
        else:
            out[key] = value
    return out


def _folders_between(top, folder):
    """The folders from below `top` down to `folder` that do not exist yet, outermost first."""
    missing = []
    while folder != top and not os.path.exists(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    return list(reversed(missing))


def _owner(value, numbers, default):
    """An owner or group of a fixture: a name of the host's own accounts or groups, a number,
    or the default."""
    if value is None:
        return default
    return value if isinstance(value, int) else numbers[value]


def _uid(name):
    import pwd
    return pwd.getpwnam(name).pw_uid


def _gid(name):
    import grp
    return grp.getgrnam(name).gr_gid


class Testbed:
    """A set of test hosts, a client key that every host accepts, and a known_hosts file."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cisscan-testbed-")
        os.chmod(self.dir, 0o755)
        self.client_key = os.path.join(self.dir, "client_key")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.client_key])
        os.chmod(self.client_key, 0o600)
        self.known_hosts = os.path.join(self.dir, "known_hosts")
        open(self.known_hosts, "w").close()
        self.hosts = []

    def netns_prefix(self, host):
        return []

    def netns_holder_prefix(self, host):
        """Where a fixture's own network namespace (`netns`) comes from: a new one."""
        return ["unshare", "--net"]

    def sshd_in_host_netns(self, host):
        """Whether the host's sshd itself runs in the host's network namespace (then it serves
        its sessions as a real host's does, `sshd -D`, without inetd.py and nsenter)."""
        return False

    def add_host(self, name, fixture=None, known=True, **kw):
        return self.adopt(Host(self, name, fixture, **kw), known)

    def adopt(self, host, known=True):
        """Starts a host built by the caller (any Host subclass) and lists it in known_hosts."""
        host.start()
        self.hosts.append(host)
        if known:
            with open(self.known_hosts, "a") as f:
                f.write(host.known_hosts_line)
        return host

    def inventory(self, entries, path=None, **defaults):
        data = {"defaults": {"user": "root", "identity_file": self.client_key, **defaults},
                "hosts": entries}
        path = path or os.path.join(self.dir, f"inventory-{len(os.listdir(self.dir))}.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(data, f)
        return path

    def stop(self):
        for host in self.hosts:
            host.stop()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
