"""Check selection over SSH: --profile, --only and --skip change which checks run on a real sshd
test host and what the record, the HTML and the Markdown say; bad selections are exit 2 before
any host is contacted. And `cisscan list safeguards`."""
import json
import os
import subprocess

import pytest

from conftest import BIN, cisscan


def listed(*selection):
    """Check ids `cisscan list checks` previews for a selection."""
    proc = subprocess.run([BIN, "list", "checks", *selection], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return [line.split("\t")[0] for line in proc.stdout.splitlines()]


def scan(bed, host, out, *selection):
    inventory = bed.inventory([host.inventory_entry()])
    return cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                   "--out", out, "--format", "json,junit,html,md", *selection, out=out)


def result_ids(run):
    return [r["check_id"] for r in run.record["hosts"][0]["results"]]


def test_the_default_profile_is_level1_server_and_the_record_says_so(bed, hosts, out):
    run = scan(bed, hosts["unhardened"], out)
    assert run.code == 1, run.stderr  # unhardened: checks fail
    level1 = listed()
    everything = listed("--profile", "level2-server")
    assert 0 < len(level1) < len(everything)
    assert sorted(result_ids(run)) == sorted(level1)
    assert run.record["run"]["selection"] == {
        "profile": "level1-server", "only": [], "skip": [],
        "checks_selected": len(level1), "checks_in_catalog": len(everything)}
    assert "deb12-mount-home-separate" not in result_ids(run)  # Level 2
    line = f"profile level1-server, {len(level1)} of {len(everything)} checks"
    with open(os.path.join(out, "report.md")) as f:
        assert f"Checks selected: {line}." in f.read()
    with open(os.path.join(out, "report.html")) as f:
        assert f"<dt>Checks selected</dt><dd>{line}</dd>" in f.read()


def test_level2_server_runs_the_level2_checks_too(bed, hosts, out):
    run = scan(bed, hosts["unhardened"], out, "--profile", "level2-server")
    everything = listed("--profile", "level2-server")
    assert sorted(result_ids(run)) == sorted(everything)
    statuses = run.statuses(hosts["unhardened"].name)
    # Level 2 only (server): run, and failing on the host that fails every check.
    assert statuses["deb-sshd-gssapi-off"] == "fail"
    assert statuses["deb12-login-defs-pass-min-days"] == "fail"
    assert run.record["run"]["selection"]["profile"] == "level2-server"
    assert run.record["run"]["selection"]["checks_selected"] == len(everything)


def test_level1_workstation_follows_the_workstation_levels(bed, hosts, out):
    run = scan(bed, hosts["unhardened"], out, "--profile", "level1-workstation")
    ids = result_ids(run)
    assert sorted(ids) == sorted(listed("--profile", "level1-workstation"))
    # avahi is Level 1 on servers, Level 2 on workstations; GSSAPI the other way round.
    assert "deb12-svc-avahi-not-in-use" not in ids
    assert run.statuses(hosts["unhardened"].name)["deb-sshd-gssapi-off"] == "fail"
    # Proxmox checks have no CIS level: in every profile (not applicable on this host).
    assert any(i.startswith("pve-") for i in ids)
    assert run.record["run"]["selection"]["profile"] == "level1-workstation"


def test_only_and_skip_narrow_what_runs_on_the_host(bed, hosts, out):
    host = hosts["hardened"]
    selection = ["--profile", "level2-server", "--only", "deb12-sshd-*", "--only", "5.1.9",
                 "--skip", "cis-debian12:5.1.20"]
    expected = listed(*selection)
    assert "deb-sshd-gssapi-off" in expected and "deb12-sshd-permit-root-login" not in expected
    assert all(i.startswith("deb12-sshd-") or i == "deb-sshd-gssapi-off" for i in expected)
    sshd_t_before = host.sshd_t_runs()
    run = scan(bed, host, out, *selection)
    assert run.code == 0, run.stderr
    assert result_ids(run) == expected
    assert set(run.statuses(host.name).values()) == {"pass"}
    probes = run.record["hosts"][0]["probes"]
    # Only what the selected checks read ran: sshd -T once, stats of sshd's files, no sysctl
    # or mount probe; every probe that is not a facts command is one a selected check reads.
    assert not any(p["type"] in ("sysctl", "mount") for p in probes), probes
    read = {i for r in run.record["hosts"][0]["results"] for i in r["probe_ids"]}
    assert {p["id"] for p in probes if p["type"] != "command"} <= read
    assert len(probes) < 2 * len(expected)
    assert host.sshd_t_runs() - sshd_t_before == 1
    assert run.record["run"]["selection"] == {
        "profile": "level2-server", "only": ["deb12-sshd-*", "5.1.9"],
        "skip": ["cis-debian12:5.1.20"], "checks_selected": len(expected),
        "checks_in_catalog": len(listed("--profile", "level2-server"))}
    with open(os.path.join(out, "report.md")) as f:
        md = f.read()
    assert (f"Checks selected: profile level2-server, {len(expected)} of "
            in md)
    assert r"only deb12-sshd-\*, 5.1.9; skip cis-debian12:5.1.20." in md
    with open(os.path.join(out, "report.xml")) as f:  # validated against both XSDs by cisscan()
        assert ('<property name="run.selection" value="profile level2-server, '
                f'{len(expected)} of ') in f.read()


