"""A hardened and an unhardened host and an address where nothing listens, in one run over SSH."""
import glob
import os

import pytest
import yaml

from conftest import SOURCE, cisscan, shipped_checks, testbed
from test_firewall_checks import FLEET
from test_logging_checks import FLEET as LOGGING_FLEET
from test_service_checks import FLEET as SERVICE_FLEET


def _shipped_yaml_checks():
    for path in glob.glob(os.path.join(SOURCE, "checks", "**", "*.yaml"), recursive=True):
        with open(path) as f:
            data = yaml.safe_load(f)
        if isinstance(data, dict) and isinstance(data.get("checks"), list):
            yield from data["checks"]


def standing_verdicts(host, release):
    """What a standing host gives where it is not plain pass (hardened) or fail (unhardened):
    the firewall sections it does not use (Debian 12), the journald section (it has rsyslog) and
    the service-state checks (no service manager runs there)."""
    return {**LOGGING_FLEET[host], **SERVICE_FLEET[host],
            **(FLEET[host] if release == "12" else {})}


def automated_checks(release=None):
    """Every shipped check that runs a probe: manual checks have no state to test, and the
    Proxmox VE checks (`pve-` ids) apply to PVE nodes only, which these hosts are not. With a
    Debian release, only the checks whose `applies: {version}` admits it."""
    manual = set()
    versions = {}
    for check in _shipped_yaml_checks():
        if check.get("manual"):
            manual.add(check["id"])
        versions[check["id"]] = str((check.get("applies") or {}).get("version", ""))
    return [row[0] for row in shipped_checks()
            if row[0] not in manual and not row[0].startswith("pve-")
            and (release is None or versions.get(row[0]) in ("", release))]


@pytest.fixture(scope="module")
def fleet_run(bed, hosts, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("fleet") / "out")
    dead_port = testbed.free_port()
    inventory = bed.inventory([
        hosts["hardened"].inventory_entry(),
        hosts["unhardened"].inventory_entry(),
        {"name": "nothing-listens", "address": "127.0.0.1", "port": dead_port},
    ])
    before = {name: (h.channels_opened(), h.sshd_t_runs()) for name, h in hosts.items()}
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--profile", "level2-server", "--out", out, out=out)
    after = {name: (h.channels_opened(), h.sshd_t_runs()) for name, h in hosts.items()}
    return run, before, after


@pytest.fixture(scope="module")
def release_runs(fleet_run, bed, tmp_path_factory):
    """release -> (run, hardened host name, unhardened host name): the standing hosts are this
    machine's Debian 12; the same fixtures served as Debian 13 (/etc/os-release, and the
    fixture's `releases: {"13": ...}` section) are scanned in a run of their own."""
    out = str(tmp_path_factory.mktemp("fleet13") / "out")
    hardened = bed.add_host("hardened-13", "hardened", release="13")
    unhardened = bed.add_host("unhardened-13", "unhardened", release="13")
    inventory = bed.inventory([hardened.inventory_entry(), unhardened.inventory_entry()])
    run13 = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                    "--profile", "level2-server", "--out", out, "--format", "json", out=out)
    return {"12": (fleet_run[0], "hardened", "unhardened"),
            "13": (run13, "hardened-13", "unhardened-13")}


def test_every_automated_check_is_tested_on_some_release():
    assert set(automated_checks("12")) | set(automated_checks("13")) == set(automated_checks())
    assert len(automated_checks("13")) >= 200


@pytest.mark.parametrize("release", ["12", "13"])
def test_every_shipped_check_passes_on_the_hardened_host(release_runs, release):
    run, hardened, _ = release_runs[release]
    statuses = run.statuses(hardened)
    assert run.host(hardened)["facts"]["os_version_id"] == release
    checks = automated_checks(release)
    assert len(checks) >= 150
    # The firewall sections this host does not use are judged in test_firewall_checks.py, the
    # journald section in test_logging_checks.py, the service-state checks (a daemon enabled and
    # running) on booted hosts in test_service_checks.py.
    verdicts = standing_verdicts("hardened", release)
    expected = {c: verdicts.get(c, "pass") for c in checks}
    assert {c: statuses.get(c) for c in checks} == expected
    other = set(automated_checks()) - set(checks)
    assert {c: statuses.get(c) for c in other} == {c: "not_applicable" for c in other}


