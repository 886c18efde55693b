"""Proxmox VE guests over real sshd: a simulated PVE 9 node (tests/testbed/pve/) whose
containers are scanned with `transport: pct` through the node's SSH session (`pct exec VMID --
sh -s`, each container chrooted into a root file system of its own), with no SSH handshake per
container; a stopped, a vanished and a frozen container, and a node without pct."""
import json
import os
import re

import pytest
import yaml

import testbed
from conftest import SOURCE, cisscan, scan_sleeps, slow_catalog

FROZEN = 105  # a running container that never answers (exec_hang in the simulator's state)


def edit_state(host, change):
    """Changes a started simulated node's state (pvesim reads it on every call)."""
    path = os.path.join(host.dir, "pvenode", "pve", "state.json")
    with open(path) as f:
        state = json.load(f)
    change(state)
    with open(path, "w") as f:
        json.dump(state, f)


def add_guest(host, guest):
    edit_state(host, lambda state: state["guests"].append(guest))


@pytest.fixture(scope="module")
def node(bed):
    host = bed.add_host("pct-node", "hardened",
                        pve={"variant": "hardened", "version": 9, "node": "pve1"})
    add_guest(host, {"vmid": FROZEN, "type": "lxc", "node": "pve1", "status": "running",
                     "name": "frozen", "exec_hang": True, "config": {"hostname": "frozen"}})
    return host


def pct(name, vmid, **extra):
    return {"name": name, "transport": "pct", "node": "pct-node", "vmid": vmid, **extra}


def scan_through(bed, node, guests, out, timeout):
    """Scans the node and its guests; the run's `logins` counts the logins on the node's sshd.
    `timeout` (--host-timeout) cuts a frozen guest; the node's own whole-catalog scan must fit
    in it on a loaded machine too."""
    before = node.log_text().count("Accepted publickey")
    inventory = bed.inventory([node.inventory_entry()] + guests)
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--host-timeout", str(timeout), "--out", out, out=out)
    run.logins = node.log_text().count("Accepted publickey") - before
    return run


@pytest.fixture(scope="module")
def guests_run(bed, node, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("pct") / "out")
    return scan_through(bed, node, [pct("dns01", 101), pct("old-ct", 102), pct("ghost", 999),
                                    pct("frozen", FROZEN)], out, 40)


def test_the_container_is_scanned_through_pct_and_differs_from_its_node(guests_run):
    ct, node = guests_run.host("dns01"), guests_run.host("pct-node")
    assert ct["status"] == "ok", ct["reason"]
    assert node["status"] == "ok", node["reason"]
    assert ct["transport"] == "pct"
    # Its own root file system: Debian 12 inside, Debian 13 (PVE 9) on the node.
    assert ct["facts"]["os_version_id"] == "12"
    assert node["facts"]["os_version_id"] == "13"
    assert ct["identity"]["machine_id"] != node["identity"]["machine_id"]
    assert "lxc" in ct["roles"] and "pve-node" not in ct["roles"]
    assert "pve-node" in node["roles"]
    # The node's verified host key is what was checked on the way in.
    assert ct["identity"]["host_key_sha256"] == node["identity"]["host_key_sha256"]
    assert ct["stats"]["channels"] == 1
    pve_results = {r["check_id"]: r["status"] for r in ct["results"]
                   if r["check_id"].startswith("pve-")}
    assert pve_results and set(pve_results.values()) == {"not_applicable"}


def test_containers_cost_no_handshake_of_their_own(guests_run):
    # One login for the node: its own scan and its containers share the session.
    assert guests_run.logins == 1
    assert guests_run.host("pct-node")["stats"]["channels"] == 1


def test_a_stopped_container_is_unreachable_with_pcts_words(guests_run):
    host = guests_run.host("old-ct")
    assert host["status"] == "unreachable"
    assert host["reason"] == "pct exec 102 on node pct-node failed (exit 255): CT 102 not running"


def test_a_vanished_vmid_is_an_error_with_pcts_words(guests_run):
    host = guests_run.host("ghost")
    assert host["status"] == "error"
    assert host["reason"] == ("pct exec 999 on node pct-node failed (exit 255): "
                              "Configuration file 'nodes/pve1/lxc/999.conf' does not exist")


