"""--fail-on unacceptable-risk against the risk register: by default only entries above the
acceptance criterion on evidence (a failing result on a scanned host in scope) fail the gate;
--fail-on unacceptable-risk-strict also fails on entries without evidence. On a saved record
assessed with a crafted register, and on a real scan of the hardened test host with the shipped
register."""
import json
import os

import pytest

from conftest import SOURCE, cisscan

RECORD = os.path.join(SOURCE, "tests", "golden", "records", "fleet.json")
SHIPPED = os.path.join(SOURCE, "checks", "risk", "register.yaml")

CRITERIA = """register: {name: gate test register, version: "1"}
criteria:
  impact:
    - {level: 1, name: Low, mission: m1, objectives: o1, obligations: b1}
    - {level: 2, name: Medium, mission: m2, objectives: o2, obligations: b2}
    - {level: 3, name: High, mission: m3, objectives: o3, obligations: b3}
  expectancy:
    - {level: 1, name: Unlikely, description: e1}
    - {level: 2, name: Possible, description: e2}
    - {level: 3, name: Likely, description: e3}
  acceptance: {max_risk: 3, statement: Up to 3.}
entries:
"""


def entry(id, safeguard, classes):
    return f"""  - id: {id}
    title: Entry {id}
    safeguards: ["{safeguard}"]
    asset_classes: [{classes}]
    threat: t
    vulnerability: v
    impact: {{mission: 3, objectives: 3, obligations: 3}}
    expectancy: {{in_place: 1, missing: 3}}
    owner: o
    treatment: reduce
"""


# The fleet record's scanned hosts are containers: no host is a PVE node, and nothing assesses
# safeguard 17.1; both entries are above the criterion (9) only for want of evidence.
NOT_ASSESSED = CRITERIA + entry("R-NO-HOST", "5.2", "pve-node") + entry("R-NO-RESULT", "17.1", "any")
# 5.2 fails on the unhardened host, which is in scope: an evidenced gap.
EVIDENCED = NOT_ASSESSED + entry("R-GAP", "5.2", "any")


def assessed(tmp_path, name, register_text):
    register = tmp_path / f"{name}.yaml"
    register.write_text(register_text)
    out = str(tmp_path / name)
    run = cisscan("report", RECORD, "--risk", str(register), "--format", "json", "--out", out,
                  out=out)
    assert run.code == 0, run.stderr
    return os.path.join(out, "report.json"), run.record


def test_only_not_assessed_entries_pass_the_default_risk_gate_and_fail_the_strict_one(tmp_path):
    path, record = assessed(tmp_path, "not-assessed", NOT_ASSESSED)
    states = {e["id"]: (e["state"], e["acceptable"], e["risk"]) for e in record["risk"]["entries"]}
    assert states == {"R-NO-HOST": ("no_evidence", False, 9),
                      "R-NO-RESULT": ("no_evidence", False, 9)}
    assert record["risk"]["unacceptable"] == 0
    assert record["risk"]["no_evidence"] == 2

    default = cisscan("gate", path, "--fail-on", "unacceptable-risk")
    assert default.code == 0, default.stderr
    assert default.stderr == ""

    strict = cisscan("gate", path, "--fail-on", "unacceptable-risk-strict")
    assert strict.code == 1, strict.stderr
    lines = strict.stderr.splitlines()
    assert lines[0] == ("--fail-on unacceptable-risk-strict: 2 risks above the acceptance "
                        "criterion (2 of them without evidence)")
    assert lines[1:] == ["  R-NO-HOST  risk 9 (no evidence)  Entry R-NO-HOST",
                         "  R-NO-RESULT  risk 9 (no evidence)  Entry R-NO-RESULT"]


