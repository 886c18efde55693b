#!/usr/bin/python3
"""A simulated Proxmox VE node: pvesh, pveum, pct, qm, pvenode, pveversion, pvesubscription and
pve-firewall answering in the formats of the real tools (../shared/reference/pve-outputs.md).

Called as `pvesim.py TOOL ARGS...` by the small wrappers the testbed puts on the node's PATH. The
answers come from state.json beside this file (written by tests/testbed/pve/node.py from a variant).
Only the standard library: it runs on the scanned side.
"""
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STATE = json.load(open(os.environ.get("PVESIM_STATE", os.path.join(HERE, "state.json"))))


def now():
    """The simulator's clock: PVESIM_NOW (epoch) when set, so a test can replay a moment."""
    return float(os.environ.get("PVESIM_NOW") or time.time())


class Die(Exception):
    """A Perl `die "msg\\n"` at the top of a PVE CLI: the message on stderr and an exit code."""

    def __init__(self, message, code=255):
        super().__init__(message)
        self.code = code


def to_json(data):
    # JSON::XS canonical: one line, keys sorted, no whitespace, UTF-8, `/` not escaped.
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def to_json_pretty(data):
    return _pretty(data, 0) + "\n"


def _pretty(data, depth):
    # JSON::XS pretty: 3-space indent, `"key" : value`, empty containers as [] and {}.
    pad, inner = "   " * depth, "   " * (depth + 1)
    if isinstance(data, dict) and data:
        items = [f'{inner}{json.dumps(k, ensure_ascii=False)} : {_pretty(data[k], depth + 1)}'
                 for k in sorted(data)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(data, list) and data:
        return "[\n" + ",\n".join(inner + _pretty(v, depth + 1) for v in data) + "\n" + pad + "]"
    return json.dumps(data, ensure_ascii=False)


def options(args):
    """Splits `--key value` pairs from positional arguments."""
    opts, pos = {}, []
    i = 0
    while i < len(args):
        if args[i].startswith("--"):
            if i + 1 >= len(args):
                raise Die(f"400 Parameter verification failed.\n{args[i][2:]}: missing value", 255)
            opts[args[i][2:]] = args[i + 1]
            i += 2
        else:
            pos.append(args[i])
            i += 1
    return opts, pos


def emit(data, opts):
    fmt = opts.pop("output-format", "text")
    if fmt == "json":
        sys.stdout.write(to_json(data))
    elif fmt == "json-pretty":
        sys.stdout.write(to_json_pretty(data))
    else:
        raise Die(f"pvesim: output format '{fmt}' is not simulated (use json or json-pretty)", 2)


# --- the cluster's data -------------------------------------------------------------------------
def local_node():
    return STATE["node"]


def guests():
    return STATE.get("guests", [])


def guest(vmid, kind=None, node=None):
    for g in guests():
        if str(g["vmid"]) == str(vmid) and (kind is None or g["type"] == kind):
            return g
    node = node or local_node()
    folder = "qemu-server" if kind in (None, "qemu") else "lxc"
    raise Die(f"Configuration file 'nodes/{node}/{folder}/{vmid}.conf' does not exist")


def major():
    return int(STATE["version"].split(".")[0])


def cluster_status():
    out = []
    if STATE.get("cluster"):
        c = STATE["cluster"]
        out.append({"id": "cluster", "name": c["name"], "nodes": len(STATE["nodes"]),
                    "quorate": c.get("quorate", 1), "type": "cluster", "version": c["version"]})
    for n in STATE["nodes"]:
        entry = {"id": f"node/{n['name']}", "level": n.get("level", ""),
                 "local": 1 if n["name"] == local_node() else 0, "name": n["name"],
                 "nodeid": n["nodeid"] if STATE.get("cluster") else 0,
                 "online": n.get("online", 1), "type": "node"}
        if "ip" in n:
            entry["ip"] = n["ip"]
        out.append(entry)
    return out


STAT_KEYS = ("cpu", "disk", "diskread", "diskwrite", "maxcpu", "maxdisk", "maxmem", "mem",
             "netin", "netout", "uptime")


def resources(kind):
    if kind not in (None, "vm"):
        return []
    out = []
    for g in sorted(guests(), key=lambda g: str(g["vmid"])):
        entry = {"id": f"{g['type']}/{g['vmid']}", "node": g["node"], "type": g["type"],
                 "vmid": g["vmid"]}
        stats = g.get("stats")
        if stats is None:
            entry["status"] = "unknown"
        else:
            entry["status"] = g["status"]
            entry["name"] = g["name"]
            entry["template"] = 1 if g.get("template") else 0
            entry.update({k: stats[k] for k in STAT_KEYS if k in stats})
            if major() >= 9:
                entry["memhost"] = stats.get("memhost", 0)
        for key in ("tags", "lock", "pool", "hastate"):
            if g.get(key):
                entry[key] = g[key]
        out.append(entry)
    return out


def agent_reply(node, vmid, command):
    g = guest(vmid, "qemu", node)
    if "agent" not in g.get("config", {}):
        raise Die("No QEMU guest agent configured")
    if g["status"] != "running":
        raise Die(f"VM {vmid} is not running")
    agent = g.get("agent") or {}
    if not agent.get("running"):
        raise Die("QEMU guest agent is not running")
    if command == "ping":
        return {}
    if command == "network-get-interfaces":
        return agent.get("interfaces", [])
    raise Die(f"No '{command}' handler simulated", 1)


def users(full):
    out = []
    for u in sorted(STATE.get("users", []), key=lambda u: u["userid"]):
        entry = {k: v for k, v in u.items() if k not in ("groups", "tokens", "tfa-locked-until")}
        entry.setdefault("enable", 1)
        entry.setdefault("expire", 0)
        if u.get("tfa-locked-until", 0) > now():
            entry["tfa-locked-until"] = u["tfa-locked-until"]
        if full:
            entry["groups"] = ",".join(u.get("groups", []))
            # The code copies an undefined hash slot: no tokens is null, not [].
            tokens = sorted(u.get("tokens", []), key=lambda t: t["tokenid"])
            entry["tokens"] = tokens or None
        out.append(entry)
    return out


def user(userid):
    for u in STATE.get("users", []):
        if u["userid"] == userid:
            return u
    raise Die(f"no such user ('{userid}')")


def tokens(userid):
    # Hash order in the real tool; the state's order here.
    return list(user(userid).get("tokens", []))


def tfa(userid=None):
    if userid is not None:
        for t in STATE.get("tfa", []):
            if t["userid"] == userid:
                return t["entries"]
        return []
    return STATE.get("tfa", [])


def covered_vmids():
    """Guests selected by any vzdump job, enabled or not (like backup-info does)."""
    covered = set()
    for job in STATE.get("jobs", []):
        for g in guests():
            if job.get("node") and g["node"] != job["node"]:
                continue
            excluded = {int(v) for v in str(job.get("exclude", "")).split(",") if v}
            if (job.get("all") and g["vmid"] not in excluded) or \
               g["vmid"] in {int(v) for v in str(job.get("vmid", "")).split(",") if v} or \
               (job.get("pool") and g.get("pool") == job["pool"]):
                covered.add(g["vmid"])
    return covered


def not_backed_up():
    covered = covered_vmids()
    out = []
    for g in STATE.get("not_backed_up_order", []) or [g["vmid"] for g in guests()]:
        g = guest(g)
        if g["vmid"] not in covered:
            entry = {"type": g["type"], "vmid": g["vmid"]}
            if g.get("name"):
                entry["name"] = g["name"]
            out.append(entry)
    return out


def version_info():
    info = {"release": STATE["release"], "repoid": STATE["repoid"], "version": STATE["version"]}
    if STATE.get("console"):
        info["console"] = STATE["console"]
    return info


def certificates(node):
    if node != local_node():
        raise Die(f"hostname lookup '{node}' failed - failed to get address info for: {node}: "
                  "Name or service not known")
    return STATE.get("certificates", [])


def subscription():
    return STATE["subscription"]


def api_get(path, opts):
    """The GET handlers of the API paths the simulator knows."""
    parts = [p for p in path.split("/") if p]
    routes = [
        (r"^cluster/status$", lambda m: cluster_status()),
        (r"^cluster/resources$", lambda m: resources(opts.pop("type", None))),
        (r"^cluster/backup-info/not-backed-up$", lambda m: not_backed_up()),
        (r"^nodes/([^/]+)/qemu/(\d+)/agent/network-get-interfaces$",
         lambda m: {"result": agent_reply(m[1], m[2], "network-get-interfaces")}),
        (r"^nodes/([^/]+)/qemu/(\d+)/agent/ping$",
         lambda m: {"result": agent_reply(m[1], m[2], "ping")}),
        (r"^nodes/([^/]+)/certificates/info$", lambda m: certificates(m[1])),
        (r"^nodes/([^/]+)/subscription$", lambda m: subscription()),
        (r"^access/users$", lambda m: users(opts.pop("full", "0") == "1")),
        (r"^access/users/([^/]+)/token$", lambda m: tokens(m[1])),
        (r"^access/tfa$", lambda m: tfa()),
        (r"^access/tfa/([^/]+)$", lambda m: tfa(m[1])),
        (r"^access/acl$", lambda m: STATE.get("acl", [])),
        (r"^version$", lambda m: version_info()),
    ]
    for pattern, handler in routes:
        m = re.match(pattern, "/".join(parts))
        if m:
            return handler(m)
    raise Die(f"No 'get' handler defined for '{path}'", 1)


# --- the tools ----------------------------------------------------------------------------------
def pvesh(args):
    if len(args) < 2:
        raise Die("ERROR: no command specified", 255)
    verb, path = args[0], args[1]
    opts, _ = options(args[2:])
    opts.pop("noproxy", None)
    if verb != "get":
        raise Die(f"No '{verb}' handler defined for '{path}'", 1)
    emit(api_get(path, opts), opts)


def pveum(args):
    opts, pos = options(args)
    if pos[:2] == ["user", "list"]:
        return emit(users(opts.pop("full", "0") == "1"), opts)
    if pos[:3] == ["user", "token", "list"] and len(pos) == 4:
        return emit(tokens(pos[3]), opts)
    if pos[:2] == ["acl", "list"]:
        return emit(STATE.get("acl", []), opts)
    if pos[:3] == ["user", "tfa", "list"]:
        return tfa_text(pos[3] if len(pos) > 3 else None)
    raise Die(f"pvesim: pveum {' '.join(pos)} is not simulated", 2)


def tfa_text(userid):
    if userid is not None:
        blocks = [(None, tfa(userid))]
    else:
        blocks = [(t["userid"], t["entries"]) for t in sorted(tfa(), key=lambda t: t["userid"])]
    out, nl = [], ""
    for name, entries in blocks:
        indent = ""
        if name is not None:
            out.append(f"{nl}{name}:\n")
            indent, nl = "    ", ""
        for e in entries:
            out.append(f"{nl}{indent}{e['type'] + ':':<9} {e['id']}\n{indent}    "
                       f"{e.get('description', '')}\n")
            nl = "\n"
    sys.stdout.write("".join(out))


def pvenode(args):
    opts, pos = options(args)
    if pos[:2] == ["cert", "info"]:
        return emit(certificates(local_node()), opts)
    raise Die(f"pvesim: pvenode {' '.join(pos)} is not simulated", 2)


def pvesubscription(args):
    if args != ["get"]:
        raise Die("pvesim: only `pvesubscription get` is simulated", 2)
    for key, value in sorted(subscription().items()):
        print(f"{key}: {value}")


def running_kernel():
    return os.uname().release


def installed_packages():
    """(name, version) of installed packages from the dpkg database, as pveversion reads it."""
    proc = subprocess.run(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}|${Package}|${Version}\n"],
                          capture_output=True, text=True)
    out = {}
    for line in proc.stdout.splitlines():
        status, name, version = line.split("|")
        if status.startswith("ii"):
            out[name] = version
    return out


