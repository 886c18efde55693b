"""Bad input gets one clear line naming the file and line, and exit code 2; lint lists them all."""
import json
import os

import pytest

from conftest import SOURCE, cisscan

BAD = os.path.join(os.path.dirname(__file__), "data", "bad")


@pytest.mark.parametrize("name, line, words", [
    ("bad-regex.yaml", 6, "bad-regex: regular expression does not compile"),
    ("unknown-safeguard.yaml", 4, "safeguard '19.1' is not in the CIS Controls v8 catalog"),
    ("unknown-key.yaml", 6, "unknown key 'expct'"),
    ("unknown-probe.yaml", 5, "unknown probe type 'registry'"),
    ("malformed.yaml", None, "malformed YAML"),
    ("duplicate.yaml", 7, "dup: duplicate id (first defined at"),
])
def test_bad_check_file_is_one_line_and_exit_2(tmp_path, name, line, words):
    out = str(tmp_path / "out")
    run = cisscan("scan", "--checks", os.path.join(BAD, name), "--out", out, out=out)
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    path = os.path.join(BAD, name)
    assert lines[0].startswith(f"cisscan: {path}:")
    if line is not None:
        assert f"{path}:{line}:" in lines[0]
    assert words in lines[0]
    assert not os.path.exists(out), "nothing is scanned or written on a configuration error"


def test_lint_reports_every_problem_with_file_and_line():
    run = cisscan("lint", BAD)
    assert run.code == 1
    problems = run.stdout.strip().splitlines()
    assert len(problems) == 6
    for problem in problems:
        assert problem.startswith(BAD + "/")
        assert problem.split(":")[1].isdigit()


def test_lint_of_the_shipped_catalog_is_clean():
    run = cisscan("lint")
    assert run.code == 0, run.stdout
    assert run.stdout == ""


def test_lint_that_cannot_run_exits_2(tmp_path):
    run = cisscan("lint", "--controls", str(tmp_path / "missing.yaml"))
    assert run.code == 2


@pytest.mark.parametrize("content, words", [
    ("hosts: [{name: a, address: 127.0.0.1, prot: 22}]\n", ":1: unknown key 'prot'"),
    ("hosts:\n  - {name: a, port: 99999}\n", ":2: port must be 1..65535"),
    ("hosts:\n  - {name: a}\n  - {name: a}\n", ":3: duplicate host name 'a'"),
    ("hosts: [\n", "malformed YAML"),
    ("defaults: {user: root}\n", ":1: expected a 'hosts:' list"),
])
def test_bad_inventory_is_one_line_and_exit_2(tmp_path, content, words):
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(content)
    run = cisscan("scan", "-i", str(inventory), "--out", str(tmp_path / "out"))
    assert run.code == 2
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert str(inventory) in run.stderr
    assert words in run.stderr