def test_a_frozen_container_is_cut_at_its_timeout_and_the_others_finish(guests_run):
    assert guests_run.host("frozen")["status"] == "timeout"
    assert guests_run.host("dns01")["status"] == "ok"
    assert guests_run.code == 3


def test_become_on_the_node_wraps_pct(bed, node, out):
    # The hardened sudoers lets the auditor start `sh -s` only: `sudo -n pct exec ...` is
    # refused, and sudo's own words are the reason.
    inventory = bed.inventory([node.inventory_entry(user=testbed.AUDITOR, become="sudo"),
                               pct("dns01", 101)])
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--out", out, out=out)
    host = run.host("dns01")
    assert host["status"] == "error" and host["become"] == "sudo"
    assert re.search(r"pct exec 101 on node pct-node failed \(exit 1\): sudo: ", host["reason"])


def test_a_container_with_nothing_to_say_leaves_the_scanner_asleep(bed, node, tmp_path):
    """A container's channel on the node's session waits for the node's socket or for its own
    wake-up (libssh's callbacks ring it when another channel's thread read its data): while a
    container works for 3 s, the scanner wakes about as often as for its node alone (a channel
    that looked every 5 ms woke ~600 times more)."""
    checks = slow_catalog(str(tmp_path), 3)

    alone = scan_sleeps(bed, [node.inventory_entry()], checks, str(tmp_path))
    with_container = scan_sleeps(bed, [node.inventory_entry(), pct("dns01", 101)], checks,
                                 str(tmp_path))
    assert with_container - alone < 150, (alone, with_container)


def most_at_once(log):
    """The largest number of `pct exec` running at the same time, from the simulator's log of
    each exec's start and end, written in order under a lock."""
    running = most = 0
    for line in log.splitlines():
        running += 1 if line.startswith("start ") else -1
        most = max(most, running)
    return most


@pytest.mark.parametrize("limit", [2, None])
def test_pct_concurrency_bounds_the_containers_of_a_node_at_once(bed, node, tmp_path, limit):
    # Four running containers (clones of 101's root file system), each exec held for a second
    # before it starts, so that unbounded they overlap.
    log = os.path.join(node.dir, "pvenode", f"pct-exec-{limit}.log")  # the node sees its own dir
    clones = [111, 112, 113, 114]

    def prepare(state):
        ct = next(g for g in state["guests"] if g["vmid"] == 101)
        state["guests"] += [dict(ct, vmid=v, name=f"clone{v}") for v in clones]
        state.update(exec_log=log, exec_delay=1)

    def restore(state):
        state["guests"] = [g for g in state["guests"] if g["vmid"] not in clones]
        state.pop("exec_log")
        state.pop("exec_delay")
    edit_state(node, prepare)
    try:
        entry = node.inventory_entry(**({"pct_concurrency": limit} if limit else {}))
        inventory = bed.inventory([entry] + [pct(f"clone{v}", v) for v in clones],
                                  path=str(tmp_path / "inventory.yaml"))
        out = str(tmp_path / "out")
        run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                      "--checks", os.path.join(SOURCE, "checks", "debian", "ssh.yaml"),
                      "--jobs", "8", "--out", out, out=out)
    finally:
        edit_state(node, restore)
    assert all(run.host(f"clone{v}")["status"] == "ok" for v in clones), run.stderr
    with open(log) as f:
        text = f.read()
    assert text.count("start ") == len(clones) and text.count("end ") == len(clones)
    # Bounded, the limit is reached and never passed; unbounded (the default, 4), more overlap.
    if limit:
        assert most_at_once(text) == limit
    else:
        assert most_at_once(text) > 2


# --- VMs through their guest agent (transport: qga) ---------------------------------------------
def qga(name, vmid, **extra):
    return {"name": name, "transport": "qga", "node": "pct-node", "vmid": vmid, **extra}


