"""Builds a simulated Proxmox VE node from a variant (variants/*.yaml) and a PVE major version:
the simulator's state.json, the wrappers that put pvesh, pveum, pct, qm, ... on the PATH, the
/etc tree (/etc/pve written in the real writers' syntax, os-release, APT sources in the release's
format, and the other files the variant lists) and the packages the node has installed.

testbed.Host(pve=...) lays the result over the real system inside the host's private mount
namespace; tests/testbed/pve/README.md says how.
"""
import json
import os
import shutil
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
VARIANTS = os.path.join(HERE, "variants")
TOOLS = ("pvesh", "pveum", "pct", "qm", "pvenode", "pveversion", "pvesubscription",
         "pve-firewall")
DAY = 86400

RELEASES = {
    8: {"debian": "12", "codename": "bookworm", "debian_version": "12.8", "ceph": "ceph-reef",
        "packages": ["ceph-fuse", "corosync", "criu", "glusterfs-client", "ifupdown2",
                     "libpve-access-control", "pve-cluster", "pve-container",
                     "pve-firewall", "qemu-server"]},
    9: {"debian": "13", "codename": "trixie", "debian_version": "13.2", "ceph": "ceph-squid",
        "packages": ["ceph-fuse", "corosync", "criu", "ifupdown2", "libpve-access-control",
                     "proxmox-backup-restore-image", "pve-cluster", "pve-container",
                     "pve-firewall", "qemu-server"]},
}


# Keys of a variant that describe the node's files and packages, not the simulator's answers.
NOT_STATE = ("files", "apt", "packages", "packages_removed", "sshd_config")


def sshd_config(spec):
    """A Debian fixture's sshd_config with some options set first (the first value wins)."""
    fixtures = os.path.join(os.path.dirname(os.path.dirname(HERE)), "fixtures", "hosts")
    with open(os.path.join(fixtures, spec["from"], "sshd_config")) as f:
        base = f.read().splitlines()
    names = {k.lower() for k in spec["options"]}
    kept = [line for line in base if line.split()[:1] == [] or line.split()[0].lower() not in names]
    return "".join(f"{k} {v}\n" for k, v in spec["options"].items()) + "\n".join(kept) + "\n"


def load_variant(name):
    with open(os.path.join(VARIANTS, name + ".yaml")) as f:
        return yaml.safe_load(f)


def resolve(value, now):
    """`{days: N}` in a variant is an epoch N days from now (negative: in the past)."""
    if isinstance(value, dict) and set(value) == {"days"}:
        return int(now + value["days"] * DAY)
    if isinstance(value, dict):
        return {k: resolve(v, now) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, now) for v in value]
    return value


def state_for(variant, major, node=None, now=None):
    """The simulator's state: the variant's data with the release and times filled in."""
    data = load_variant(variant) if isinstance(variant, str) else variant
    state = resolve({k: v for k, v in data.items() if k not in NOT_STATE}, now or time.time())
    version = str(state["version"][str(major)])
    state["version"] = version
    state["release"] = ".".join(version.split(".")[:2])
    state["proxmox_ve"] = state["release"] + ".0"
    state["version_packages"] = RELEASES[major]["packages"]
    if node:
        state["node"] = node
    return json.loads(json.dumps(state).replace("{node}", state["node"]))


# --- /etc/pve in the real writers' syntax (pve-outputs.md 0.3, 5.2, 11.2, 13) -------------------
def user_cfg(state):
    members = {}
    for u in state.get("users", []):
        for g in u.get("groups", []):
            members.setdefault(g, []).append(u["userid"])
    lines = []
    for u in sorted(state.get("users", []), key=lambda u: u["userid"]):
        fields = [u["userid"], u.get("enable", 1), u.get("expire", 0), u.get("firstname", ""),
                  u.get("lastname", ""), u.get("email", ""), u.get("comment", ""),
                  u.get("keys", "")]
        lines.append("user:" + ":".join(str(f) for f in fields) + ":")
        for t in sorted(u.get("tokens", []), key=lambda t: t["tokenid"]):
            lines.append(f"token:{u['userid']}!{t['tokenid']}:{t['expire']}:{t['privsep']}:"
                         f"{t.get('comment', '')}:")
    lines.append("")
    for g in state.get("groups", []):
        lines.append(f"group:{g['name']}:{','.join(members.get(g['name'], []))}:"
                     f"{g.get('comment', '')}:")
    lines.append("")
    for p in state.get("pools", []):
        lines.append(f"pool:{p['name']}:{p.get('comment', '')}:{p.get('vmids', '')}:"
                     f"{p.get('storage', '')}:")
    lines.append("")
    for r in state.get("roles", []):
        lines.append(f"role:{r['name']}:{r['privs']}:")
    lines.append("")
    for a in state.get("acl", []):
        ug = "@" + a["ugid"] if a["type"] == "group" else a["ugid"]
        lines.append(f"acl:{a['propagate']}:{a['path']}:{ug}:{a['roleid']}:")
    return "\n".join(lines) + "\n"


