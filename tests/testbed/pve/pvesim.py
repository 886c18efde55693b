#!/usr/bin/python3
"""A simulated Proxmox VE node: pvesh, pveum, pct, qm, pvenode, pveversion, pvesubscription and
pve-firewall answering in the formats of the real tools (../shared/reference/pve-outputs.md).

Called as `pvesim.py TOOL ARGS...` by the small wrappers the testbed puts on the node's PATH. The
data comes from pveapi.py (state.json beside it, written by node.py from a variant); this file
formats it as each tool does. Only the standard library: it runs on the scanned side.
"""
import fcntl
import json
import os
import re
import subprocess
import sys
import time

from pveapi import (STATE, Die, agent_reply, api_get, certificates, guest, guests, local_node,
                    subscription, tfa, tokens, users)


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
    if g.get("exec_hang"):
        # A frozen container (a test's state): it takes what it is sent and never answers.
        os.execvp("sh", ["sh", "-c", "cat >/dev/null"])
    rootfs = g.get("rootfs_dir")
    if not rootfs:
        raise Die(f"pvesim: CT {g['vmid']} has no root file system to enter", 2)
    # Its own UTS namespace, host name and root file system, as a container has.
    name = g.get("config", {}).get("hostname", g["name"])
    argv = ["unshare", "--uts", "sh", "-c", 'hostname "$1"; shift; exec chroot "$@"', "sh", name,
            rootfs] + (command or ["/bin/sh"])
    log = STATE.get("exec_log")
    if not log:
        os.execvp(argv[0], argv)
    # A test's state asks for every exec's start and end, in order, to count how many overlap;
    # each holds the container for exec_delay seconds first, so that overlaps can happen.
    exec_log(log, f"start {g['vmid']}")
    time.sleep(STATE.get("exec_delay", 0))
    code = subprocess.run(argv).returncode
    exec_log(log, f"end {g['vmid']}")
    sys.exit(code)


def exec_log(path, line):
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(line + "\n")


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
    if args[:2] == ["guest", "exec"] and len(args) >= 3:
        return guest_exec(args[2], args[3:])
    if len(args) >= 3 and args[0] == "agent" or args[:2] == ["guest", "cmd"]:
        vmid, command = (args[1], args[2]) if args[0] == "agent" else (args[2], args[3])
        result = agent_reply(local_node(), vmid, command)
        sys.stdout.write(to_json_pretty(result))
        return
    raise Die(f"pvesim: qm {' '.join(args)} is not simulated", 2)


def guest_exec(vmid, args):
    """`qm guest exec VMID [--pass-stdin 1] [--timeout S] [--] CMD...`: the command runs inside
    the VM's root file system (as pct exec does for a container); qm waits for its end and
    answers with the agent's status as JSON (exited, exitcode, out-data, err-data)."""
    opts = {"pass-stdin": "0", "timeout": "30"}
    while args and args[0].startswith("--") and args[0] != "--":
        opts[args[0][2:]] = args[1]
        args = args[2:]
    command = args[1:] if args[:1] == ["--"] else args
    agent_reply(local_node(), vmid, "ping")  # the agent's own errors: not configured, not running
    g = guest(vmid, "qemu")
    data = sys.stdin.buffer.read() if opts["pass-stdin"] == "1" else b""
    if g.get("exec_hang"):
        # A frozen agent (a test's state): qm gives up after its timeout with the pid only.
        time.sleep(float(opts["timeout"]))
        sys.stdout.write(to_json_pretty({"pid": 4242}))
        return
    argv = ["unshare", "--uts", "sh", "-c", 'hostname "$1"; shift; exec chroot "$@"', "sh",
            g.get("config", {}).get("hostname", g["name"]), g["rootfs_dir"]] + command
    proc = subprocess.run(argv, input=data, capture_output=True)
    result = {"exited": 1, "exitcode": proc.returncode}
    if proc.stdout:
        result["out-data"] = proc.stdout.decode("utf-8", "replace")
    if proc.stderr:
        result["err-data"] = proc.stderr.decode("utf-8", "replace")
    sys.stdout.write(to_json_pretty(result))


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
