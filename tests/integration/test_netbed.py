"""The network test bed (tests/testbed/netbed.py): hosts in network namespaces of their own, one
behind a latency relay, a bastion into a second network; cisscan scans them by address; and
down, nothing is left (namespaces, links, routes, processes), also after Ctrl-C or a kill."""
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import SOURCE, cisscan

sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))
import netbed  # noqa: E402

DELAY_MS = 40  # each direction


def snapshot():
    """What the root namespace holds that a test bed could leave behind."""
    def lines(*cmd):
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        return [line.strip() for line in out.splitlines() if line.strip()]
    return {
        "netns": {line.split()[0] for line in lines("ip", "netns", "list")},
        "links": {line.split(": ")[1].split("@")[0] for line in lines("ip", "-o", "link")},
        "routes": set(lines("ip", "route", "show", "table", "all")),
    }


def processes_mentioning(text):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def assert_nothing_left(before, made, bed_dir):
    """Nothing of this test bed in the root namespace: of what appeared since `before` (other
    test beds may come and go meanwhile), nothing names its namespaces, links or subnets."""
    after = snapshot()
    ours = made["namespaces"] + made["links"] + [net.rsplit(".", 1)[0] + "." for net in
                                                 made["subnets"]]
    for kind in ("netns", "links", "routes"):
        new = after[kind] - before[kind]
        assert [entry for entry in new if any(mark in entry for mark in ours)] == [], kind
    for netns in made["namespaces"]:
        assert netns not in after["netns"]
    for link in made["links"]:
        assert link not in after["links"]
    for route in made["routes"]:
        assert not any(route.split()[-1] in line for line in after["routes"])
    assert not os.path.exists(bed_dir)
    assert processes_mentioning(bed_dir) == []


@pytest.fixture(scope="module")
def network():
    before = snapshot()
    bed = netbed.Netbed()
    try:
        hosts = bed.add_hosts(["web1", "web2", "web3"])
        slow = bed.add_host("slow1", delay_ms=DELAY_MS)
        bastion = bed.add_bastion("bastion")
        inner = bed.add_host("inner1", network="b")
        yield {"bed": bed, "before": before, "hosts": hosts, "slow": slow, "bastion": bastion,
               "inner": inner}
    finally:
        bed.cleanup()


