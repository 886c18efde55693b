"""The Proxmox VE API as the simulated node sees it: the state (state.json beside this file, or
PVESIM_STATE) and the GET handlers of the API paths the simulator knows, returning the data the
real handlers return (pve-outputs.md says which fields, types and orders). pvesim.py formats it.
"""
import json
import os
import re
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