def pveversion(args):
    kernel = running_kernel()
    if not args:
        print(f"pve-manager/{STATE['version']}/{STATE['repoid']} (running kernel: {kernel})")
        return
    if args not in (["-v"], ["--verbose"]):
        raise Die("USAGE: pveversion [--verbose]", 255)
    print(f"proxmox-ve: {STATE['proxmox_ve']} (running kernel: {kernel})")
    print(f"pve-manager: {STATE['version']} (running version: {STATE['version']}/"
          f"{STATE['repoid']})")
    packages = installed_packages()
    kernels = [(n, v) for n, v in packages.items()
               if re.match(r"^(pve|proxmox)-kernel-", n)]
    kernels.sort(key=lambda nv: _version_key(nv[1]), reverse=True)
    for name, version in kernels:
        print(f"{name}: {version}")
    for name in STATE.get("version_packages", []):
        if name in packages:
            print(f"{name}: {packages[name]}")


def _version_key(version):
    return [int(p) if p.isdigit() else p for p in re.split(r"[.\-+~]", version)]


def guest_config_lines(g):
    config = dict(g.get("config", {}))
    lines = []
    if config.pop("description", None) is not None:
        lines.append("description: " + g["config"]["description"])
    return sorted(lines + [f"{k}: {v}" for k, v in config.items()])