def test_each_host_has_its_own_namespace_address_and_hostname(network):
    bed = network["bed"]
    ssh = ["ssh", "-i", bed.client_key, "-o", f"UserKnownHostsFile={bed.known_hosts}",
           "-o", "BatchMode=yes", "-o", "LogLevel=ERROR"]
    seen = set()
    for host in network["hosts"] + [network["slow"], network["bastion"]]:
        proc = subprocess.run(ssh + [f"root@{host.address}", "hostname; ip -4 -o addr"],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        name, *addresses = proc.stdout.splitlines()
        assert name == host.name
        assert any(f" {host.address}/24 " in a for a in addresses)
        seen.add(host.address)
    assert len(seen) == 5
    assert network["bastion"].inner_address in proc.stdout  # the bastion is on both networks


def test_each_host_is_its_own_sshd_daemon_as_a_real_host_is(network):
    """A host's sessions come from an `sshd -D` listening in its own namespace, not from a
    per-connection `sshd -i` behind inetd.py and nsenter (what a loopback host with a namespace
    of its own needs)."""
    for host in network["hosts"] + [network["bastion"], network["inner"]]:
        daemons = []
        for pid in bed_pids(host.netns):  # other tests' hosts may use inetd.py meanwhile
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    title = f.read()  # sshd sets its own: "sshd-real: PATH -D ... [listener]"
            except OSError:
                continue  # a session that ended meanwhile
            assert b"inetd.py" not in title, host.name
            if b"/sshd-real -D " in title and b"[listener]" in title:
                daemons.append(pid)
        assert len(daemons) == 1, host.name


def bed_pids(netns):
    return [int(p) for p in netbed.ip("netns", "pids", netns).stdout.split()]


def test_the_second_network_is_reached_only_through_the_bastion(network):
    bed, bastion, inner = network["bed"], network["bastion"], network["inner"]
    opts = ["-i", bed.client_key, "-o", f"UserKnownHostsFile={bed.known_hosts}",
            "-o", "BatchMode=yes", "-o", "LogLevel=ERROR"]
    jump = " ".join(["ssh", *opts, "-W", "%h:%p", f"root@{bastion.address}"])
    proc = subprocess.run(["ssh", *opts, "-o", f"ProxyCommand={jump}", f"root@{inner.address}",
                           "hostname"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "inner1"
    with pytest.raises(OSError) as direct:
        socket.create_connection((inner.address, 22), timeout=5)
    assert "No route to host" in str(direct.value)
    # The bastion does not route between the networks: only SSH through it gets in.
    assert bastion.run("sysctl", "-n", "net.ipv4.ip_forward").stdout.strip() == "0"



def test_the_scanner_and_its_hosts_send_no_arp_and_the_bridge_no_netfilter(network):
    """What a real network's other machines would pay is not charged to the scanner's CPU: no
    ARP broadcast that every namespace on the bridge receives, no firewall over bridged frames
    (benchmarks/README.md, 2026-12-07 08:15)."""
    bed = network["bed"]
    for host in network["hosts"] + [network["slow"]]:
        mine = netbed.ip("neigh", "show", host.address, "dev", bed.root_link).stdout
        assert "PERMANENT" in mine and bed.mac("a", int(host.address.rsplit(".", 1)[1])) in mine
        theirs = host.run("ip", "neigh", "show", bed.address("a", 1), "dev", "eth0").stdout
        assert "PERMANENT" in theirs and bed.mac("a", 1) in theirs
        assert host.run("cat", "/sys/class/net/eth0/address").stdout.strip() in mine
    knobs = subprocess.run(["ip", "netns", "exec", bed.core, "sysctl", "-a"], capture_output=True,
                           text=True).stdout
    for line in knobs.splitlines():
        if line.startswith("net.bridge.bridge-nf-call-"):
            assert line.endswith("= 0"), line
    # And the hosts answer: the fixed addresses are the right ones.
    with socket.create_connection((network["hosts"][0].address, 22), timeout=5) as s:
        assert s.recv(64).startswith(b"SSH-2.0-")

def test_cisscan_scans_the_reachable_hosts_and_not_the_second_network(network, tmp_path):
    bed = network["bed"]
    reachable = network["hosts"] + [network["slow"], network["bastion"]]
    channels = {h.name: h.channels_opened() for h in reachable}
    logins = network["inner"].log_text().count("Accepted publickey")
    inventory = bed.inventory([h.inventory_entry() for h in reachable + [network["inner"]]])
    out = str(tmp_path / "out")
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--out", out, "--jobs", "8", out=out)
    assert run.code == 3, run.stderr  # incomplete: the host behind the bastion
    for host in reachable:
        scanned = run.host(host.name)
        assert scanned["status"] == "ok", (host.name, scanned.get("reason"))
        assert scanned["address"] == host.address
        assert host.channels_opened() > channels[host.name]
        assert host.authenticated()
    inner = run.host("inner1")
    assert inner["status"] == "unreachable"
    assert "No route to host" in inner["reason"] or "route" in inner["reason"].lower()
    assert network["inner"].log_text().count("Accepted publickey") == logins


def test_cisscan_reaches_the_second_network_through_the_bastion(network, tmp_path):
    """The host on network "b" has no route from the scanner; `jump: bastion` reaches it over a
    direct-tcpip channel of the bastion's verified session, and the inner host sees the login
    come from the bastion's inner address."""
    bed, bastion, inner = network["bed"], network["bastion"], network["inner"]
    logins = inner.log_text().count("Accepted publickey")
    inventory = bed.inventory([bastion.inventory_entry(),
                               inner.inventory_entry(jump="bastion")])
    out = str(tmp_path / "out")
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--out", out, out=out)
    assert run.code in (0, 1), run.stderr
    scanned = run.host("inner1")
    assert scanned["status"] == "ok", scanned.get("reason")
    assert scanned["address"] == inner.address
    assert inner.log_text().count("Accepted publickey") == logins + 1
    assert f"from {bastion.inner_address}" in inner.log_text().split("Accepted publickey")[-1]
    assert run.host("bastion")["status"] == "ok"


def round_trip(address):
    """Seconds from sending our SSH version line to the server's next bytes (its KEXINIT),
    which it sends only after reading ours: one full round trip over plain TCP."""
    with socket.create_connection((address, 22), timeout=30) as s:
        s.settimeout(30)
        banner = b""
        while not banner.endswith(b"\n"):
            banner += s.recv(1)
        assert banner.startswith(b"SSH-2.0-")
        start = time.monotonic()
        s.sendall(b"SSH-2.0-netbed-latency-probe\r\n")
        assert s.recv(1)
        return time.monotonic() - start


def test_the_delayed_host_round_trip_is_really_delayed(network):
    measured = [round_trip(network["slow"].address) for _ in range(5)]
    # A lower bound only: the relay holds each direction DELAY_MS, so a round trip is >= 2x.
    assert min(measured) >= 2 * DELAY_MS / 1000, measured
    assert network["slow"].relay.poll() is None


def test_down_leaves_nothing(network):
    bed = network["bed"]
    made = bed.made()
    pids = [h.proc.pid for h in bed.hosts] + [network["slow"].relay.pid]
    assert len(made["namespaces"]) == 1 + 6 and made["links"] and made["routes"]
    bed.cleanup()
    assert_nothing_left(network["before"], made, bed.dir)
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}")


BRING_UP = textwrap.dedent("""
    import json, signal, sys, time
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    sys.path.insert(0, sys.argv[1])
    import netbed
    bed = netbed.Netbed()
    bed.add_host("a1")
    bed.add_host("a2", delay_ms=5)
    print(json.dumps({"dir": bed.dir, "made": bed.made()}), flush=True)
    time.sleep(600)
""")


def bring_up_in_child():
    child = subprocess.Popen([sys.executable, "-c", BRING_UP,
                              os.path.join(SOURCE, "tests", "testbed")],
                             stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    assert line, "the child test bed did not come up"
    info = json.loads(line)
    assert len(info["made"]["namespaces"]) == 3
    return child, info


def test_ctrl_c_leaves_nothing():
    before = snapshot()
    child, info = bring_up_in_child()
    child.send_signal(signal.SIGINT)
    child.wait(60)
    assert_nothing_left(before, info["made"], info["dir"])


def test_a_killed_test_bed_is_swept_by_the_next():
    before = snapshot()
    child, info = bring_up_in_child()
    child.kill()
    child.wait(60)
    assert set(info["made"]["namespaces"]) <= snapshot()["netns"]  # left behind by the kill
    netbed.sweep_stale()
    assert_nothing_left(before, info["made"], info["dir"])