@pytest.mark.parametrize("selection,line", [
    (["--profile", "level3-server"],
     "cisscan: --profile 'level3-server': unknown profile (expected level1-server, "
     "level2-server, level1-workstation)"),
    (["--only", "no-such-check-*"],
     "cisscan: --only 'no-such-check-*': matches no check of profile level1-server (nor any "
     "other check id or benchmark ref of the catalog)"),
    (["--only", "deb-sshd-gssapi-off"],
     "cisscan: --only 'deb-sshd-gssapi-off': matches no check of profile level1-server but 1 "
     "check outside it (choose another with --profile)"),
    (["--skip", "9.9.9"],
     "cisscan: --skip '9.9.9': matches no check id or benchmark ref of the catalog"),
    (["--only", "deb12-sshd-permit-root-login", "--skip", "5.1.20"],
     "cisscan: --profile level1-server --only 'deb12-sshd-permit-root-login' --skip '5.1.20': "
     "selects no check"),
    (["--only", ""], "cisscan: --only: an empty pattern"),
])
def test_a_bad_selection_is_exit_2_and_nothing_is_scanned(bed, hosts, tmp_path, selection, line):
    host = hosts["hardened"]
    out = str(tmp_path / "out")
    channels = host.channels_opened()
    run = scan(bed, host, out, *selection)
    assert run.code == 2
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert run.stderr.startswith(line), run.stderr
    assert not os.path.exists(out)
    assert host.channels_opened() == channels
    # `list checks` previews the same selection and refuses it the same way.
    proc = subprocess.run([BIN, "list", "checks", *selection], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr == run.stderr


def list_safeguards(*args):
    return subprocess.run([BIN, "list", "safeguards", *args], capture_output=True, text=True)


def test_list_safeguards_shows_each_ig1_safeguard_with_its_checks():
    proc = list_safeguards()
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    rows = [line for line in lines if line[:1].isdigit()]
    assert len(rows) == 56
    assert lines[0].startswith("IG1: 56 safeguards; ")
    text = proc.stdout
    # Security awareness (14.1) and incident response (17.1): no host can show them.
    for safeguard in ("14.1", "17.1"):
        block = text.split(f"\n{safeguard} ", 1)[1].split("\n")[1]
        assert block.strip() == "attestation required"
    data = json.loads(list_safeguards("--format", "json").stdout)
    assert data["ig"] == 1 and data["profile"] == "level1-server"
    assert len(data["safeguards"]) == 56
    by_id = {s["id"]: s for s in data["safeguards"]}
    level1 = listed()
    # Every automated and manual check listed is a check of the profile that names the safeguard.
    checks = {row.split("\t")[0]: row.split("\t")[3].split(",") for row in subprocess.run(
        [BIN, "list", "checks"], capture_output=True, text=True).stdout.splitlines()}
    for s in data["safeguards"]:
        for check in s["automated"] + s["manual"]:
            assert check in level1 and s["id"] in checks[check]
        assert s["coverage"] == ("automated" if s["automated"] else
                                 "manual" if s["manual"] else "attestation")
    assert "deb12-sshd-permit-root-login" in by_id["5.4"]["automated"]


def test_list_safeguards_by_group_and_profile():
    assert len(json.loads(list_safeguards("--ig", "3", "--format", "json").stdout)
               ["safeguards"]) == 153
    ig2 = json.loads(list_safeguards("--ig", "2", "--format", "json").stdout)["safeguards"]
    assert "4.8" in {s["id"] for s in ig2}
    skipped = json.loads(list_safeguards("--skip", "pve-*", "--format", "json").stdout)
    assert {s["id"]: s["coverage"] for s in skipped["safeguards"]}["1.1"] == "attestation"
    for bad in (["--ig", "4"], ["--format", "xml"], ["--profile", "nope"]):
        proc = list_safeguards(*bad)
        assert proc.returncode == 2, bad
        assert len(proc.stderr.strip().splitlines()) == 1 and bad[0] in proc.stderr