@pytest.mark.parametrize("release", ["12", "13"])
def test_every_shipped_check_fails_on_the_unhardened_host(release_runs, release):
    run, _, unhardened = release_runs[release]
    statuses = run.statuses(unhardened)
    checks = automated_checks(release)
    verdicts = standing_verdicts("unhardened", release)
    expected = {c: verdicts.get(c, "fail") for c in checks}
    assert {c: statuses.get(c) for c in checks} == expected


def test_failures_carry_expected_and_observed(fleet_run):
    run, _, _ = fleet_run
    results = {r["check_id"]: r for r in run.host("unhardened")["results"]}
    root_login = results["deb12-sshd-permit-root-login"]
    assert "permitrootlogin" in root_login["expected"]
    assert "permitrootlogin yes" in root_login["observed"]
    assert results["deb12-shadow-permissions"]["observed"].endswith("mode 0644")
    # The client lives in inetutils-telnet, not in the transitional telnet package.
    assert "package inetutils-telnet installed" in results["deb12-pkg-telnet-absent"]["observed"]
    # Ageing is read from /etc/shadow too, by field, never the hash.
    assert "shadow alice" in results["deb12-login-defs-pass-max-days"]["observed"]


def test_journald_section_does_not_apply_where_rsyslog_is_installed(fleet_run):
    run, _, _ = fleet_run
    for name in ("hardened", "unhardened"):
        results = {r["check_id"]: r for r in run.host(name)["results"]}
        for check in LOGGING_FLEET[name]:
            assert (results[check]["status"], results[check]["reason"]) == (
                "not_applicable", "package rsyslog is installed"), (name, check)


def test_manual_checks_are_reported_manual(fleet_run):
    run, _, _ = fleet_run
    automated = set(automated_checks())
    manual = [r for r in run.host("hardened")["results"] if r["check_id"] not in automated
              and not r["check_id"].startswith("pve-") and not r["check_id"].startswith("deb13-")]
    assert len(manual) >= 10
    assert {r["status"] for r in manual} == {"manual"}
    # A Debian 13 manual check on this Debian 12 host: not applicable, with the reason.
    deb13 = [r for r in run.host("hardened")["results"] if r["check_id"].startswith("deb13-manual-")]
    assert deb13 and {r["status"] for r in deb13} == {"not_applicable"}


def test_unreachable_host_is_reported_and_the_others_are_complete(fleet_run):
    run, _, _ = fleet_run
    assert run.code == 3, run.stderr
    dead = run.host("nothing-listens")
    assert dead["status"] == "unreachable"
    assert "cannot connect" in dead["reason"]
    assert dead["results"] and {r["status"] for r in dead["results"]} == {"error"}
    for name in ("hardened", "unhardened"):
        assert run.host(name)["status"] == "ok"
    scores = run.record["scores"]
    assert scores["hosts_in_scope"] == 3
    assert scores["hosts_scanned"] == 2


def test_one_channel_per_host_counted_by_sshd(fleet_run):
    run, before, after = fleet_run
    for name in ("hardened", "unhardened"):
        opened = after[name][0] - before[name][0]
        assert opened == 1, f"{name}: sshd opened {opened} session channels"
        assert run.host(name)["stats"]["channels"] == 1


def test_sshd_t_runs_once_per_host_however_many_checks_read_it(fleet_run):
    run, before, after = fleet_run
    readers = [r for r in run.host("hardened")["results"]
               if r["check_id"].startswith("deb12-sshd-") and r["probe_ids"]]
    sshd_t = {p["id"] for p in run.host("hardened")["probes"] if "exec sshd -T" in p["command"]}
    assert len(sshd_t) == 1
    assert sum(1 for r in readers if r["probe_ids"] == list(sshd_t)) >= 10
    for name in ("hardened", "unhardened"):
        assert after[name][1] - before[name][1] == 1, f"{name} ran sshd -T more than once"


def test_each_probe_is_recorded_once_with_evidence(fleet_run):
    run, _, _ = fleet_run
    for name in ("hardened", "unhardened"):
        probes = run.host(name)["probes"]
        ids = [p["id"] for p in probes]
        assert len(ids) == len(set(ids))
        for probe in probes:
            assert len(probe["output_sha256"]) == 64
            assert probe["started_at"].endswith("Z")
        host = run.host(name)
        assert host["identity"]["host_key_sha256"].startswith("SHA256:")
        assert len(host["identity"]["machine_id"]) == 32
        assert host["facts"]["os_id"] == "debian"


