"""The Proxmox VE checks against simulated PVE nodes over SSH: a hardened and a default node, each
as PVE 8 (Debian 12, one-line APT sources) and PVE 9 (Debian 13, deb822 sources), scanned in one
run with the shipped catalog. Every pve- check passes on the hardened nodes and fails on the
default ones, except the release check, which fails on PVE 8 (past its end of life) and passes on
PVE 9 whatever else is set; the Debian checks
still run on the nodes; a plain Debian host gets the pve- checks as not applicable; and a node
whose PVE tools fail gives errors, never a pass."""
import glob
import json
import os

import pytest
import yaml

from conftest import SOURCE, cisscan, shipped_checks

NODES = {  # host name: (PVE variant, PVE major version, Debian fixture)
    "pve8-hardened": ("hardened", 8, "hardened"),
    "pve9-hardened": ("hardened", 9, "hardened"),
    "pve8-default": ("default", 8, "unhardened"),
    "pve9-default": ("default", 9, "unhardened"),
    "pve9-broken": ("hardened", 9, "hardened"),
}
PVE_TOOLS = ("pvesh", "pveum", "pvenode", "pveversion")


@pytest.fixture(scope="module")
def pve_run(bed, tmp_path_factory):
    hosts = {name: bed.add_host(name, fixture, pve={"variant": variant, "version": major})
             for name, (variant, major, fixture) in NODES.items()}
    hosts["plain-debian"] = bed.add_host("plain-debian", "hardened")
    # The broken node's tools answer with a traceback and exit 1, as a damaged install would.
    with open(os.path.join(hosts["pve9-broken"].dir, "pvenode", "pve", "state.json"), "w") as f:
        f.write("garbage")
    out = str(tmp_path_factory.mktemp("pve") / "out")
    inventory = bed.inventory([h.inventory_entry() for h in hosts.values()])
    return cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                   "--profile", "level2-server", "--out", out, out=out)


def pve_checks():
    checks = [row[0] for row in shipped_checks() if row[0].startswith("pve-")]
    assert len(checks) >= 30
    return checks


def debian_checks():
    """id -> applies of every shipped Debian check, read from the catalog files."""
    found = {}
    for path in glob.glob(os.path.join(SOURCE, "checks", "debian*", "*.yaml")):
        with open(path) as f:
            for check in yaml.safe_load(f).get("checks", []):
                found[check["id"]] = check.get("applies") or {}
    return found


def test_nodes_are_recognised_as_pve_nodes(pve_run):
    for name, (_, major, _) in NODES.items():
        host = pve_run.host(name)
        assert host["status"] == "ok", host.get("reason")
        assert "pve-node" in host["roles"]
        assert host["facts"]["os_version_id"] == {8: "12", 9: "13"}[major]
        if name != "pve9-broken":
            assert host["facts"]["pve_version"].startswith(f"pve-manager/{major}.")
    assert "pve-node" not in pve_run.host("plain-debian")["roles"]


# The release check depends on the release alone, not on hardening: PVE 8 is past its end of
# life (hardened or not), PVE 9 is supported (hardened or not).
RELEASE = {8: "fail", 9: "pass"}


def test_every_pve_check_passes_on_the_hardened_nodes(pve_run):
    for name in ("pve8-hardened", "pve9-hardened"):
        statuses = pve_run.statuses(name)
        expected = {c: "pass" for c in pve_checks()}
        expected["pve-release-supported"] = RELEASE[NODES[name][1]]
        assert {c: statuses.get(c) for c in pve_checks()} == expected, name


def test_pve8_fails_the_release_check_saying_why(pve_run):
    result = next(r for r in pve_run.host("pve8-hardened")["results"]
                  if r["check_id"] == "pve-release-supported")
    assert "Proxmox VE 8.4.14 on Debian 12 (bookworm)" in result["observed"]
    assert "past its end of life since 2026-08-31" in result["observed"]
    supported = next(r for r in pve_run.host("pve9-hardened")["results"]
                     if r["check_id"] == "pve-release-supported")
    assert "Proxmox VE 9.1.2 on Debian 13 (trixie) is supported" in supported["observed"]


