"""`cisscan scan` with no inventory checks this machine through the local transport."""
import glob
import os
import re
import subprocess

import pytest
import yaml

from conftest import SOURCE, cisscan


def test_local_scan_writes_all_three_reports(out):
    run = cisscan("scan", "--out", out, out=out)
    assert run.code in (0, 1), run.stderr
    assert sorted(os.listdir(out)) == ["report.html", "report.json", "report.xml"]
    record = run.record
    assert len(record["hosts"]) == 1
    host = record["hosts"][0]
    assert host["status"] == "ok"
    assert host["transport"] == "local"
    assert host["stats"]["channels"] == 1
    assert record["run"]["catalog_digest"]
    assert record["scores"]["ig1"]["total"] == 56
    # One host, one channel: singular words in the log.
    checks = len(record["checks"])
    assert checks == record["run"]["selection"]["checks_selected"]
    assert f"{checks} checks (profile level1-server), 1 host\n" in run.stderr
    assert re.search(r"\(\d+ ms, 1 channel\)", run.stderr), run.stderr
    assert "assessed), 1 of 1 host scanned\n" in run.stderr


def test_only_chosen_formats_are_written(out):
    run = cisscan("scan", "--format", "junit", "--out", out, out=out)
    assert run.code in (0, 1)
    assert os.listdir(out) == ["report.xml"]


# What a container cannot audit: its kernel, boot loader, partitions and kernel modules are its
# host's (cis-audit-semantics.md, "Containers"). Recognised by probe type, by a probe reading
# /boot, or by benchmark section (the same numbers in Debian 12 v1.1.0 and 13 v1.0.0):
# 1.1.1 and 3.2 modules, 1.1.2 partitions, 1.3.1.2 AppArmor on the kernel command line, 1.4 boot
# loader, 1.5 kernel parameters (Debian 12: 1.5.1-1.5.2; 13: all but 1.5.6-1.5.7 and 1.5.11-13),
# 3.3 network kernel parameters, 6.2.1.3-4 audit options on the kernel command line.
HOST_KERNEL_PROBES = {"sysctl", "kernel_module", "module", "mount"}
HOST_KERNEL_REFS = {
    "cis-debian12": ("1.1.1.", "1.1.2.", "1.3.1.2", "1.4.", "1.5.1", "1.5.2", "3.2.", "3.3.",
                     "6.2.1.3", "6.2.1.4"),
    "cis-debian13": ("1.1.1.", "1.1.2.", "1.3.1.2", "1.4.", "1.5.1", "1.5.2", "1.5.3", "1.5.4",
                     "1.5.5", "1.5.8", "1.5.9", "1.5.10", "3.2.", "3.3.", "6.2.1.3", "6.2.1.4"),
}


def _refs_match(ref, prefixes):
    return any(ref == p or ref.startswith(p if p.endswith(".") else p + ".") for p in prefixes)


def host_kernel_checks():
    """Ids of the shipped checks about the host's kernel, boot loader, partitions or modules."""
    ids = set()
    for path in glob.glob(os.path.join(SOURCE, "checks", "**", "*.yaml"), recursive=True):
        with open(path) as f:
            data = yaml.safe_load(f)
        if not isinstance(data, dict) or not isinstance(data.get("checks"), list):
            continue
        for check in data["checks"]:
            if check.get("manual"):
                continue  # a person answers it, wherever the host runs
            probe = check.get("probe") or {}
            benches = check.get("benchmark") or []
            benches = [benches] if isinstance(benches, dict) else benches
            if (HOST_KERNEL_PROBES & set(probe)
                    or any(str(v).startswith("/boot/") for v in probe.values())
                    or any(_refs_match(str(b.get("ref", "")), HOST_KERNEL_REFS.get(b.get("id"), ()))
                           for b in benches)):
                ids.add(check["id"])
    return ids


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("local") / "out")
    return cisscan("scan", "--profile", "level2-server", "--format", "json", "--out", out,
                   out=out)


def test_local_scan_of_this_machine_has_no_error_results(local_run):
    host = local_run.record["hosts"][0]
    assert host["status"] == "ok", host["reason"]
    errors = [f"{r['check_id']}: {r['reason']} (observed {r['observed']!r})"
              for r in host["results"] if r["status"] == "error"]
    assert errors == []


def in_container():
    proc = subprocess.run(["systemd-detect-virt", "--container"], capture_output=True, text=True)
    return proc.returncode == 0


# Kernel checks known to apply wrongly inside a container (none today: each such check's
# `applies` excludes both the `lxc` and the `container` role).
KNOWN_WRONG_IN_CONTAINER = {}


def _this_release():
    with open("/etc/os-release") as f:
        pairs = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    return pairs.get("VERSION_ID", "").strip('"')


def _other_release_checks():
    """Checks for another Debian release (`applies: {version}`): not applicable here for that
    reason, whatever the machine is."""
    ids = set()
    for path in glob.glob(os.path.join(SOURCE, "checks", "**", "*.yaml"), recursive=True):
        with open(path) as f:
            data = yaml.safe_load(f)
        if isinstance(data, dict) and isinstance(data.get("checks"), list):
            ids |= {c["id"] for c in data["checks"]
                    if str((c.get("applies") or {}).get("version", _this_release()))
                    != _this_release()}
    return ids


def _container_cases():
    for check in sorted(host_kernel_checks() - _other_release_checks()):
        reason = KNOWN_WRONG_IN_CONTAINER.get(check)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(check, marks=marks, id=check)


def test_the_host_kernel_checks_are_recognised():
    assert set(KNOWN_WRONG_IN_CONTAINER) <= host_kernel_checks()


@pytest.mark.skipif(not in_container(), reason="this machine is not a container")
@pytest.mark.parametrize("check", list(_container_cases()))
def test_in_a_container_host_kernel_checks_are_not_applicable_with_the_reason(local_run, check):
    host = local_run.record["hosts"][0]
    role = "lxc" if "lxc" in host["roles"] else "container"
    assert role in host["roles"], host["roles"]
    result = next(r for r in host["results"] if r["check_id"] == check)
    # not_applicable, and the reason names what the host is.
    assert (result["status"], role in result["reason"]) == ("not_applicable", True), \
        f"{result['status']}: {result['reason']!r}"