@pytest.fixture(scope="module")
def qga_run(bed, node, tmp_path_factory):
    """web01 (VM 100, agent running, its own root file system), a VM whose agent is not
    running, and one whose agent never answers, all through pct-node's one session."""
    def change(state):
        state["guests"] += [
            {"vmid": 120, "type": "qemu", "node": "pve1", "status": "running", "name": "noagent",
             "agent": {"running": False}, "config": {"agent": "1"}},
            {"vmid": 121, "type": "qemu", "node": "pve1", "status": "running", "name": "stuck",
             "agent": {"running": True}, "exec_hang": True, "config": {"agent": "1"}}]
    edit_state(node, change)
    out = str(tmp_path_factory.mktemp("qga") / "out")
    return scan_through(bed, node, [qga("web01", 100), qga("noagent", 120), qga("stuck", 121),
                                    qga("ghost-vm", 998)], out, 40)


def test_a_vm_is_scanned_through_its_guest_agent(qga_run):
    vm, node = qga_run.host("web01"), qga_run.host("pct-node")
    assert vm["status"] == "ok", vm["reason"]
    assert vm["transport"] == "qga" and "vm" in vm["roles"]
    # Its own root file system: Debian 12 inside, Debian 13 (PVE 9) on the node.
    assert vm["facts"]["os_version_id"] == "12" and node["facts"]["os_version_id"] == "13"
    assert vm["identity"]["machine_id"] != node["identity"]["machine_id"]
    assert vm["identity"]["host_key_sha256"] == node["identity"]["host_key_sha256"]
    # One qm guest exec per round trip; no login of its own.
    assert vm["stats"]["channels"] == 2
    assert qga_run.logins == 1
    # Every probe of both round trips came back whole (the second script brought the prelude
    # again: the agent's shell does not outlive a round trip). The errors left are the test
    # root's (it has no awk), as for a container.
    assert len(vm["probes"]) > 20 and all(p["complete"] for p in vm["probes"])
    assert any(r["status"] == "pass" for r in vm["results"])


def test_a_vm_whose_agent_is_not_running_is_unreachable_with_qms_words(qga_run):
    host = qga_run.host("noagent")
    assert host["status"] == "unreachable"
    assert host["reason"] == ("qm guest exec 120 on node pct-node failed (exit 255): "
                              "QEMU guest agent is not running")


def test_a_vanished_vm_is_an_error_and_a_stuck_agent_is_cut_at_the_timeout(qga_run):
    ghost = qga_run.host("ghost-vm")
    assert ghost["status"] == "error"
    assert ghost["reason"].startswith("qm guest exec 998 on node pct-node failed (exit 255): ")
    assert qga_run.host("stuck")["status"] == "timeout"
    assert qga_run.host("web01")["status"] == "ok"
    assert qga_run.code == 3


def test_a_node_without_pct_is_one_clear_reason(bed, hosts, out):
    plain = hosts["hardened"]
    inventory = bed.inventory([plain.inventory_entry(),
                               {"name": "ct", "transport": "pct", "node": plain.name,
                                "vmid": 101}])
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--out", out, out=out)
    host = run.host("ct")
    assert host["status"] == "error"
    assert "pct exec 101 on node hardened failed (exit 127)" in host["reason"]
    assert "pct" in host["reason"] and "not found" in host["reason"]


@pytest.mark.parametrize("entry,words", [
    ({"name": "ct", "transport": "pct", "vmid": 101}, "needs 'node'"),
    ({"name": "ct", "transport": "pct", "node": "nowhere", "vmid": 101},
     "node 'nowhere' is not a host of the inventory"),
    ({"name": "ct", "transport": "pct", "node": "n"}, "needs 'vmid'"),
    ({"name": "ct", "transport": "pct", "node": "n", "vmid": "abc"}, "vmid must be a number"),
    ({"name": "vm", "transport": "qga", "vmid": 100}, "transport qga needs 'node'"),
    ({"name": "vm", "transport": "qga", "node": "n"}, "needs 'vmid' (the VM's id"),
    ({"name": "vm", "transport": "telnet"}, "transport must be ssh, local, pct or qga"),
])
def test_bad_pct_settings_are_one_line_and_exit_2(bed, tmp_path, entry, words):
    inventory = bed.inventory([{"name": "n"}, entry], path=str(tmp_path / "inventory.yaml"))
    run = cisscan("scan", "-i", inventory, "--out", str(tmp_path / "out"))
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "inventory.yaml:" in lines[0], run.stderr


