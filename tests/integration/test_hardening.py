"""Hostile or broken input (issue 13, the lower-severity items): records nested too deep or
missing contract fields, out-of-range --keep, NaN weights and thresholds, non-scalar YAML values,
gate and output options checked before any host is contacted, a report set that is never left half
old and half new, and host names that cannot escape into paths or terminals."""
import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys

import pytest

from conftest import BIN, SOURCE, cisscan

RECORD = os.path.join(SOURCE, "tests", "golden", "records", "fleet.json")


def one_line(run, *words):
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    for word in words:
        assert word in lines[0], run.stderr
    assert "internal error" not in lines[0]
    return lines[0]


def store_args(tmp_path):
    return ["--store", f"sqlite:{tmp_path / 'history.db'}"]


def stored_runs(tmp_path):
    with contextlib.closing(sqlite3.connect(tmp_path / "history.db")) as db:
        return [row[0] for row in db.execute("SELECT id FROM runs")]


# --- records nested too deep ---------------------------------------------------------------------

def deep_record(tmp_path, depth, where):
    record = json.load(open(RECORD))
    text = json.dumps(record)
    nest = "[" * depth + "]" * depth
    if where == "results":  # a member every reader keeps
        text = text.replace('"results": [', '"results": [' + nest + ", ", 1)
    else:  # a member that diff and history --import skip
        text = text.replace('"probes": [', '"probes": [' + nest + ", ", 1)
    path = tmp_path / f"deep-{where}.json"
    path.write_text(text)
    return str(path)


def record_command(command, record, tmp_path):
    return {"report": ["report", record, "--out", str(tmp_path / "out")],
            "diff": ["diff", RECORD, record],
            "gate": ["gate", record],
            "history-import": ["history", *store_args(tmp_path), "--import", record]}[command]


@pytest.mark.parametrize("where", ["results", "probes"])
@pytest.mark.parametrize("command", ["report", "diff", "gate", "history-import"])
def test_deeply_nested_record_is_one_line_and_exit_2(tmp_path, command, where):
    if where == "probes" and command in ("diff", "history-import"):
        pytest.skip("these readers skip the probes unread, however deep")
    record = deep_record(tmp_path, 100000, where)
    run = cisscan(*record_command(command, record, tmp_path))
    assert run.code == 2, (run.code, run.stderr[-500:])
    line = one_line(run, record)
    assert "nested deeper than" in line or "too deep" in line
    assert not (tmp_path / "out").exists()


# --- records missing contract fields -------------------------------------------------------------

def broken(record, change):
    host = record["hosts"][0]
    result = host["results"][0]
    if change == "result without status":
        del result["status"]
    elif change == "unknown result status":
        result["status"] = "passed"
    elif change == "result without check_id":
        del result["check_id"]
    elif change == "host without name":
        del host["name"]
    elif change == "host status a number":
        host["status"] = 3
    elif change == "results not a list":
        host["results"] = {"a": 1}
    elif change == "run without id":
        del record["run"]["id"]
    elif change == "scores without ig1":
        del record["scores"]["ig1"]
    elif change == "weight 1e999":
        return json.dumps(record).replace('"weight": 1.0', '"weight": 1e999', 1)
    return json.dumps(record)


CHANGES = {
    # change: (what the line says, which commands read the member)
    "result without status": ("hosts[0].results[0]: missing 'status'", "all"),
    "unknown result status": ('hosts[0].results[0].status: "passed" is not one of', "all"),
    "result without check_id": ("hosts[0].results[0]: missing 'check_id'", "all"),
    "host without name": ("hosts[0]: missing 'name'", "all"),
    "host status a number": ("hosts[0].status: expected a string", "all"),
    "results not a list": ("hosts[0].results: expected a list", "all"),
    "run without id": ("run: missing 'id'", "all"),
    "scores without ig1": ("scores: missing 'ig1'", "all"),
    "weight 1e999": ("1e999", "report,gate"),
}


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("command", ["report", "diff", "gate", "history-import"])
def test_record_missing_contract_fields_is_one_line_and_exit_2(tmp_path, command, change):
    words, commands = CHANGES[change]
    if commands != "all" and command not in commands.split(","):
        pytest.skip("that member is not read by this command")
    path = tmp_path / "record.json"
    path.write_text(broken(json.load(open(RECORD)), change))
    run = cisscan(*record_command(command, str(path), tmp_path))
    assert run.code == 2, (run.code, run.stderr[-500:])
    one_line(run, f"{path}:", words)
    assert not (tmp_path / "out").exists()
    if command == "history-import":
        assert stored_runs(tmp_path) == []