def pct(args):
    if args[:1] == ["list"]:
        rows = [g for g in guests() if g["type"] == "lxc" and g["node"] == local_node()]
        if rows:
            print(f"{'VMID':<10} {'Status':<10} {'Lock':<12} {'Name':<20}")
        for g in sorted(rows, key=lambda g: g["vmid"]):
            print(f"{g['vmid']:<10} {g['status']:<10} {g.get('lock', ''):<12} {g['name']:<20}")
        return
    if len(args) >= 2 and args[0] in ("config", "status", "exec"):
        g = guest(args[1], "lxc")
        if args[0] == "config":
            print("\n".join(guest_config_lines(g)))
        elif args[0] == "status":
            print(f"status: {g['status']}")
        else:
            return pct_exec(g, args[2:])
        return
    raise Die(f"pvesim: pct {' '.join(args)} is not simulated", 2)


def pct_exec(g, command):
    if command[:1] == ["--"]:
        command = command[1:]
    if g["status"] != "running":
        raise Die(f"CT {g['vmid']} not running")
    rootfs = g.get("rootfs_dir")
    if not rootfs:
        raise Die(f"pvesim: CT {g['vmid']} has no root file system to enter", 2)
    # Its own UTS namespace, host name and root file system, as a container has.
    name = g.get("config", {}).get("hostname", g["name"])
    os.execvp("unshare", ["unshare", "--uts", "sh", "-c", 'hostname "$1"; shift; exec chroot "$@"',
                          "sh", name, rootfs] + (command or ["/bin/sh"]))