# --- discovery ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster(bed):
    """Two simulated nodes of the `default` cluster (pve1 answers for the cluster), and a VM's
    sshd at the address its guest agent reports (127.0.10.21)."""
    pve1 = bed.add_host("disc-pve1", "unhardened",
                        pve={"variant": "default", "version": 9, "node": "pve1"})
    pve2 = bed.add_host("disc-pve2", "unhardened",
                        pve={"variant": "default", "version": 9, "node": "pve2"})
    vm = bed.add_host("disc-web01", "hardened", address="127.0.10.21")

    def change(state):
        for node in state["nodes"]:
            node["online"] = 1
        for guest in state["guests"]:
            if guest["vmid"] == 100:
                guest.update(tags="prod;web", pool="production")
        state["guests"].append({"vmid": 106, "type": "lxc", "node": "pve1", "status": "running",
                                "name": "scratch-ct", "stats": {}, "config": {}})
        # Listed by the cluster, gone from its node by the time it is scanned.
        state["guests"].append({"vmid": 110, "type": "lxc", "node": "pve2", "status": "running",
                                "name": "gone-ct", "stats": {}, "config": {}})
    edit_state(pve1, change)
    return {"pve1": pve1, "pve2": pve2, "vm": vm}


def cluster_inventory(bed, cluster, path, **extra):
    pve1, pve2, vm = cluster["pve1"], cluster["pve2"], cluster["vm"]
    data = {"defaults": {"user": "root", "identity_file": bed.client_key},
            "groups": {"web": {"port": vm.port}},
            "proxmox": [{"name": "pve1", "address": pve1.address, "port": pve1.port}],
            "hosts": [{"name": "pve2", "address": pve2.address, "port": pve2.port}],
            "exclude": ["scratch-*"]}
    data.update(extra)
    with open(path, "w") as f:
        yaml.safe_dump(data, f)
    return str(path)


def test_discover_prints_the_expanded_inventory(bed, cluster, tmp_path):
    inventory = cluster_inventory(bed, cluster, tmp_path / "inventory.yaml")
    run = cisscan("discover", "--inventory", inventory, "--known-hosts", bed.known_hosts)
    assert run.code == 0, run.stderr
    hosts = {h["name"]: h for h in yaml.safe_load(run.stdout)["hosts"]}
    assert set(hosts) == {"pve1", "pve2", "web01", "dns01", "old-ct", "appliance",
                          "tmpl-debian12", "scratch-ct", "gone-ct"}
    assert hosts["pve1"]["port"] == cluster["pve1"].port and "pve-node" in hosts["pve1"]["roles"]
    assert hosts["pve2"]["port"] == cluster["pve2"].port and "pve-node" in hosts["pve2"]["roles"]
    web = hosts["web01"]
    assert (web["address"], web["port"]) == ("127.0.10.21", cluster["vm"].port)
    assert web["groups"] == ["prod", "web", "production"] and web["tags"] == ["prod", "web"]
    assert (web["node"], web["vmid"], web["type"], web["pool"]) == ("pve1", 100, "qemu",
                                                                    "production")
    dns = hosts["dns01"]
    assert (dns["transport"], dns["node"], dns["vmid"]) == ("pct", "pve1", 101)
    assert dns["via"] == f"root@127.0.0.1:{cluster['pve1'].port}"
    assert (hosts["old-ct"]["status"], hosts["old-ct"]["reason"]) == ("skipped", "stopped")
    assert hosts["tmpl-debian12"]["reason"] == "template"
    assert hosts["scratch-ct"]["reason"] == "excluded by the inventory (exclude: scratch-*)"
    assert hosts["appliance"]["status"] == "unreachable"
    assert "No QEMU guest agent configured" in hosts["appliance"]["reason"]