def test_report_rerenders_identically_from_the_record(fleet_run, tmp_path):
    run, _, _ = fleet_run
    again = str(tmp_path / "again")
    import os
    rerun = cisscan("report", os.path.join(run.out, "report.json"), "--format",
                    "junit,html,json", "--out", again, out=again)
    assert rerun.code == 0, rerun.stderr
    for name in ("report.xml", "report.json"):
        assert open(os.path.join(run.out, name)).read() == open(os.path.join(again, name)).read()
    # The HTML says when it was rendered and how old the evidence is then; all else is the same.
    import re
    def rendered(path):
        text = open(path).read()
        text = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", "<TIME>", text)
        return re.sub(r"Evidence is [^<]*? old", "Evidence is <AGE> old", text)
    assert rendered(os.path.join(run.out, "report.html")) == rendered(
        os.path.join(again, "report.html"))


def test_scores_per_safeguard(fleet_run):
    run, _, _ = fleet_run
    scores = run.record["scores"]
    # Hardened passes everything, unhardened fails everything: every assessed safeguard is the
    # hardened host's share of the results (50% where the same checks apply to both; the firewall
    # checks of FLEET do not all apply to both).
    weights = {name: {} for name in ("hardened", "unhardened")}
    for name, tally in weights.items():
        for r in run.host(name)["results"]:
            if r["status"] in ("pass", "fail"):
                for safeguard in r["safeguards"]:
                    tally[safeguard] = tally.get(safeguard, 0) + r.get("weight", 1)
    for safeguard, tally in scores["safeguards"].items():
        if tally["score"] is None:  # read only by pve- checks, which do not apply to these hosts
            continue
        passed = weights["hardened"].get(safeguard, 0)
        share = 100.0 * passed / (passed + weights["unhardened"].get(safeguard, 0))
        assert tally["score"] == pytest.approx(share, abs=0.05), safeguard
        assert tally["state"] == "partial"
    assert scores["ig1"]["total"] == 56
    with open(os.path.join(SOURCE, "checks", "controls", "cis-controls-v8.yaml")) as f:
        ig1 = {s["id"] for s in yaml.safe_load(f)["safeguards"] if 1 in s["ig"]}
    assessed = [t["score"] for sg, t in scores["safeguards"].items()
                if sg in ig1 and t["score"] is not None]
    assert scores["ig1"]["score"] == pytest.approx(sum(assessed) / len(assessed), abs=0.1)
    assert scores["hosts"]["hardened"]["ig1"]["score"] == 100.0
    assert scores["hosts"]["unhardened"]["ig1"]["score"] == 0.0


def _record_without_times(record):
    """The record less what differs between two runs of the same fleet: run id and times, each
    host's and probe's times and the transport's counters."""
    record = dict(record)
    record["run"] = {k: v for k, v in record["run"].items()
                     if k not in ("id", "started_at", "finished_at")}
    hosts = []
    for host in record["hosts"]:
        host = {k: v for k, v in host.items() if k not in ("started_at", "finished_at", "stats")}
        host["probes"] = [{k: v for k, v in p.items()
                           if k not in ("started_at", "finished_at", "duration_ms")}
                          for p in host["probes"]]
        hosts.append(host)
    record["hosts"] = hosts
    return record


def test_spooled_hosts_give_the_record_of_hosts_held_in_memory(bed, hosts, tmp_path):
    """A scan whose reports read hosts one at a time spools each host to disk as it ends, and
    hands them on in inventory order however they end (here 24 hosts, 12 at once); a scan with
    the HTML report keeps them in memory. Both give the same record."""
    entries = []
    for i in range(12):
        for kind in ("hardened", "unhardened"):
            entries.append(dict(hosts[kind].inventory_entry(), name=f"{kind}-{i:02d}"))
    inventory = bed.inventory(entries)
    records = {}
    for formats in ("json,csv", "json,html"):
        out = str(tmp_path / formats.replace(",", "-"))
        run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                      "--jobs", "12", "--format", formats, "--out", out, out=out)
        assert run.code == 1, run.stderr  # failures on the unhardened hosts
        records[formats] = run.record
    assert [h["name"] for h in records["json,csv"]["hosts"]] == [e["name"] for e in entries]
    spooled = _record_without_times(records["json,csv"])
    held = _record_without_times(records["json,html"])
    assert spooled == held, _first_difference(spooled, held)


def _first_difference(a, b, path="record"):
    """Where two JSON values first differ, and how, for an assertion's message."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} against {type(b).__name__}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: only in the {'second' if key not in a else 'first'}"
            if a[key] != b[key]:
                return _first_difference(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items against {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {str(a)[:300]!r} against {str(b)[:300]!r}"