def jobs_cfg(state):
    out = []
    for job in state.get("jobs", []):
        out.append(f"vzdump: {job['id']}")
        if "comment" in job:
            out.append(f"\tcomment {job['comment']}")
        out.append(f"\tschedule {job['schedule']}")
        for key in sorted(k for k in job if k not in ("id", "comment", "schedule")):
            out.append(f"\t{key} {job[key]}")
        out.append("")
    return "\n".join(out) + "\n" if out else ""


def guest_conf(guest):
    config = dict(guest.get("config", {}))
    lines = ["#" + line for line in config.pop("description", "").split("\n") if line]
    lines += [f"{k}: {v}" for k, v in sorted(config.items())]
    return "\n".join(lines) + "\n"


def write(root, path, content, mode=0o644):
    full = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(content)
    os.chmod(full, mode)
    return full


def pve_tree(state, etc):
    """Writes /etc/pve under `etc` (the upper layer of the node's /etc)."""
    write(etc, "pve/user.cfg", user_cfg(state), 0o640)
    write(etc, "pve/jobs.cfg", jobs_cfg(state), 0o640)
    for node in state["nodes"]:
        os.makedirs(os.path.join(etc, "pve/nodes", node["name"], "qemu-server"), exist_ok=True)
        os.makedirs(os.path.join(etc, "pve/nodes", node["name"], "lxc"), exist_ok=True)
    for g in state.get("guests", []):
        folder = "qemu-server" if g["type"] == "qemu" else "lxc"
        write(etc, f"pve/nodes/{g['node']}/{folder}/{g['vmid']}.conf", guest_conf(g), 0o640)
    os.symlink(f"nodes/{state['node']}", os.path.join(etc, "pve/local"))
    for folder in ("qemu-server", "lxc"):
        os.symlink(f"nodes/{state['node']}/{folder}", os.path.join(etc, "pve", folder))


# --- APT sources in the release's own format (pve-outputs.md 15) -------------------------------
def apt_sources(spec, major, etc, sources_d):
    """spec: {pve: enterprise|no-subscription|test, enterprise_disabled: bool, security: bool}."""
    rel = RELEASES[major]
    code = rel["codename"]
    repos = []   # (file stem, uri, suites, components, enabled)
    debian = [("http://deb.debian.org/debian", f"{code} {code}-updates",
               "main contrib non-free-firmware")]
    if spec.get("security", True):
        debian.append(("http://security.debian.org/debian-security", f"{code}-security",
                       "main contrib non-free-firmware"))
    pve = spec.get("pve", "no-subscription")
    enterprise_on = pve == "enterprise"
    repos.append(("pve-enterprise", "https://enterprise.proxmox.com/debian/pve", code,
                  "pve-enterprise", enterprise_on))
    if pve != "enterprise":
        component = {"no-subscription": "pve-no-subscription",
                     "test": "pvetest" if major == 8 else "pve-test"}[pve]
        repos.append(("proxmox" if major == 9 else "pve-no-subscription",
                      "http://download.proxmox.com/debian/pve", code, component, True))
    if spec.get("keep_enterprise"):
        repos[0] = repos[0][:4] + (True,)
    if major == 8:
        text = ""
        for uri, suites, comp in debian:
            for suite in suites.split():
                text += f"deb {uri} {suite} {comp}\n"
        write(etc, "apt/sources.list", text)
        for stem, uri, suite, comp, enabled in repos:
            write(sources_d, stem + ".list",
                  ("" if enabled else "# ") + f"deb {uri} {suite} {comp}\n")
    else:
        stanzas = [f"Types: deb\nURIs: {uri}\nSuites: {suites}\nComponents: {comp}\n"
                   "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
                   for uri, suites, comp in debian]
        write(sources_d, "debian.sources", "\n".join(stanzas))
        for stem, uri, suite, comp, enabled in repos:
            write(sources_d, stem + ".sources",
                  f"Types: deb\nURIs: {uri}\nSuites: {suite}\nComponents: {comp}\n"
                  "Signed-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n"
                  + ("" if enabled else "Enabled: false\n"))