def test_a_discovered_cluster_is_scanned(bed, cluster, tmp_path, out):
    inventory = cluster_inventory(bed, cluster, tmp_path / "inventory.yaml")
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--out", out, out=out)
    record = {h["name"]: h for h in run.record["hosts"]}
    for name in ("pve1", "pve2", "web01", "dns01"):
        assert record[name]["status"] == "ok", (name, record[name]["reason"])
    assert "pve-node" in record["pve2"]["roles"] and "vm" in record["web01"]["roles"]
    assert record["dns01"]["transport"] == "pct" and record["dns01"]["vmid"] == 101
    assert record["web01"]["tags"] == ["prod", "web"] and record["web01"]["pool"] == "production"
    assert record["old-ct"]["status"] == "skipped" and record["old-ct"]["results"] == []
    assert record["tmpl-debian12"]["status"] == "skipped"
    assert record["appliance"]["status"] == "unreachable"
    # A VMID that vanished between discovery and the scan: pct's own words, on that host only.
    assert record["gone-ct"]["status"] == "error"
    assert record["gone-ct"]["reason"] == (
        "pct exec 110 on node pve2 failed (exit 255): "
        "Configuration file 'nodes/pve2/lxc/110.conf' does not exist")
    assert run.code == 3  # the VM without an agent; skipped hosts do not count
    # The HTML shows each node's guests right after it, each naming its node.
    with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
        html = f.read()
    shown = re.findall(r'<section class="host" id="host-\d+" data-host="([^"]+)"', html)
    for name, host in record.items():
        if host.get("node") in record:
            node = host["node"]
            assert shown.index(node) < shown.index(name), (name, shown)
            between = shown[shown.index(node) + 1:shown.index(name)]
            assert all(record[h].get("node") == node for h in between), (name, shown)
    assert re.search(r'container 101 on node <a href="#host-\d+">pve1</a>', html)


def test_via_node_reaches_the_vm_through_its_node(bed, cluster, tmp_path, out):
    """`via: node`: the VM's SSH connection is a direct-tcpip channel of its node's verified
    session (pve1's sshd opens it to the guest agent's address); the VM's own key is checked."""
    pve1 = cluster["pve1"]
    inventory = cluster_inventory(bed, cluster, tmp_path / "inventory.yaml",
                                  groups={"web": {"port": cluster["vm"].port, "via": "node"}})
    shown = cisscan("discover", "--inventory", inventory, "--known-hosts", bed.known_hosts)
    assert shown.code == 0, shown.stderr
    web = {h["name"]: h for h in yaml.safe_load(shown.stdout)["hosts"]}["web01"]
    assert (web["address"], web["jump"]) == ("127.0.10.21", "pve1")
    tunnels = pve1.log_text().count("target 127.0.10.21")
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--out", out, out=out)
    vm = run.host("web01")
    assert vm["status"] == "ok", vm["reason"]
    assert pve1.log_text().count("target 127.0.10.21") == tunnels + 1
    assert vm["identity"]["host_key_sha256"] != run.host("pve1")["identity"]["host_key_sha256"]


def test_via_must_be_node_or_direct(bed, cluster, tmp_path):
    inventory = cluster_inventory(bed, cluster, tmp_path / "inventory.yaml",
                                  groups={"web": {"via": "bastion"}})
    run = cisscan("discover", "--inventory", inventory, "--known-hosts", bed.known_hosts)
    assert run.code == 2
    assert run.stderr.strip().splitlines()[-1].startswith(f"cisscan: {inventory}:")
    assert "via must be node" in run.stderr


def test_an_entry_node_without_pvesh_is_exit_2_with_one_line(bed, hosts, tmp_path):
    plain = hosts["hardened"]
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump({
        "defaults": {"user": "root", "identity_file": bed.client_key},
        "proxmox": [{"name": "plain", "address": plain.address, "port": plain.port}]}))
    run = cisscan("discover", "--inventory", str(path), "--known-hosts", bed.known_hosts)
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "entry node plain: not a Proxmox VE node (no pvesh" in lines[0]


def test_a_pvesh_answer_that_is_not_the_clusters_is_exit_2(bed, tmp_path):
    node = bed.add_host("disc-garbage", "hardened",
                        pve={"variant": "hardened", "version": 9, "node": "pve1"})
    edit_state(node, lambda state: state.update(nodes=[], cluster=None))
    unreachable = testbed.free_port()
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump({
        "defaults": {"user": "root", "identity_file": bed.client_key},
        "proxmox": [{"name": "first", "address": "127.0.0.1", "port": unreachable},
                    {"name": "second", "address": node.address, "port": node.port}]}))
    run = cisscan("scan", "--inventory", str(path), "--known-hosts", bed.known_hosts,
                  "--out", str(tmp_path / "out"))
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "entry node first: cannot connect to 127.0.0.1" in lines[0]
    assert "entry node second: pvesh get /cluster/status: no node in the answer" in lines[0]