def test_every_pve_check_fails_on_the_default_nodes(pve_run):
    for name in ("pve8-default", "pve9-default"):
        statuses = pve_run.statuses(name)
        expected = {c: "fail" for c in pve_checks()}
        expected["pve-release-supported"] = RELEASE[NODES[name][1]]
        assert {c: statuses.get(c) for c in pve_checks()} == expected, name


def observed(run, host, check):
    return next(r for r in run.host(host)["results"] if r["check_id"] == check)["observed"]


def test_failures_show_what_was_found(pve_run):
    # A guest covered only by a disabled job is not backed up, though the API's
    # not-backed-up list would count it as covered.
    assert "guest 101 lxc dns01 backup=disabled-only" in observed(
        pve_run, "pve9-default", "pve-backup-every-guest")
    assert "token root@pam!automation" in observed(pve_run, "pve8-default", "pve-tokens-not-root")
    assert "user root@pam enable=1 expire=never admin=yes tfa=none" in observed(
        pve_run, "pve8-default", "pve-admins-tfa")
    assert "nic 100 net0 firewall=0" in observed(pve_run, "pve9-default", "pve-firewall-guest-nics")
    assert "newest-installed=6.8.12-9-pve" in observed(pve_run, "pve8-default",
                                                       "pve-kernel-current")
    assert "days_left=-" in observed(pve_run, "pve9-default", "pve-webui-cert-valid")


def test_both_apt_source_formats_are_read(pve_run):
    # PVE 8: one-line .list files; PVE 9: deb822 .sources stanzas.
    assert "bookworm-security main" in observed(pve_run, "pve8-hardened", "pve-apt-debian-security")
    assert "trixie-security main" in observed(pve_run, "pve9-hardened", "pve-apt-debian-security")
    for name in ("pve8-default", "pve9-default"):
        assert "enterprise=on no-subscription=off test=on subscription=notfound" in observed(
            pve_run, name, "pve-apt-repo-matches-subscription")
    assert "pvetest" in observed(pve_run, "pve8-default", "pve-apt-no-test-repo")
    assert "pve-test" in observed(pve_run, "pve9-default", "pve-apt-no-test-repo")


def test_debian_checks_still_run_on_the_nodes(pve_run):
    debian = debian_checks()
    assert debian
    for name in ("pve8-hardened", "pve9-hardened", "pve8-default", "pve9-default"):
        statuses = pve_run.statuses(name)
        roles = set(pve_run.host(name)["roles"])
        for check, applies in debian.items():
            # pve-node, or a role the node's fixture gives it (not-booted: no service manager).
            if roles & set(applies.get("not_roles", [])):
                assert statuses[check] == "not_applicable", (name, check)
            elif not set(applies) & {"packages", "not_packages", "services", "version", "roles",
                                      "facts"}:
                assert statuses[check] != "not_applicable", (name, check)
        ran = [c for c in debian if statuses[c] in ("pass", "fail")]
        assert len(ran) >= 20, (name, len(ran))


def test_plain_debian_host_gets_pve_checks_as_not_applicable(pve_run):
    statuses = pve_run.statuses("plain-debian")
    assert {statuses[c] for c in pve_checks()} == {"not_applicable"}


def test_failing_pve_tools_give_errors_never_a_pass(pve_run):
    host = pve_run.host("pve9-broken")
    commands = {p["id"]: p["command"] for p in host["probes"]}
    readers = [r for r in host["results"] if r["check_id"].startswith("pve-") and
               any(tool in commands.get(p, "") for p in r["probe_ids"] for tool in PVE_TOOLS)]
    assert len(readers) >= 20
    for result in readers:
        assert result["status"] == "error", (result["check_id"], result["status"])
        assert "exited" in result["reason"], result["reason"]
    # What does not need the tools is still judged: the files are the hardened node's.
    assert pve_run.statuses("pve9-broken")["pve-firewall-datacenter-enabled"] == "pass"


def test_run_record_is_valid_and_complete(pve_run):
    assert pve_run.code == 1, pve_run.stderr  # complete, with failures
    json.dumps(pve_run.record)
