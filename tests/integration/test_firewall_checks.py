"""The Debian 12 firewall sections (4.2 ufw, 4.3 nftables, 4.4 iptables): only the section of the
firewall utility a host uses applies, so each section's checks are judged on hosts of their own.

Every host here has a network namespace of its own (fixture key `netns`): its session commands
run there, and the test loads real rules into that namespace's kernel tables (iptables-restore,
nft -f) and opens real listening sockets in it. The checks read them back with nft, iptables,
ip6tables and ss; no file stands in for the kernel. This machine's own rules are never touched.

The standing hosts of the fleet test use nftables: there the ufw and iptables sections are
not_applicable, and FLEET says what each host gives for the firewall checks whose state there
is not plain pass (hardened) or fail (unhardened); test_scan_fleet.py asserts it.
"""
import pytest

from conftest import cisscan

# check -> (a host where it passes, a host where it fails)
CASES = {
    "deb12-ufw-installed": ("firewall-ufw", "firewall-missing"),
    "deb12-ufw-no-iptables-persistent": ("firewall-ufw", "firewall-ufw-bad"),
    "deb12-ufw-service-enabled": ("firewall-ufw", "firewall-ufw-bad"),
    "deb12-ufw-loopback": ("firewall-ufw", "firewall-ufw-bad"),
    "deb12-ufw-open-ports": ("firewall-ufw", "firewall-ufw-bad"),
    "deb12-ufw-default-deny": ("firewall-ufw", "firewall-ufw-bad"),
    "deb12-nftables-installed": ("hardened", "firewall-missing"),
    "deb12-nftables-no-ufw": ("hardened", "firewall-iptables-bad"),
    "deb12-nftables-table-exists": ("hardened", "unhardened"),
    "deb12-nftables-base-chains": ("hardened", "unhardened"),
    "deb12-nftables-loopback": ("hardened", "unhardened"),
    "deb12-nftables-default-deny": ("hardened", "unhardened"),
    "deb12-nftables-rules-permanent": ("hardened", "unhardened"),
    "deb12-nftables-service-enabled": ("hardened", "unhardened"),
    "deb12-iptables-installed": ("firewall-iptables", "firewall-missing"),
    "deb12-iptables-no-nftables": ("firewall-iptables", "firewall-iptables-bad"),
    "deb12-iptables-no-ufw": ("firewall-iptables", "firewall-iptables-bad"),
    "deb12-iptables-default-deny": ("firewall-iptables", "firewall-iptables-bad"),
    "deb12-iptables-loopback": ("firewall-iptables", "firewall-iptables-bad"),
    "deb12-iptables-open-ports": ("firewall-iptables", "firewall-iptables-bad"),
    "deb12-ip6tables-default-deny": ("firewall-iptables", "firewall-iptables-bad"),
    "deb12-ip6tables-loopback": ("firewall-iptables", "firewall-iptables-bad"),
    "deb12-ip6tables-open-ports": ("firewall-iptables", "firewall-iptables-bad"),
}

UFW = [c for c in CASES if c.startswith("deb12-ufw-")]
IPTABLES = [c for c in CASES if c.startswith(("deb12-iptables-", "deb12-ip6tables-"))]

# What the fleet's standing hosts (nftables; Debian 12) give where it is not pass / fail.
FLEET = {
    "hardened": {**{c: "not_applicable" for c in UFW + IPTABLES}},
    "unhardened": {**{c: "not_applicable" for c in UFW + IPTABLES},
                   # nftables is installed there but its unit is not enabled.
                   "deb12-nftables-installed": "not_applicable",
                   "deb12-nftables-no-ufw": "not_applicable"},
}

HOSTS = sorted({host for pair in CASES.values() for host in pair})

@pytest.fixture(scope="module")
def firewall_run(bed, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("firewall") / "out")
    hosts = [bed.add_host(f"fw-{name}", name) for name in HOSTS]
    inventory = bed.inventory([h.inventory_entry() for h in hosts])
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--only", "deb12-ufw-*", "--only", "deb12-nftables-*",
                  "--only", "deb12-iptables-*", "--only", "deb12-ip6tables-*",
                  "--only", "deb12-firewall-*", "--out", out, "--format", "json", out=out)
    assert run.code in (0, 1), run.stderr
    return run


def result(run, host, check):
    return next(r for r in run.host(f"fw-{host}")["results"] if r["check_id"] == check)


@pytest.mark.parametrize("check", sorted(CASES))
def test_passes_where_its_section_is_set_up(firewall_run, check):
    host = CASES[check][0]
    r = result(firewall_run, host, check)
    assert r["status"] == "pass", (host, r)


@pytest.mark.parametrize("check", sorted(CASES))
def test_fails_where_its_section_is_broken(firewall_run, check):
    host = CASES[check][1]
    r = result(firewall_run, host, check)
    assert r["status"] == "fail", (host, r)


def test_every_firewall_section_check_is_covered(firewall_run):
    ids = {r["check_id"] for r in firewall_run.host("fw-hardened")["results"]}
    sections = {c for c in ids if c.startswith(("deb12-ufw-", "deb12-nftables-",
                                                 "deb12-iptables-", "deb12-ip6tables-"))}
    assert sections == set(CASES)


def test_other_sections_do_not_apply_and_say_why(firewall_run):
    for check in UFW:
        r = result(firewall_run, "firewall-iptables", check)
        assert r["status"] == "not_applicable", r
        assert "ufw" in r["reason"], r
    for check in IPTABLES:
        r = result(firewall_run, "firewall-ufw", check)
        assert r["status"] == "not_applicable", r
        assert "iptables-persistent" in r["reason"] or "netfilter-persistent" in r["reason"], r
    r = result(firewall_run, "firewall-ufw", "deb12-nftables-default-deny")
    assert (r["status"], r["reason"]) == ("not_applicable", "package nftables is not installed")


def test_failures_show_what_the_kernel_holds(firewall_run):
    ports = result(firewall_run, "firewall-iptables-bad", "deb12-iptables-open-ports")
    assert "open v4 tcp 8080 -" in ports["observed"]
    deny = result(firewall_run, "firewall-iptables-bad", "deb12-iptables-default-deny")
    assert "no line matched" in deny["observed"], deny
    assert "ipv6 enabled" in result(firewall_run, "firewall-iptables-bad",
                                    "deb12-ip6tables-default-deny")["observed"]
    empty = result(firewall_run, "unhardened", "deb12-nftables-table-exists")
    assert "live table" not in empty["observed"]


def test_the_single_utility_check_sees_each_choice(firewall_run):
    for host, status in (("firewall-ufw", "pass"), ("firewall-iptables", "pass"),
                         ("hardened", "pass"), ("firewall-iptables-bad", "fail")):
        r = result(firewall_run, host, "deb12-firewall-single-utility")
        assert r["status"] == status, (host, r)