def test_missing_inventory_file(tmp_path):
    run = cisscan("scan", "-i", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out"))
    assert run.code == 2
    assert "nope.yaml" in run.stderr


@pytest.mark.parametrize("args, words", [
    (["scan", "--format", "pdf"], "unknown format 'pdf'"),
    (["scan", "--jobs", "0"], "--jobs"),
    (["scan", "--no-such-flag"], "no-such-flag"),
    (["frobnicate"], "frobnicate"),
])
def test_bad_options_exit_2(tmp_path, args, words):
    run = cisscan(*args, "--out", str(tmp_path / "out")) if args[0] == "scan" else cisscan(*args)
    assert run.code == 2
    assert words in run.stderr


def test_report_of_something_that_is_not_a_record(tmp_path):
    bogus = tmp_path / "bogus.json"
    bogus.write_text("{\"hello\": 1}")
    run = cisscan("report", str(bogus), "--out", str(tmp_path / "out"))
    assert run.code == 2
    assert "not a cisscan record" in run.stderr


RECORD = os.path.join(SOURCE, "tests", "golden", "records", "fleet.json")


@pytest.mark.parametrize("name, content", [
    ("truncated.json", open(RECORD, "rb").read()[:5000]),
    ("binary.json", b"\xff\xfe\x00{}"),
    ("invalid-utf8.json", b'{"schema_version": 3, "hosts": [], "x": "\xc3\x28"}'),
    ("unbalanced.json", b'{"schema_version": 3, "hosts": [{"name": "a"}'),
    ("empty.json", b""),
    ("array.json", b"[]"),
])
@pytest.mark.parametrize("command", ["report", "diff", "gate", "history-import"])
def test_broken_record_is_one_line_and_exit_2(tmp_path, name, content, command):
    broken = tmp_path / name
    broken.write_bytes(content)
    args = {"report": ["report", str(broken), "--out", str(tmp_path / "out")],
            "diff": ["diff", RECORD, str(broken)],
            "gate": ["gate", str(broken)],
            "history-import": ["history", "--store", f"sqlite:{tmp_path / 'h.db'}", "--import",
                               str(broken)]}[command]
    run = cisscan(*args)
    assert run.code == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0], run.stderr
    assert not (tmp_path / "out").exists() or not os.listdir(tmp_path / "out")


def test_help_and_version():
    assert "Exit codes" in cisscan("--help").stdout
    assert cisscan("--version").stdout.startswith("cisscan ")


@pytest.mark.parametrize("args, words", [
    (["--as-of", "2026-02-30"], "--as-of: expected a calendar date YYYY-MM-DD, not '2026-02-30'"),
    (["--as-of", "2026-13-01"], "--as-of: expected a calendar date"),
    (["--connect-timeout", "0"], "--connect-timeout: expected a whole number of seconds, at least 1"),
    (["--connect-timeout", "-5"], "--connect-timeout"),
    (["--host-timeout", "0"], "--host-timeout: expected a whole number of seconds, at least 1"),
    (["--host-output-limit", "0"], "--host-output-limit: expected a whole number of bytes"),
    (["--probe-lanes", "0"], "--probe-lanes: expected a whole number of lanes, at least 1"),
    (["--probe-lanes", "9"], "--probe-lanes: Value 9 not in range 1 to 8"),
])
def test_bad_dates_and_timeouts_are_one_line_and_exit_2(tmp_path, args, words):
    out = tmp_path / "out"
    run = cisscan("scan", *args, "--out", str(out))
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], run.stderr
    assert len(lines[0]) < 200, "one readable line"
    assert not out.exists()


def test_report_as_of_must_be_a_calendar_date(tmp_path):
    run = cisscan("report", RECORD, "--as-of", "2026-02-29", "--out", str(tmp_path / "out"))
    assert run.code == 2
    assert run.stderr.strip() == (
        "cisscan: --as-of: expected a calendar date YYYY-MM-DD, not '2026-02-29'")


@pytest.mark.parametrize("drop", ["scores", "scores.ig1", "scores.safeguards"])
@pytest.mark.parametrize("command", ["gate", "diff", "report"])
def test_record_without_scores_is_one_line_and_exit_2(tmp_path, drop, command):
    record = json.load(open(RECORD))
    parent, _, key = drop.rpartition(".")
    (record[parent] if parent else record).pop(key)
    broken = tmp_path / "noscores.json"
    broken.write_text(json.dumps(record))
    args = {"gate": ["gate", str(broken), "--fail-under", "50"],
            "diff": ["diff", RECORD, str(broken)],
            "report": ["report", str(broken), "--out", str(tmp_path / "out")]}[command]
    run = cisscan(*args)
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "noscores.json" in lines[0] and "scores" in lines[0], run.stderr


def test_lint_counts_in_the_singular_when_there_is_one():
    run = cisscan("lint", os.path.join(BAD, "bad-regex.yaml"))
    assert run.code == 1
    assert run.stderr.strip().splitlines()[-1] == "0 checks in 1 file, 1 problem"