def test_a_valid_record_still_reads(tmp_path):
    for command in ["report", "diff", "gate", "history-import"]:
        run = cisscan(*record_command(command, RECORD, tmp_path))
        assert run.code in (0, 1), (command, run.stderr)


# --- history --prune --keep ----------------------------------------------------------------------

@pytest.mark.parametrize("keep", ["536870547d", "99999999999d", "36501d", "0d",
                                  "99999999999999999999999d"])
def test_prune_keep_out_of_range_is_exit_2_and_deletes_nothing(tmp_path, keep):
    assert cisscan("history", *store_args(tmp_path), "--import", RECORD).code == 0
    run = cisscan("history", *store_args(tmp_path), "--prune", "--keep", keep)
    assert run.code == 2, run.stdout + run.stderr
    one_line(run, "--keep", "1..36500")
    assert len(stored_runs(tmp_path)) == 1


def test_prune_keep_in_range_still_prunes(tmp_path):
    assert cisscan("history", *store_args(tmp_path), "--import", RECORD).code == 0
    run = cisscan("history", *store_args(tmp_path), "--prune", "--keep", "36500d")
    assert run.code == 0, run.stderr
    assert len(stored_runs(tmp_path)) == 1  # the record is from 2026, inside 100 years
    run = cisscan("history", *store_args(tmp_path), "--prune", "--keep", "1d")
    assert run.code == 0, run.stderr
    assert stored_runs(tmp_path) == []


# --- NaN and infinity ----------------------------------------------------------------------------

CHECK = """checks:
  - id: nan-weight
    title: A check with a weight that is not a number
    safeguards: ["4.1"]
    probe: {command: "true"}
    expect: {exit_code: 0}
    weight: WEIGHT
"""


@pytest.mark.parametrize("weight", [".nan", ".inf", "-.inf", ".NaN"])
def test_weight_not_a_finite_number_is_exit_2(tmp_path, weight):
    checks = tmp_path / "checks.yaml"
    checks.write_text(CHECK.replace("WEIGHT", weight))
    run = cisscan("scan", "--checks", str(checks), "--out", str(tmp_path / "out"))
    assert run.code == 2, run.stderr
    one_line(run, f"{checks}:7:", "weight")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e999"])
def test_fail_under_not_a_finite_number_is_exit_2(value):
    run = cisscan("gate", RECORD, "--fail-under", value)
    assert run.code == 2, run.stderr
    one_line(run, "--fail-under")


@pytest.mark.parametrize("content, line, words", [
    ('safeguards: {"4.1": .nan}\n', 1, "minimum score"),
    ('safeguards:\n  "4.1": .inf\n', 2, "minimum score"),
    ("ig1: .nan\n", 1, "'ig1'"),
    ('safeguards:\n  "4.1": 50\n  "99.9": 50\n', 3, "'99.9' is not in the CIS Controls v8"),
    ("{}\n", 1, "a gate file needs minimum scores"),
    ("safeguards: {}\n", 1, "a gate file needs minimum scores"),
    ("", 1, "expected a mapping for a gate file"),
    ("ig1: high\n", 1, "'ig1' must be"),
])
def test_gate_file_with_bad_threshold_or_safeguard_is_exit_2(tmp_path, content, line, words):
    """Also a gate file without minimum scores: one line naming the file and line, exit 2."""
    gate = tmp_path / "gate.yaml"
    gate.write_text(content)
    run = cisscan("gate", RECORD, "--gate", str(gate))
    assert run.code == 2, run.stderr
    assert one_line(run, f"{gate}:{line}:", words).startswith(f"cisscan: {gate}:{line}: ")


# --- non-scalar YAML values ----------------------------------------------------------------------

GOOD_CHECK = CHECK.replace("WEIGHT", "1")