def test_an_evidenced_gap_fails_the_default_risk_gate(tmp_path):
    path, record = assessed(tmp_path, "evidenced", EVIDENCED)
    gap = next(e for e in record["risk"]["entries"] if e["id"] == "R-GAP")
    assert gap["state"] == "unacceptable"
    assert {f["host"] for f in gap["findings"]} == {"unhardened"}
    run = cisscan("gate", path, "--fail-on", "unacceptable-risk")
    assert run.code == 1
    lines = run.stderr.splitlines()
    assert lines[0] == "--fail-on unacceptable-risk: 1 risks above the acceptance criterion on evidence"
    assert lines[1] == "  R-GAP  risk 9  Entry R-GAP"
    strict = cisscan("gate", path, "--fail-on", "unacceptable-risk-strict")
    assert strict.code == 1
    assert "3 risks above the acceptance criterion (2 of them without evidence)" in strict.stderr


def test_an_unknown_fail_on_value_is_exit_2():
    run = cisscan("gate", RECORD, "--fail-on", "unacceptable-risk-lenient")
    assert run.code == 2
    assert "--fail-on" in run.stderr


@pytest.fixture(scope="module")
def hardened_scan(bed, hosts, tmp_path_factory):
    """The hardened test host scanned over SSH with the shipped catalog and register."""
    base = tmp_path_factory.mktemp("hardened-gate")
    inventory = bed.inventory([hosts["hardened"].inventory_entry()])
    runs = {}
    for rule in ("unacceptable-risk", "unacceptable-risk-strict"):
        out = str(base / rule)
        runs[rule] = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                             "--out", out, "--format", "json", "--risk", SHIPPED,
                             "--fail-on", rule, out=out)
    return runs


def test_a_hardened_host_passes_the_default_risk_gate_with_the_shipped_register(hardened_scan):
    run = hardened_scan["unacceptable-risk"]
    assert run.code == 0, run.stderr
    risk = run.record["risk"]
    assert risk["unacceptable"] == 0
    states = {e["state"] for e in risk["entries"]}
    assert "acceptable" in states and "no_evidence" in states
    # The entries it gives evidence for are acceptable: its checks pass.
    evidenced = [e for e in risk["entries"] if e["assessed"] and e["hosts_in_scope"] > 0]
    assert evidenced and all(e["state"] == "acceptable" for e in evidenced
                             if all(s in ("compliant", "attested") for s in e["safeguard_states"].values()))


def test_a_hardened_host_fails_the_strict_risk_gate_for_want_of_evidence(hardened_scan):
    run = hardened_scan["unacceptable-risk-strict"]
    assert run.code == 1, run.stderr
    assert run.record["risk"]["no_evidence"] > 0
    first = next(line for line in run.stderr.splitlines() if line.startswith("--fail-on"))
    assert first.startswith("--fail-on unacceptable-risk-strict: ")
    assert first.endswith(f"({run.record['risk']['no_evidence']} of them without evidence)")


def test_sysctl_failures_do_not_land_on_container_runtimes(bed, hosts, tmp_path):
    """The unhardened host's kernel parameter failures feed the hardening entry they protect,
    not R-4.1-3 (container runtimes in guests), though both are safeguard 4.1 and the host, a VM
    by its inventory roles, is in scope of both."""
    inventory = bed.inventory([hosts["unhardened"].inventory_entry(roles=["vm"])])
    out = str(tmp_path / "out")
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out,
                  "--format", "json", "--risk", SHIPPED, out=out)
    assert run.code == 1, run.stderr
    results = {r["check_id"]: r for r in run.host("unhardened")["results"]}
    sysctl = [r for c, r in results.items() if "sysctl" in c and r["status"] == "fail"]
    assert sysctl, "the unhardened host fails kernel parameter checks"
    for r in sysctl:
        assert "R-4.1-3" not in r.get("risks", []), r["check_id"]
    entries = {e["id"]: e for e in run.record["risk"]["entries"]}
    assert "vm" in run.host("unhardened")["roles"]
    assert entries["R-4.1-3"]["hosts_in_scope"] == 1
    assert entries["R-4.1-3"]["findings"] == []
    assert entries["R-4.1-3"]["state"] == "no_evidence"
    hardening = {f["check_id"] for f in entries["R-4.1-1"]["findings"]}
    assert {r["check_id"] for r in sysctl} <= hardening
    assert entries["R-4.1-1"]["state"] == "unacceptable"
