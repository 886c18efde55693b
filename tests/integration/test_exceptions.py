"""Waivers, attestations and the risk register, applied at scan time and again at report time."""
import os

import pytest

from conftest import SOURCE, cisscan

DATA = os.path.join(os.path.dirname(__file__), "data")
RECORD = os.path.join(SOURCE, "tests", "golden", "records", "fleet.json")


@pytest.fixture(scope="module")
def waived_run(bed, hosts, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("waived") / "out")
    inventory = bed.inventory([hosts["hardened"].inventory_entry(),
                               hosts["unhardened"].inventory_entry()])
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out,
                  "--waivers", os.path.join(DATA, "waivers.yaml"),
                  "--attestations", os.path.join(DATA, "attestations.yaml"),
                  "--risk", os.path.join(DATA, "risk", "small-register.yaml"),
                  "--as-of", "2026-11-25", "--format", "json,junit,html,md,csv", out=out)
    return run


def test_current_waiver_waives_failures_only_where_it_matches(waived_run):
    statuses = waived_run.statuses("unhardened")
    for package in ("telnet", "nis", "rsh-client", "talk", "ldap-utils", "ftp-client"):
        assert statuses[f"deb12-pkg-{package}-absent"] == "waived"
    assert waived_run.statuses("hardened")["deb12-pkg-telnet-absent"] == "pass"
    result = next(r for r in waived_run.host("unhardened")["results"]
                  if r["check_id"] == "deb12-pkg-telnet-absent")
    assert result["original_status"] == "fail"
    assert result["waiver"]["id"] == "W-CURRENT"
    assert result["waiver"]["approved_by"] == "Security officer"


def test_expired_and_unmatched_waivers_are_reported_not_applied(waived_run):
    entries = {w["id"]: w for w in waived_run.record["waivers"]["entries"]}
    assert entries["W-EXPIRED"]["state"] == "expired"
    assert waived_run.statuses("unhardened")["deb12-sysctl-ip-forward"] == "fail"
    assert entries["W-EXPIRED"]["would_apply_to"] == [
        {"host": "unhardened", "check_id": "deb12-sysctl-ip-forward"}]
    assert entries["W-NOTHING"]["matched"] == 0
    assert entries["W-CURRENT"]["matched"] == 6
    md = open(os.path.join(waived_run.out, "report.md")).read()
    assert "W-NOTHING | current (matches nothing)" in md
    assert "W-EXPIRED | expired" in md


def test_waived_results_leave_the_denominator(waived_run):
    # Hardened passes every 4.8 check; on unhardened the six client package checks are waived
    # and the other 4.8 checks fail: the waived ones count neither for nor against.
    tally = waived_run.record["scores"]["safeguards"]["4.8"]
    automated = [r for r in waived_run.host("unhardened")["results"]
                 if "4.8" in r["safeguards"] and r["status"] not in ("manual", "not_applicable")]
    counts = tally["counts"]
    assert counts["waived"] == 6
    assert counts["pass"] == len(automated)
    assert counts["fail"] == len(automated) - 6
    assert tally["score"] == pytest.approx(
        100.0 * counts["pass"] / (counts["pass"] + counts["fail"]), abs=0.05)
    # The exit code still fails the gate on the other failures, not on the waived ones.
    assert waived_run.code == 1


def test_attestations_are_beside_the_score_never_inside(waived_run):
    scores = waived_run.record["scores"]
    assert scores["safeguards"]["14.1"]["state"] == "attested"
    assert scores["safeguards"]["14.1"]["score"] is None
    assert "17.1" not in scores["safeguards"]  # expired: not applied
    entries = {a["id"]: a for a in waived_run.record["attestations"]["entries"]}
    assert entries["A-EXPIRED"]["state"] == "expired"
    assert entries["A-NOTHING"]["matched"] == 0 and entries["A-NOTHING"]["covers"] == []
    md = open(os.path.join(waived_run.out, "report.md")).read()
    assert "A-NOTHING | current (matches nothing)" in md
    ig1 = scores["ig1"]
    assert ig1["attested"] == 1
    assert ig1["assessed"] == ig1["automated"] + 1
    # The IG1 score is the mean over automated safeguards only.
    automated = [t["score"] for s, t in scores["safeguards"].items()
                 if t["score"] is not None and waived_run.record["catalog"]["safeguards"][s]["ig1"]]
    assert ig1["score"] == round(sum(automated) / len(automated), 1)


