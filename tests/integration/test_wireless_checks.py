"""Wireless interfaces (3.1.2 in both benchmarks): `deb-wireless-unavailable`.

The interfaces are the kernel's, so the real state is proven on this machine: the check's probe,
run here against the real /sys/class/net, finds the interfaces `find /sys/class/net/*/ -type d
-name wireless` finds (none on this machine), and the hardened host, which reads the same real
/sys/class/net, passes. States this machine lacks are added by the test bed beside the real
interfaces (`net_interfaces`, tests/testbed/README.md), never in their place: `wireless` has a
wireless interface whose driver module is blocked, deny-listed and not loaded (pass);
`wireless-bad` one interface for each way to fail. The unhardened host of the fleet carries one
too (test_scan_fleet.py).
"""
import glob
import os
import subprocess

import pytest
import yaml

from conftest import SOURCE, cisscan

CHECK = "deb-wireless-unavailable"
RELEASES = ["12", "13"]
HOSTS = ["wireless", "wireless-bad"]
BAD_LINES = {
    "wireless wlan0 module=iwlwifi install=yes blacklist=no loaded=no",
    "wireless wlan1 module=ath9k install=no blacklist=yes loaded=no",
    "wireless wlan2 module=mac80211_hwsim install=yes blacklist=yes loaded=no",
    "wireless wlan3 module=none install=no blacklist=no loaded=no",
}


def probe_command():
    with open(os.path.join(SOURCE, "checks", "debian", "modules.yaml")) as f:
        return yaml.safe_load(f)["vars"]["wireless"]


def real_wireless_interfaces():
    """What the benchmark's audit looks for, on this machine's real /sys/class/net."""
    found = subprocess.run("find /sys/class/net/*/ -type d -name wireless", shell=True,
                           capture_output=True, text=True).stdout.split()
    return sorted({os.path.basename(os.path.dirname(p.rstrip("/"))) for p in found}
                  | {os.path.basename(os.path.dirname(p))
                     for p in glob.glob("/sys/class/net/*/phy80211")})


def test_the_probe_reads_the_real_interfaces_as_the_audit_does():
    proc = subprocess.run(["sh", "-c", probe_command()], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    real = real_wireless_interfaces()
    assert lines[0] == f"wireless-interfaces: {len(real)}"
    assert sorted(line.split()[1] for line in lines[1:]) == real


@pytest.fixture(scope="module")
def wireless_hosts(bed):
    return {(name, release): bed.add_host(f"{name}-{release}", name, release=release)
            for name in HOSTS for release in RELEASES}


@pytest.fixture(scope="module")
def wireless_run(bed, hosts, wireless_hosts, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("wireless") / "out")
    entries = [hosts["hardened"].inventory_entry()]
    entries += [h.inventory_entry() for h in wireless_hosts.values()]
    inventory = bed.inventory(entries)
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--only", CHECK, "--out", out, "--format", "json", out=out)
    assert run.code in (0, 1), run.stderr
    return run


def result(run, name):
    return next(r for r in run.host(name)["results"] if r["check_id"] == CHECK)


def probe_lines(run, name):
    host = run.host(name)
    probe_id = result(run, name)["probe_ids"][0]
    return next(p for p in host["probes"] if p["id"] == probe_id)["output"].splitlines()


def test_the_hardened_host_reads_the_real_interfaces(wireless_run):
    r = result(wireless_run, "hardened")
    assert r["status"] == "pass", r
    assert probe_lines(wireless_run, "hardened")[0] == (
        f"wireless-interfaces: {len(real_wireless_interfaces())}")


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("name,status", [("wireless", "pass"), ("wireless-bad", "fail")])
def test_passes_where_the_drivers_are_off_and_fails_where_not(wireless_run, release, name,
                                                               status):
    r = result(wireless_run, f"{name}-{release}")
    assert r["status"] == status, r
    assert wireless_run.host(f"{name}-{release}")["facts"]["os_version_id"] == release
    assert {(b["id"], b["ref"]) for b in r["benchmarks"]} == {
        ("cis-debian12", "3.1.2"), ("cis-debian13", "3.1.2")}


def test_each_way_to_fail_is_seen(wireless_run):
    real = real_wireless_interfaces()
    assert real == []  # the added interfaces are the only wireless ones
    assert probe_lines(wireless_run, "wireless-12") == [
        "wireless-interfaces: 1",
        "wireless wlan0 module=iwlwifi install=yes blacklist=yes loaded=no"]
    lines = probe_lines(wireless_run, "wireless-bad-12")
    assert lines[0] == "wireless-interfaces: 4"
    assert set(lines[1:]) == BAD_LINES


def test_the_added_interfaces_sit_beside_the_real_ones(bed, wireless_hosts):
    """The fixture adds to /sys/class/net; this machine's interfaces are still there, read
    through sysfs as before."""
    host = wireless_hosts[("wireless-bad", "12")]
    proc = subprocess.run(
        ["ssh", "-i", bed.client_key, "-o", f"UserKnownHostsFile={bed.known_hosts}",
         "-o", "BatchMode=yes", "-p", str(host.port), f"root@{host.address}",
         "ls /sys/class/net; cat /sys/class/net/lo/address"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    names = proc.stdout.split()
    assert set(os.listdir("/sys/class/net")) | {"wlan0", "wlan1", "wlan2", "wlan3"} <= set(
        names), names
    assert names[-1] == "00:00:00:00:00:00"
