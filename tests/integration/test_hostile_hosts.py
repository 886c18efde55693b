"""Hosts whose sshd forces a command of an attacker's choosing: a flood of forged frames, one frame
that never ends, secrets and terminal escapes on stderr. Each ends as that host's `error` with a
reason, the healthy host beside it is complete, and nothing secret or raw reaches a file or log."""
import os
import subprocess

import pytest

from conftest import BIN, SOURCE, Run, peak_rss_kib, testbed, validate_record
from test_firewall_checks import FLEET
from test_service_checks import FLEET as SERVICE_FLEET

HOSTILE = os.path.join(SOURCE, "tests", "testbed", "hostile")
RSS_BOUND_KIB = 100 * 1024  # the scanner's peak RSS while a host floods (issue 13: < 100 MB)


@pytest.fixture(scope="module")
def hostile(bed):
    planted = testbed.PLANTED_HASH
    return {
        "flood": bed.add_host("flood", sshd_extra=f"ForceCommand {HOSTILE}/flood-frames\n"),
        "endless": bed.add_host("endless",
                                sshd_extra=f"ForceCommand {HOSTILE}/flood-frames bytes\n"),
        "stderr": bed.add_host("stderr", sshd_extra=(
            f"ForceCommand env PLANTED='{planted}' {HOSTILE}/stderr-secrets\n")),
    }


def scan(bed, hosts, hostile, names, out, *extra):
    inventory = bed.inventory([hosts["hardened"].inventory_entry()] +
                              [hostile[n].inventory_entry() for n in names])
    args = ["scan", "-i", inventory, "--known-hosts", bed.known_hosts, *extra]
    proc = subprocess.run([BIN, *args, "--out", out, "--format", "json,junit,html,md,csv"],
                          capture_output=True, text=True, timeout=600)
    run = Run(proc, out)
    validate_record(run.record)
    return run, args


def assert_healthy_host_complete(run):
    hardened = run.host("hardened")
    assert hardened["status"] == "ok"
    # The firewall sections it does not use are not_applicable (test_firewall_checks.py), and so
    # are the service-state checks: no service manager runs there (test_service_checks.py).
    fleet = {**FLEET["hardened"], **SERVICE_FLEET["hardened"]}
    assert all(r["status"] in ("pass", "manual") or fleet.get(r["check_id"]) ==
               r["status"] for r in hardened["results"] if r["check_id"].startswith("deb12-"))


def test_a_frame_flood_ends_that_host_and_the_scanner_stays_small(bed, hosts, hostile, out):
    run, args = scan(bed, hosts, hostile, ["flood"], out)
    assert run.code == 3, run.stderr
    flood = run.host("flood")
    assert flood["status"] == "error"
    assert "out of the script's order" in flood["reason"] and "stopped reading" in flood["reason"]
    assert_healthy_host_complete(run)
    code, rss = peak_rss_kib(*args, "--out", out + "-rss")
    assert code == 3
    assert rss < RSS_BOUND_KIB, f"peak RSS {rss} KiB while a host floods"


def test_a_frame_that_never_ends_is_cut_at_the_host_output_limit(bed, hosts, hostile, out):
    limit = 20 * 1024 * 1024
    run, args = scan(bed, hosts, hostile, ["endless"], out, "--host-output-limit", str(limit))
    assert run.code == 3, run.stderr
    endless = run.host("endless")
    assert endless["status"] == "error"
    assert f"more than {limit} bytes" in endless["reason"]
    assert_healthy_host_complete(run)
    code, rss = peak_rss_kib(*args, "--out", out + "-rss")
    assert code == 3
    assert rss < RSS_BOUND_KIB, f"peak RSS {rss} KiB while a host streams"


def test_stderr_secrets_and_escapes_never_reach_reports_or_logs(bed, hosts, hostile, out):
    run, _ = scan(bed, hosts, hostile, ["stderr"], out, "-v")
    assert run.code == 3, run.stderr
    host = run.host("stderr")
    assert host["status"] == "error"
    assert "fatal" in host["reason"] and "<redacted>" in host["reason"]
    assert_healthy_host_complete(run)
    everything = run.files_text()
    assert testbed.PLANTED_HASH.split("$")[-1] not in everything
    assert "U1RERVJSU0VDUkVUS0VZQk9EWQ" not in everything
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr
    assert "\\x1b" in host["reason"]


def test_every_host_gets_its_own_boundary(bed, hosts, tmp_path):
    dump = tmp_path / "scripts"
    dump.mkdir()
    inventory = bed.inventory([hosts["hardened"].inventory_entry(),
                               hosts["unhardened"].inventory_entry()])
    proc = subprocess.run([BIN, "scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                           "--out", str(tmp_path / "out"), "--dump-scripts", str(dump)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    boundaries = {}
    for name in ("hardened", "unhardened"):
        first = (dump / f"{name}.1.sh").read_text().splitlines()[0]
        assert first.startswith("B=CISSCAN-")
        boundaries[name] = first
    assert boundaries["hardened"] != boundaries["unhardened"]