def yaml_case(tmp_path, kind, content):
    path = tmp_path / f"{kind}.yaml"
    path.write_text(content)
    checks = tmp_path / "good-checks.yaml"
    checks.write_text(GOOD_CHECK)
    out = ["--out", str(tmp_path / "out")]
    if kind == "catalog":
        return path, ["scan", "--checks", str(path), *out]
    if kind == "controls":
        return path, ["lint", "--controls", str(path), str(checks)]
    if kind == "inventory":
        return path, ["scan", "-i", str(path), "--checks", str(checks), *out]
    if kind == "gate":
        return path, ["gate", RECORD, "--gate", str(path)]
    option = {"risk": "--risk", "waivers": "--waivers", "attestations": "--attestations"}[kind]
    return path, ["report", RECORD, option, str(path), *out]


REGISTER = open(os.path.join(SOURCE, "tests", "integration", "data", "risk",
                             "small-register.yaml")).read()

YAML_CASES = [
    ("catalog", CHECK.replace("WEIGHT", "[1, 2]"), 7),
    ("catalog", CHECK.replace("WEIGHT", "1\n    requires_root: {a: 1}"), 8),
    ("catalog", "vars:\n  conf: [a, b]\n" + GOOD_CHECK, 2),
    ("catalog", CHECK.replace("WEIGHT", "1\n    manual: [true]"), 8),
    ("controls", "version: [8]\nsafeguards:\n  - {id: '4.1', control: '4', title: t}\n", 1),
    ("controls", "safeguards:\n  - {id: '4.1', control: '4', title: t, ig: [[1]]}\n", 2),
    ("inventory", "hosts:\n  - name: a\n    user: [root]\n", 3),
    ("inventory", "hosts:\n  - name: a\n    address: {ip: 127.0.0.1}\n", 3),
    ("inventory", "defaults:\n  transport: [ssh]\nhosts:\n  - name: a\n", 2),
    ("gate", "safeguards:\n  ? [4.1]\n  : 50\n", 2),
    ("waivers", "waivers:\n  - id: w\n    ? [checks]\n    : x\n", 3),
    ("attestations", "attestations:\n  - id: a\n    ? {safeguard: 1}\n    : x\n", 3),
    ("risk", REGISTER.replace("criteria:", "? [register]\n: x\ncriteria:", 1), 3),
]


@pytest.mark.parametrize("kind, content, line", YAML_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(YAML_CASES)])
def test_non_scalar_yaml_value_is_file_line_expected(tmp_path, kind, content, line):
    path, args = yaml_case(tmp_path, kind, content)
    run = cisscan(*args)
    assert run.code == 2, run.stdout + run.stderr
    text = one_line(run, f"{path}:", "expected")
    if line is not None:
        assert f"{path}:{line}:" in text
    assert "bad conversion" not in text
    assert not (tmp_path / "out").exists()


# --- gate and output options checked before the first host is contacted -------------------------

PRE_SCAN_CASES = {
    "gate file missing": (["--gate", "{tmp}/missing.yaml"], "missing.yaml"),
    "gate file unknown safeguard": (["--gate", "{tmp}/gate.yaml"], "'99.9'"),
    "baseline file missing": (["--baseline", "{tmp}/missing.json", "--fail-on", "new-failures"],
                              "missing.json"),
    "baseline not a record": (["--baseline", "{tmp}/gate.yaml", "--fail-on", "new-failures"],
                              "gate.yaml"),
    "baseline without new-failures": (["--baseline", "{tmp}/gate.yaml"], "--baseline"),
    "baseline latest without store": (["--baseline", "latest", "--fail-on", "new-failures"],
                                      "--store"),
    "baseline latest, store unusable": (["--baseline", "latest", "--fail-on", "new-failures", "--store",
                                        "sqlite:{tmp}/no/such/folder/h.db"], "--store"),
    "new-failures without baseline": (["--fail-on", "new-failures"], "--baseline"),
    "prometheus folder missing": (["--prometheus", "{tmp}/no/such/folder/m.prom"],
                                  "--prometheus"),
    "prometheus is a folder": (["--prometheus", "{tmp}"], "--prometheus"),
    "fail-under nan": (["--fail-under", "nan"], "--fail-under"),
}