def test_risk_register_gives_known_scores(waived_run):
    risk = waived_run.record["risk"]
    entries = {e["id"]: e for e in risk["entries"]}
    # 5.2 fails on the unhardened host: missing, impact max(1,3,2)=3 x expectancy 3 = 9.
    assert entries["R-PASSWORDS"]["safeguard_states"] == {"5.2": "partial"}
    assert entries["R-PASSWORDS"]["expectancy"] == 3
    assert entries["R-PASSWORDS"]["risk"] == 9
    assert entries["R-PASSWORDS"]["acceptable"] is False
    # 14.1 is attested: in place, 2 x 1 = 2, acceptable.
    assert entries["R-TRAINING"]["safeguard_states"] == {"14.1": "attested"}
    assert entries["R-TRAINING"]["risk"] == 2
    assert entries["R-TRAINING"]["acceptable"] is True
    # 1.1 was not assessed: what cannot be shown counts as missing, 1 x 2 = 2.
    # Only not-applicable results (the Proxmox checks of 1.1): the score's own state, and not
    # shown to be in place.
    assert entries["R-INVENTORY"]["safeguard_states"] == {"1.1": "not_applicable"}
    assert entries["R-INVENTORY"]["risk"] == 2
    assert risk["unacceptable"] == 1
    # Both ways: the risk lists its findings, each finding names the risk.
    findings = {(f["host"], f["check_id"]) for f in entries["R-PASSWORDS"]["findings"]}
    assert ("unhardened", "deb12-shadow-no-empty-passwords") in findings
    result = next(r for r in waived_run.host("unhardened")["results"]
                  if r["check_id"] == "deb12-shadow-no-empty-passwords")
    assert result["risks"] == ["R-PASSWORDS"]


def test_report_reapplies_newer_waivers_keeping_original_statuses(tmp_path):
    out = str(tmp_path / "out")
    run = cisscan("report", RECORD, "--waivers", os.path.join(DATA, "waivers-later.yaml"),
                  "--as-of", "2027-01-15", "--format", "json", "--out", out, out=out)
    assert run.code == 0, run.stderr
    statuses = run.statuses("unhardened")
    assert statuses["deb12-sshd-permit-root-login"] == "waived"
    assert statuses["deb12-pkg-telnet-absent"] == "fail"  # W-CURRENT expired by then
    result = next(r for r in run.host("unhardened")["results"]
                  if r["check_id"] == "deb12-sshd-permit-root-login")
    assert result["original_status"] == "fail"
    files = run.record["exception_files"]
    assert files[0]["path"].endswith("waivers-later.yaml") and len(files[0]["sha256"]) == 64


@pytest.mark.parametrize("kind, content, words", [
    ("waivers", "waivers:\n  - id: W1\n    checks: x\n    justification: j\n"
                "    approved_by: a\n    expires: 31/12/2026\n", ":6: 'expires' must be a date"),
    ("waivers", "waivers:\n  - id: W1\n    checks: x\n    approved_by: a\n    expires: 2026-01-01\n",
     ":2: missing 'justification'"),
    ("waivers", "waivers:\n  - id: W1\n    check: x\n", ":3: unknown key 'check'"),
    ("attestations", "attestations:\n  - id: A1\n    safeguard: \"19.9\"\n    statement: s\n"
                     "    evidence: e\n    attested_by: b\n    date: 2026-01-01\n"
                     "    expires: 2027-01-01\n", ":3: safeguard '19.9' is not in"),
    ("attestations", "attestations:\n  - id: A1\n    statement: s\n", ":2: an attestation names"),
    ("risk", "criteria: {}\nentries: []\n", ":1:"),
])
def test_malformed_exception_files_are_one_line_and_exit_2(tmp_path, kind, content, words):
    path = tmp_path / f"{kind}.yaml"
    path.write_text(content)
    run = cisscan("report", RECORD, f"--{kind}", str(path), "--out", str(tmp_path / "out"))
    assert run.code == 2
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert str(path) in run.stderr and words in run.stderr
    lint = cisscan("lint", str(path))
    assert lint.code == 1
    assert words in lint.stdout


def test_shipped_register_covers_every_ig1_safeguard():
    import yaml
    with open(os.path.join(SOURCE, "checks", "risk", "register.yaml")) as f:
        register = yaml.safe_load(f)
    with open(os.path.join(SOURCE, "checks", "controls", "cis-controls-v8.yaml")) as f:
        controls = yaml.safe_load(f)
    ig1 = {s["id"] for s in controls["safeguards"] if 1 in s["ig"]}
    covered = {s for e in register["entries"] for s in e["safeguards"]}
    assert len(ig1) == 56
    assert ig1 <= covered