def qm(args):
    if args[:1] == ["list"]:
        rows = [g for g in guests() if g["type"] == "qemu" and g["node"] == local_node()]
        if rows:
            print("%10s %-20s %-10s %-10s %12s %-10s" % ("VMID", "NAME", "STATUS", "MEM(MB)",
                                                          "BOOTDISK(GB)", "PID"))
        for g in sorted(rows, key=lambda g: g["vmid"]):
            stats = g.get("stats", {})
            print("%10s %-20s %-10s %-10s %12.2f %-10s" % (
                g["vmid"], g["name"], g["status"], stats.get("maxmem", 0) // 1048576,
                stats.get("maxdisk", 0) / 1073741824, g.get("pid", 0)))
        return
    if len(args) >= 2 and args[0] in ("config", "status"):
        g = guest(args[1], "qemu")
        print("\n".join(guest_config_lines(g)) if args[0] == "config" else f"status: {g['status']}")
        return
    if len(args) >= 3 and args[0] == "agent" or args[:2] == ["guest", "cmd"]:
        vmid, command = (args[1], args[2]) if args[0] == "agent" else (args[2], args[3])
        result = agent_reply(local_node(), vmid, command)
        sys.stdout.write(to_json_pretty(result))
        return
    raise Die(f"pvesim: qm {' '.join(args)} is not simulated", 2)


def pve_firewall(args):
    if args != ["status"]:
        raise Die("pvesim: only `pve-firewall status` is simulated", 2)
    state = STATE.get("firewall_status", "disabled/running")
    print(f"Status: {state}")


TOOLS = {"pvesh": pvesh, "pveum": pveum, "pct": pct, "qm": qm, "pvenode": pvenode,
         "pveversion": pveversion, "pvesubscription": pvesubscription,
         "pve-firewall": pve_firewall}


def main(argv):
    tool = argv[1] if len(argv) > 1 else ""
    if tool not in TOOLS:
        sys.stderr.write(f"pvesim: unknown tool '{tool}'\n")
        return 2
    try:
        TOOLS[tool](argv[2:])
    except Die as e:
        sys.stderr.write(f"{e}\n")
        return e.code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