@pytest.mark.parametrize("case", PRE_SCAN_CASES)
def test_gate_and_output_options_are_checked_before_any_host(tmp_path, case):
    options, words = PRE_SCAN_CASES[case]
    (tmp_path / "gate.yaml").write_text('safeguards: {"99.9": 50}\n')
    checks = tmp_path / "checks.yaml"
    checks.write_text(GOOD_CHECK)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    with contextlib.closing(server):
        inventory = tmp_path / "inventory.yaml"
        inventory.write_text("hosts:\n  - {name: quiet, address: 127.0.0.1, port: %d}\n"
                             % server.getsockname()[1])
        run = cisscan("scan", "-i", str(inventory), "--checks", str(checks), "--out",
                      str(tmp_path / "out"), "--connect-timeout", "1",
                      *[o.format(tmp=tmp_path) for o in options])
        assert run.code == 2, run.stderr
        one_line(run, words)
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected: the host was never contacted
    assert not (tmp_path / "out").exists()


# --- the report set is replaced whole or not at all ----------------------------------------------

def test_a_failed_rename_leaves_the_old_report_set_whole(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("old json")
    (out / "report.md").write_text("old md")
    (out / "report.html").mkdir()  # renaming the new HTML report over it fails
    (out / "report.html" / "keep").write_text("x")
    run = cisscan("report", RECORD, "--format", "json,md,html", "--out", str(out))
    assert run.code == 2, run.stderr
    one_line(run, "report.html")
    assert (out / "report.json").read_text() == "old json"
    assert (out / "report.md").read_text() == "old md"
    assert sorted(os.listdir(out)) == ["report.html", "report.json", "report.md"]
    assert os.listdir(out / "report.html") == ["keep"]


def test_a_new_report_set_replaces_the_old_one_whole(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("old json")
    run = cisscan("report", RECORD, "--format", "json,md", "--out", str(out))
    assert run.code == 0, run.stderr
    assert json.load(open(out / "report.json"))["run"] == json.load(open(RECORD))["run"]
    assert sorted(os.listdir(out)) == ["report.json", "report.md"]


# --- host names ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../evil", "a/b", ".hidden", "-rf", "web\x1b[31m1", "a b",
                                  "", "x" * 254])
def test_host_name_outside_the_rule_is_exit_2(tmp_path, name):
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text("hosts:\n  - {name: ok1, address: 127.0.0.1}\n  - name: %s\n"
                         "    address: 127.0.0.1\n" % json.dumps(name))
    run = cisscan("scan", "-i", str(inventory), "--out", str(tmp_path / "out"))
    assert run.code == 2, run.stderr
    one_line(run, f"{inventory}:3:", "host name")
    assert "\x1b" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_host_names_inside_the_rule_are_accepted(tmp_path):
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text("hosts:\n  - {name: web-1.example_org, address: 127.0.0.1, port: 1}\n"
                         "  - {name: 10.0.0.1, address: 127.0.0.1, port: 1}\n")
    checks = tmp_path / "checks.yaml"
    checks.write_text(GOOD_CHECK)
    run = cisscan("scan", "-i", str(inventory), "--checks", str(checks), "--out",
                  str(tmp_path / "out"), "--format", "json", "--connect-timeout", "1",
                  out=str(tmp_path / "out"))
    assert run.code == 3, run.stderr  # both unreachable, but scanned
    assert [h["name"] for h in run.record["hosts"]] == ["web-1.example_org", "10.0.0.1"]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root for a UTS namespace")
def test_dump_scripts_stay_in_their_folder_whatever_the_host_name(tmp_path):
    """The local transport names the host after this machine: in a UTS namespace of its own that
    name is '../escaped', and the scripts must still land inside --dump-scripts."""
    dump = tmp_path / "a" / "dump"
    dump.mkdir(parents=True)
    checks = tmp_path / "checks.yaml"
    checks.write_text(GOOD_CHECK)
    code = ("import os, socket, sys; socket.sethostname('../escaped'); "
            "os.execv(sys.argv[1], sys.argv[1:])")
    proc = subprocess.run(
        ["unshare", "--uts", sys.executable, "-c", code, BIN, "scan", "--checks", str(checks),
         "--dump-scripts", str(dump), "--out", str(tmp_path / "out"), "--format", "json"],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    assert os.listdir(tmp_path / "a") == ["dump"], "nothing written beside the dump folder"
    assert len(os.listdir(dump)) == 2, os.listdir(dump)
    for name in os.listdir(dump):
        assert "/" not in name and not name.startswith(".")