def os_release(major):
    rel = RELEASES[major]
    name = {"12": "bookworm", "13": "trixie"}[rel["debian"]]
    return (f'PRETTY_NAME="Debian GNU/Linux {rel["debian"]} ({name})"\n'
            'NAME="Debian GNU/Linux"\n'
            f'VERSION_ID="{rel["debian"]}"\nVERSION="{rel["debian"]} ({name})"\n'
            f"VERSION_CODENAME={name}\nID=debian\n"
            'HOME_URL="https://www.debian.org/"\n')


def container_roots(state, dest):
    """A root file system for each running container of this node, for `pct exec` to chroot
    into, and for each running VM whose guest agent runs, for `qm guest exec`: the host's /usr
    (bound read-only by the testbed) and /dev, and an /etc of its own (Debian 12, the guest's
    host name, and the files its `rootfs_files` lists).
    Returns the (source, target) bind mounts; sets each container's rootfs_dir in the state."""
    mounts = []
    for g in state.get("guests", []):
        agent = g["type"] == "qemu" and (g.get("agent") or {}).get("running")
        if g["type"] != "lxc" and not agent or g["node"] != state["node"] or \
                g["status"] != "running":
            continue
        root = os.path.join(dest, str(g["vmid"]))
        for folder in ("usr", "dev", "tmp", "root", "etc"):
            os.makedirs(os.path.join(root, folder))
        for link in ("bin", "sbin", "lib", "lib64"):
            os.symlink("usr/" + link, os.path.join(root, link))
        name = g.get("config", {}).get("hostname", g["name"])
        write(root, "etc/os-release", os_release(8))
        write(root, "etc/hostname", name + "\n")
        write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
        write(root, "etc/group", "root:x:0:\n")
        for path, content in (g.get("rootfs_files") or {}).items():
            write(root, path, content)
        mounts += [("/usr", os.path.join(root, "usr")), ("/dev", os.path.join(root, "dev"))]
        g["rootfs_dir"] = root
    return mounts


def fill(text, values):
    """Replaces {node}, {codename} and {kernel}; other braces stay as they are."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def build(dest, variant, major, node="pve1", now=None):
    """Writes the node under dest; returns its parts for testbed.Host (see the return)."""
    data = load_variant(variant)
    state = state_for(data, major, node, now)
    mounts = container_roots(state, os.path.join(dest, "ct"))
    sim = os.path.join(dest, "pve")
    os.makedirs(sim)
    for name in ("pvesim.py", "pveapi.py"):
        shutil.copy2(os.path.join(HERE, name), os.path.join(sim, name))
    with open(os.path.join(sim, "state.json"), "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    bin_dir = os.path.join(dest, "bin")
    for tool in TOOLS:
        write(bin_dir, tool, f'#!/bin/sh\nexec /usr/bin/python3 {sim}/pvesim.py {tool} "$@"\n',
              0o755)
    etc = os.path.join(dest, "etc")
    sources_d = os.path.join(dest, "sources.list.d")
    os.makedirs(sources_d)
    pve_tree(state, etc)
    apt_sources(data.get("apt", {}), major, etc, sources_d)
    write(etc, "os-release", os_release(major))
    write(etc, "hostname", node + "\n")
    fmt = {"node": node, "codename": RELEASES[major]["codename"],
           "kernel": os.uname().release}
    for path, content in (data.get("files") or {}).items():
        attrs = content if isinstance(content, dict) else {"content": content}
        write(etc, path.replace("/etc/", "", 1), fill(attrs["content"], fmt),
              int(attrs.get("mode", "0644"), 8))
    packages = {fill(name, fmt): fill(str(version), fmt)
                for name, version in (data.get("packages") or {}).items()}
    if data.get("sshd_config"):
        write(etc, "ssh/sshd_config", sshd_config(data["sshd_config"]), 0o600)
    packages.setdefault("pve-manager", state["version"])
    packages.setdefault("proxmox-ve", state["proxmox_ve"])
    return {"etc": etc, "sources_d": sources_d, "bin": bin_dir, "packages": packages,
            "removed": data.get("packages_removed", []), "state": state, "mounts": mounts}
