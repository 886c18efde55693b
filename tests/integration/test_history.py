"""Run history in SQLite and in a real PostgreSQL server, the documented queries, drift, the
gate and the Prometheus file."""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest

from conftest import BIN, SOURCE, cisscan, peak_rss_kib
from postgres_server import PostgresServer

RECORD = os.path.join(SOURCE, "tests", "golden", "records", "fleet.json")
DOC = os.path.join(SOURCE, "docs", "history.md")
STORE_VERSION = 3  # k_store_schema_version in scanner/history/store.hpp
# The store's test hooks (tests/tools/store_tool.cpp), built beside the scanner.
STORE_TOOL = os.environ.get("CISSCAN_STORE_TOOL", os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(BIN))), "tests", "cisscan_store_tool"))


def craft(tmp_path, name, started_at, changes):
    """fleet.json as run `name` at `started_at`, with some result statuses changed and every
    score recomputed by cisscan itself."""
    record = json.load(open(RECORD))
    record["run"]["id"] = name
    record["run"]["started_at"] = started_at
    record["run"]["finished_at"] = started_at.replace("00.000Z", "30.000Z")
    for host in record["hosts"]:
        for result in host["results"]:
            key = (host["name"], result["check_id"])
            if key in changes:
                result["status"] = changes[key]
                result.pop("original_status", None)
    raw = tmp_path / f"{name}.raw.json"
    raw.write_text(json.dumps(record))
    out = tmp_path / name
    run = cisscan("report", str(raw), "--as-of", "2026-11-25", "--format", "json", "--out",
                  str(out), out=str(out))
    assert run.code == 0, run.stderr
    return str(out / "report.json")


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("records")
    root = ("unhardened", "deb12-sshd-permit-root-login")
    return [
        craft(tmp, "run-1", "2026-11-01T00:00:00.000Z", {}),
        craft(tmp, "run-2", "2026-11-08T00:00:00.000Z", {root: "pass"}),
        craft(tmp, "run-3", "2026-11-15T00:00:00.000Z",
              {root: "pass", ("hardened", "deb12-sshd-permit-root-login"): "fail"}),
    ]


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    yield server
    server.stop()


def documented_queries():
    text = open(DOC).read()
    return dict(re.findall(r"```sql ([a-z-]+)\n(.*?)```", text, re.S))


def expected_answers(records):
    loaded = [json.load(open(r)) for r in records]
    over_time = [(r["run"]["started_at"], r["scores"]["safeguards"]["5.2"]["score"])
                 for r in loaded]
    latest = loaded[-1]
    failing = sorted(h["name"] for h in latest["hosts"] for x in h["results"]
                     if x["check_id"] == "deb12-sshd-permit-root-login" and x["status"] == "fail")
    fixes = {}
    for r in loaded:
        for h in r["hosts"]:
            for x in h["results"]:
                key = (h["name"], x["check_id"])
                if x["status"] == "fail" and key not in fixes:
                    fixes[key] = [r["run"]["started_at"], None]
                elif x["status"] == "pass" and key in fixes and fixes[key][1] is None:
                    fixes[key][1] = r["run"]["started_at"]
    time_to_fix = sorted((k[0], k[1], v[0], v[1]) for k, v in fixes.items())
    return over_time, failing, time_to_fix


def store_and_query(url, records, connect):
    for record in records:
        run = cisscan("history", "--store", url, "--import", record)
        assert run.code == 0, run.stderr
    listed = cisscan("history", "--store", url)
    header, *rows = listed.stdout.splitlines()
    assert header.split("\t") == ["run", "started", "IG1 score", "IG1 safeguards assessed",
                                  "hosts scanned"]
    assert [line.split("\t")[0] for line in rows] == ["run-1", "run-2", "run-3"]
    as_json = json.loads(cisscan("history", "--store", url, "--format", "json").stdout)
    assert [r["id"] for r in as_json] == ["run-1", "run-2", "run-3"]
    for row, record in zip(rows, records):
        scores = json.load(open(record))["scores"]
        entry = as_json[rows.index(row)]
        assert entry["ig1_score"] == scores["ig1"]["score"]
        assert entry["hosts_scanned"] == scores["hosts_scanned"]
        assert row.split("\t")[2] == f"{scores['ig1']['score']:.1f}"
        assert row.split("\t")[4] == f"{scores['hosts_scanned']}/{scores['hosts_in_scope']}"
    for record in records:
        run_id = json.load(open(record))["run"]["id"]
        exported = subprocess.run([BIN, "history", "--store", url, "--export", run_id],
                                  capture_output=True)
        assert exported.returncode == 0
        assert exported.stdout == open(record, "rb").read(), "export is not byte-identical"
    queries = documented_queries()
    assert set(queries) == {"score-over-time", "hosts-failing", "time-to-fix"}
    conn = connect()
    try:
        cur = conn.cursor()
        cur.execute(queries["score-over-time"])
        over_time = [(a, float(b)) for a, b in cur.fetchall()]
        cur.execute(queries["hosts-failing"])
        failing = [row[0] for row in cur.fetchall()]
        cur.execute(queries["time-to-fix"])
        time_to_fix = sorted(tuple(row) for row in cur.fetchall())
    finally:
        conn.close()
    want_over_time, want_failing, want_fix = expected_answers(records)
    assert over_time == want_over_time
    assert failing == want_failing == ["hardened"]
    assert time_to_fix == want_fix
    fixed = {(h, c): fixed for h, c, _, fixed in time_to_fix}
    assert fixed[("unhardened", "deb12-sshd-permit-root-login")] == "2026-11-08T00:00:00.000Z"


def test_sqlite_store_round_trip_and_documented_queries(records, tmp_path):
    path = tmp_path / "history.db"
    store_and_query(f"sqlite:{path}", records, lambda: sqlite3.connect(path))


def test_postgresql_store_round_trip_and_documented_queries(records, postgres):
    url = postgres.create_database("history_queries")
    store_and_query(url, records, lambda: psycopg2.connect(url))


AWKWARD = "tab\there\nnew line\r\\N backslash\\ \\t 'quote\" ; -- é"


def store_awkward_text(url, records, tmp_path, connect):
    """Text with tabs, newlines, backslashes and a literal \\N goes into the tables exactly (the
    rows are sent with COPY to PostgreSQL and by a prepared statement to SQLite); NULL stays
    NULL; a host whose key changed since the previous run is marked."""
    cisscan("history", "--store", url, "--import", records[0])
    record = json.load(open(records[1]))
    host = record["hosts"][0]
    host["reason"] = AWKWARD
    host["identity"]["host_key_sha256"] = "SHA256:replaced"
    host["results"][0]["title"] = AWKWARD
    host["results"][0].pop("original_status", None)
    crafted = tmp_path / "awkward.json"
    crafted.write_text(json.dumps(record))
    run = cisscan("history", "--store", url, "--import", str(crafted))
    assert run.code == 0, run.stderr
    conn = connect()
    try:
        cur = conn.cursor()
        cur.execute("SELECT reason, key_changed FROM hosts WHERE run_id = 'run-2' AND name = "
                    f"'{host['name']}'")
        assert cur.fetchall() == [(AWKWARD, 1)]
        cur.execute("SELECT name, key_changed FROM hosts WHERE run_id = 'run-2' AND name <> "
                    f"'{host['name']}' AND key_changed <> 0")
        assert cur.fetchall() == []
        cur.execute("SELECT title, original_status FROM results WHERE run_id = 'run-2' AND host = "
                    f"'{host['name']}' AND check_id = '{host['results'][0]['check_id']}'")
        assert cur.fetchall() == [(AWKWARD, None)]
        cur.execute("SELECT count(*) FROM results WHERE run_id = 'run-2'")
        assert cur.fetchall() == [(sum(len(h["results"]) for h in record["hosts"]),)]
    finally:
        conn.close()


def test_sqlite_store_keeps_awkward_text_exactly(records, tmp_path):
    path = tmp_path / "awkward.db"
    store_awkward_text(f"sqlite:{path}", records, tmp_path, lambda: sqlite3.connect(path))


def test_postgresql_store_keeps_awkward_text_exactly(records, postgres, tmp_path):
    url = postgres.create_database("history_awkward")
    store_awkward_text(url, records, tmp_path, lambda: psycopg2.connect(url))


def test_import_fills_every_column_from_the_record(records, tmp_path):
    """history --import parses only what the store reads: every column still matches the record."""
    path = tmp_path / "columns.db"
    assert cisscan("history", "--store", f"sqlite:{path}", "--import", records[2]).code == 0
    record = json.load(open(records[2]))
    run_id = record["run"]["id"]
    want_results = sorted(
        (run_id, h["name"], r["check_id"], r["status"], r.get("original_status"), r["title"],
         ",".join(r["safeguards"]), r["benchmark"].get("ref"))
        for h in record["hosts"] for r in h["results"])
    want_hosts = sorted(
        (run_id, h["name"], h.get("address"), h["identity"].get("host_key_sha256"),
         h["identity"].get("machine_id"), h["status"], h.get("reason"),
         record["scores"]["hosts"].get(h["name"], {}).get("ig1", {}).get("score"))
        for h in record["hosts"])
    conn = sqlite3.connect(path)
    try:
        results = sorted(conn.execute(
            "SELECT run_id, host, check_id, status, original_status, title, safeguards, "
            "benchmark_ref FROM results"))
        hosts = sorted(conn.execute(
            "SELECT run_id, name, address, host_key_sha256, machine_id, status, reason, ig1_score "
            "FROM hosts"))
        scores = dict(conn.execute("SELECT safeguard, score FROM scores"))
    finally:
        conn.close()
    assert results == want_results
    assert [h[:7] for h in hosts] == [h[:7] for h in want_hosts]
    assert [h[7] for h in hosts] == [None if s is None else float(s) for s in
                                     (h[7] for h in want_hosts)]
    assert scores == {k: v["score"] for k, v in record["scores"]["safeguards"].items()}


def test_default_sqlite_store_lives_under_xdg_state_home(records, tmp_path):
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    proc = subprocess.run([BIN, "history", "--store", "sqlite:", "--import", records[0]],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "state" / "cisscan" / "history.db").exists()


def test_migration_from_an_older_schema_version(records, tmp_path):
    path = tmp_path / "old.db"
    subprocess.run([STORE_TOOL, f"sqlite:{path}", records[0], "--schema-version", "1"],
                   check=True, capture_output=True)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM cisscan_schema").fetchone()[0] == 1
    columns = [row[1] for row in conn.execute("PRAGMA table_info(hosts)")]
    assert "key_changed" not in columns
    conn.close()
    run = cisscan("history", "--store", f"sqlite:{path}", "--import", records[1])
    assert run.code == 0, run.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM cisscan_schema").fetchone()[0] == STORE_VERSION
    assert [r[0] for r in conn.execute("SELECT id FROM runs ORDER BY started_at")] == [
        "run-1", "run-2"]
    assert "key_changed" in [row[1] for row in conn.execute("PRAGMA table_info(hosts)")]
    conn.close()
    # The run stored before version 3 (its text in runs.record) moved into record_parts.
    for run_id, record in zip(("run-1", "run-2"), records):
        exported = cisscan("history", "--store", f"sqlite:{path}", "--export", run_id)
        assert exported.code == 0 and exported.stdout == Path(record).read_text()


def test_migration_on_postgresql(records, postgres):
    url = postgres.create_database("history_migrate")
    subprocess.run([STORE_TOOL, url, records[0], "--schema-version", "1"], check=True,
                   capture_output=True)
    assert cisscan("history", "--store", url, "--import", records[1]).code == 0
    conn = psycopg2.connect(url)
    cur = conn.cursor()
    cur.execute("SELECT version FROM cisscan_schema")
    assert cur.fetchone()[0] == STORE_VERSION
    conn.close()


def scan_local(out, *extra):
    formats = [] if "--format" in extra else ["--format", "json"]
    return cisscan("scan", "--out", out, *formats, *extra, out=out)


def test_killed_mid_write_leaves_the_history_intact(records, tmp_path):
    path = tmp_path / "history.db"
    url = f"sqlite:{path}"
    for record in records[:2]:
        assert cisscan("history", "--store", url, "--import", record).code == 0
    proc = subprocess.Popen([STORE_TOOL, url, records[2], "--pause", "60"],
                            stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    assert "paused inside the store transaction" in line
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r[0] for r in conn.execute("SELECT id FROM runs ORDER BY started_at")] == [
        "run-1", "run-2"]
    assert conn.execute("SELECT COUNT(*) FROM results WHERE run_id = 'run-3'").fetchone()[0] == 0
    conn.close()
    # And the store still takes the run afterwards.
    assert cisscan("history", "--store", url, "--import", records[2]).code == 0


def test_two_writers_at_once_queue_instead_of_corrupting(records, tmp_path):
    path = tmp_path / "history.db"
    url = f"sqlite:{path}"
    assert cisscan("history", "--store", url, "--import", records[0]).code == 0
    first = subprocess.Popen([STORE_TOOL, url, records[1], "--pause", "2"],
                             stderr=subprocess.PIPE, text=True)
    assert "paused" in first.stderr.readline()
    second = subprocess.run([BIN, "history", "--store", url, "--import", records[2]],
                            capture_output=True, text=True)
    assert first.wait() == 0
    assert second.returncode == 0, second.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 3
    conn.close()


@pytest.mark.parametrize("make_store, words", [
    (lambda tmp: "mysql://db/cisscan", "expected sqlite:PATH"),
    (lambda tmp: "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2",
     "cannot connect to PostgreSQL store"),
    (lambda tmp: corrupt_file(tmp), "file is not a database"),
    (lambda tmp: newer_store(tmp), "newer than this cisscan"),
])
def test_bad_store_is_one_line_exit_2_and_the_reports_are_written(tmp_path, make_store, words):
    store = make_store(tmp_path)
    out = str(tmp_path / "out")
    run = scan_local(out, "--store", store)
    assert run.code == 2
    lines = [l for l in run.stderr.splitlines() if l.startswith("cisscan:")]
    assert len(lines) == 1 and words in lines[0], run.stderr
    assert os.path.exists(os.path.join(out, "report.json"))


def corrupt_file(tmp):
    path = tmp / "corrupt.db"
    path.write_bytes(b"this is not an SQLite database, just bytes" * 100)
    return f"sqlite:{path}"


def newer_store(tmp):
    path = tmp / "newer.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cisscan_schema (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO cisscan_schema VALUES (99)")
    conn.commit()
    conn.close()
    return f"sqlite:{path}"


def test_store_password_is_never_shown(tmp_path):
    out = str(tmp_path / "out")
    run = scan_local(out, "--store",
                     "postgresql://auditor:s3cretPassw0rd@127.0.0.1:1/x?connect_timeout=2")
    assert run.code == 2
    assert "s3cretPassw0rd" not in run.stderr
    assert "s3cretPassw0rd" not in open(os.path.join(out, "report.json")).read()


def test_scan_with_store_shows_drift_and_gates_on_regressions(tmp_path, postgres):
    url = postgres.create_database("history_scan")
    first = scan_local(str(tmp_path / "a"), "--store", url)
    assert first.code in (0, 1)
    second = scan_local(str(tmp_path / "b"), "--store", url, "--baseline", "latest",
                        "--fail-on", "new-failures", "--format", "json,html")
    assert second.code == 0, second.stderr  # nothing regressed between two scans of one host
    history = second.record["history"]
    assert history["since_last_run"]["old_run"] == first.record["run"]["id"]
    assert len(history["ig1_over_time"]) == 2
    assert "***" not in history["store"] or "@" in history["store"]
    listed = cisscan("history", "--store", url, "--format", "json")
    assert [r["id"] for r in json.loads(listed.stdout)] == [
        first.record["run"]["id"], second.record["run"]["id"]]
    html = open(tmp_path / "b" / "report.html").read()
    assert "Since the last run" in html and "Newly failing: 0" in html
    assert html.count('<circle class="point"') == 2  # the IG1 score of both stored runs
    # Without the HTML report a scan spools its hosts: its drift is still `cisscan diff`'s, and
    # the store keeps the record it wrote.
    third = scan_local(str(tmp_path / "c"), "--store", url)
    assert third.code in (0, 1), third.stderr
    diff = cisscan("diff", str(tmp_path / "b" / "report.json"), str(tmp_path / "c" / "report.json"),
                   "--format", "json")
    assert third.record["history"]["since_last_run"] == json.loads(diff.stdout)
    exported = cisscan("history", "--store", url, "--export", third.record["run"]["id"])
    assert exported.stdout == open(tmp_path / "c" / "report.json").read()


def test_baseline_latest_with_no_earlier_run(tmp_path):
    url = f"sqlite:{tmp_path / 'h.db'}"
    gate = ["--baseline", "latest", "--fail-on", "new-failures"]
    first = scan_local(str(tmp_path / "a"), "--store", url, *gate)
    assert first.code == 2, first.stderr
    assert "no run before this one" in first.stderr and "--baseline-missing pass" in first.stderr
    assert os.path.exists(tmp_path / "a" / "report.json")  # the reports were written
    # The run was stored: the next one has its baseline.
    second = scan_local(str(tmp_path / "b"), "--store", url, *gate)
    assert second.code == 0, second.stderr
    fresh = f"sqlite:{tmp_path / 'fresh.db'}"
    allowed = scan_local(str(tmp_path / "c"), "--store", fresh, *gate, "--baseline-missing", "pass")
    assert allowed.code == 0, allowed.stderr
    empty = f"sqlite:{tmp_path / 'empty.db'}"
    assert cisscan("history", "--store", empty, "--import",
                   str(tmp_path / "a" / "report.json")).code == 0
    saved = cisscan("gate", str(tmp_path / "a" / "report.json"), "--store", empty, *gate)
    assert saved.code == 2 and "no run before this one" in saved.stderr


@pytest.mark.parametrize("command", ["scan", "gate"])
def test_baseline_without_new_failures_is_a_usage_error(records, tmp_path, command):
    if command == "scan":
        run = scan_local(str(tmp_path / "out"), "--baseline", records[0])
        assert not os.path.exists(tmp_path / "out")
    else:
        run = cisscan("gate", records[1], "--baseline", records[0])
    assert run.code == 2
    assert "--baseline is read only by --fail-on new-failures" in run.stderr


def flip(tmp_path, name, changes):
    return craft(tmp_path, name, "2026-11-20T00:00:00.000Z", changes)


def test_diff_of_crafted_records(records, tmp_path):
    record = json.load(open(records[2]))
    record["hosts"] = [h for h in record["hosts"] if h["name"] != "offline"]
    record["hosts"][0]["identity"]["host_key_sha256"] = "SHA256:changed"
    record["hosts"].append(dict(record["hosts"][0], name="newcomer"))
    for host in record["hosts"]:
        host["results"] = [r for r in host["results"] if r["check_id"] != "test-forged-frame"]
    new = tmp_path / "new.json"
    new.write_text(json.dumps(record))
    run = cisscan("diff", records[0], str(new), "--format", "json")
    assert run.code == 0
    diff = json.loads(run.stdout)
    assert {(d["host"], d["check_id"]) for d in diff["newly_failing"]} == {
        ("hardened", "deb12-sshd-permit-root-login")}
    assert {(d["host"], d["check_id"]) for d in diff["newly_passing"]} == {
        ("unhardened", "deb12-sshd-permit-root-login")}
    assert diff["new_hosts"] == ["newcomer"]
    assert diff["vanished_hosts"] == ["offline"]
    assert diff["removed_checks"] == ["test-forged-frame"]
    assert diff["host_key_changed"][0]["host"] == "hardened"
    assert cisscan("diff", records[0], str(tmp_path / "missing.json")).code == 2


def test_diff_by_run_id_from_the_store(records, tmp_path):
    url = f"sqlite:{tmp_path / 'h.db'}"
    for record in records:
        cisscan("history", "--store", url, "--import", record)
    run = cisscan("diff", "run-1", "run-3", "--store", url)
    assert run.code == 0
    assert "Newly failing: 1" in run.stdout


@pytest.mark.parametrize("args, code, words", [
    ([], 1, "default gate"),
    (["--fail-under", "10"], 0, None),
    (["--fail-under", "99"], 1, "--fail-under: IG1 score"),
    (["--fail-on", "unacceptable-risk"], 1, "--fail-on unacceptable-risk"),
    (["--fail-on", "new-failures"], 2, "needs --baseline"),
    (["--baseline", "latest", "--fail-on", "new-failures"], 2, "needs --store"),
])
def test_gate_rules_on_a_saved_record(records, args, code, words):
    run = cisscan("gate", records[2], *args)
    assert run.code == code, run.stderr
    if words:
        assert words in run.stderr


def test_gate_on_regressions_only(records):
    regressed = cisscan("gate", records[2], "--baseline", records[1], "--fail-on", "new-failures")
    assert regressed.code == 1
    assert "hardened  deb12-sshd-permit-root-login  pass -> fail" in regressed.stderr
    improved = cisscan("gate", records[1], "--baseline", records[0], "--fail-on", "new-failures")
    assert improved.code == 0, improved.stderr


def test_gate_file_minimums(records, tmp_path):
    gate = tmp_path / "gate.yaml"
    gate.write_text('safeguards: {"4.8": 50}\n')
    assert cisscan("gate", records[2], "--gate", str(gate)).code == 0
    gate.write_text('safeguards: {"5.4": 100, "1.1": 10}\n')
    run = cisscan("gate", records[2], "--gate", str(gate))
    assert run.code == 1
    assert "safeguard 5.4: score" in run.stderr and "safeguard 1.1: not assessed" in run.stderr
    gate.write_text("safeguards: [1, 2]\n")
    bad = cisscan("gate", records[2], "--gate", str(gate))
    assert bad.code == 2 and f"{gate}:1:" in bad.stderr


def test_prometheus_file_passes_promtool_with_expected_series(records, tmp_path):
    out = str(tmp_path / "out")
    prom = tmp_path / "cisscan.prom"
    run = scan_local(out, "--prometheus", str(prom))
    assert run.code in (0, 1)
    text = prom.read_text()
    check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    record = run.record
    ig1 = record["scores"]["ig1"]["score"]
    # One stable series per score: no run label on scores; the run id is an info metric.
    assert re.search(r'^cisscan_ig1_score ' + re.escape(f"{ig1:g}") + "$", text, re.M)
    assert f'cisscan_run_info{{run_id="{record["run"]["id"]}"}} 1' in text
    assert not [line for line in text.splitlines()
                if "run_id=" in line and not line.startswith("cisscan_run_info")]
    for safeguard, tally in record["scores"]["safeguards"].items():
        if tally["score"] is not None:
            assert f'cisscan_safeguard_score{{safeguard="{safeguard}"}} {tally["score"]:g}' in text
    host = record["hosts"][0]
    failing = sum(1 for r in host["results"] if r["status"] == "fail")
    assert f'cisscan_host_failing_checks{{host="{host["name"]}"}} {failing}' in text
    assert "cisscan_hosts_unreachable 0" in text
    assert "cisscan_scan_duration_seconds " in text


def test_import_memory_does_not_grow_with_the_record(tmp_path):
    """history --import streams a record into the store: a record three times larger needs
    about the same memory (issue 13). Before, peak RSS was about 4.3 times the record's size."""
    make = os.path.join(SOURCE, "benchmarks", "make_record.py")
    sizes, rss = [], []
    for hosts in (110, 330):
        record = tmp_path / f"r{hosts}.json"
        subprocess.run([sys.executable, make, str(record), "--hosts", str(hosts),
                        "--run-id", f"run-{hosts}"], check=True)
        code, kib = peak_rss_kib("history", "--store", f"sqlite:{tmp_path / 'h.db'}",
                                 "--import", str(record))
        assert code == 0
        sizes.append(record.stat().st_size)
        rss.append(kib * 1024)
        exported = cisscan("history", "--store", f"sqlite:{tmp_path / 'h.db'}", "--export",
                           f"run-{hosts}")
        assert exported.stdout == record.read_text()
    assert sizes[1] - sizes[0] > 30 << 20
    assert rss[1] - rss[0] < (sizes[1] - sizes[0]) / 4, (sizes, rss)


def test_a_record_of_several_parts_round_trips_on_postgresql(postgres, tmp_path):
    url = postgres.create_database("history_parts")
    record = tmp_path / "r.json"
    subprocess.run([sys.executable, os.path.join(SOURCE, "benchmarks", "make_record.py"),
                    str(record), "--hosts", "120", "--run-id", "run-parts"], check=True)
    assert cisscan("history", "--store", url, "--import", str(record)).code == 0
    again = cisscan("history", "--store", url, "--import", str(record))
    assert again.code == 0 and "already in the store" in again.stdout
    conn = psycopg2.connect(url)
    cur = conn.cursor()
    cur.execute("SELECT COUNT(*) FROM record_parts WHERE run_id = 'run-parts'")
    assert cur.fetchone()[0] == 2
    cur.execute("SELECT COUNT(*) FROM results WHERE run_id = 'run-parts'")
    assert cur.fetchone()[0] == 120 * 300
    conn.close()
    exported = cisscan("history", "--store", url, "--export", "run-parts")
    assert exported.stdout == record.read_text()


@pytest.mark.parametrize("args", [[], ["--format", "json"], ["--export", "run-1"],
                                  ["--prune", "--keep", "30d"]])
def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path, args):
    path = tmp_path / "none" / "history.db"
    run = cisscan("history", "--store", f"sqlite:{path}", *args)
    assert run.code == 2
    assert run.stderr.strip().splitlines() == [
        f"cisscan: --store sqlite:{path}: no store at {path} (nothing has been stored there "
        "yet: scan --store or history --import makes it)"]
    assert not path.exists() and not path.parent.exists()
    # The default store too, and diff looking a run id up in it.
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    for command in (["history", *args], ["diff", "run-1", "run-2"]):
        proc = subprocess.run([BIN, *command], capture_output=True, text=True, env=env)
        assert proc.returncode == 2
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert "no store at" in proc.stderr
    assert not (tmp_path / "state").exists()


def test_importing_a_run_already_stored_says_so_in_one_line(records, tmp_path):
    url = f"sqlite:{tmp_path / 'h.db'}"
    assert cisscan("history", "--store", url, "--import", records[0]).code == 0
    run = cisscan("history", "--store", url, "--import", records[0], records[1])
    assert run.code == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[0] == f"skipped {records[0]}: run run-1 is already in the store"
    assert lines[1].startswith("imported run-2")
    assert run.stderr == ""
    listed = json.loads(cisscan("history", "--store", url, "--format", "json").stdout)
    assert [r["id"] for r in listed] == ["run-1", "run-2"]


def test_diff_reads_the_default_store_and_signs_its_deltas(records, tmp_path):
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    for record in records:
        subprocess.run([BIN, "history", "--store", "sqlite:", "--import", record], check=True,
                       capture_output=True, env=env)
    proc = subprocess.run([BIN, "diff", "run-1", "run-3"], capture_output=True, text=True,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    old, new = (json.load(open(records[i]))["scores"] for i in (0, 2))
    delta = round(new["ig1"]["score"] - old["ig1"]["score"], 1)
    sign = "+" if delta > 0 else ""
    shown = f"{sign}{delta:g}" if delta != 0 else "0"
    assert f"IG1 score: {old['ig1']['score']} -> {new['ig1']['score']} ({shown})" in proc.stdout
    for line in proc.stdout.split("Safeguard scores changed:")[1].splitlines()[1:]:
        assert re.search(r"\(([+-]\d+(\.\d)?|0)\)$", line), line
    # The same runs from their files give the same drift.
    from_files = cisscan("diff", records[0], records[2])
    assert from_files.stdout == proc.stdout


def test_diff_reports_a_changed_check_definition_apart(records, tmp_path):
    """The same host results, but the check's definition (its sha256) changed between the runs:
    the check is listed as changed, not as a host regression, from files and from the store."""
    record = json.load(open(records[2]))
    for host in record["hosts"]:
        for result in host["results"]:
            if result["check_id"] == "deb12-sshd-permit-root-login":
                result["check_sha256"] = "f" * 64
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(dict(record, run=dict(record["run"], id="run-4",
                                                        started_at="2026-11-22T00:00:00.000Z"))))
    url = f"sqlite:{tmp_path / 'h.db'}"
    for record_file in (records[1], str(changed)):
        assert cisscan("history", "--store", url, "--import", record_file).code == 0
    for args in ([records[1], str(changed)], ["run-2", "run-4", "--store", url]):
        diff = json.loads(cisscan("diff", *args, "--format", "json").stdout)
        assert [c["check_id"] for c in diff["changed_checks"]] == ["deb12-sshd-permit-root-login"]
        entry = diff["changed_checks"][0]
        assert entry["new_sha256"] == "f" * 64 and entry["old_sha256"] != entry["new_sha256"]
        assert entry["newly_failing"] == ["hardened"]
        assert [d["check_changed"] for d in diff["newly_failing"]] == [True]
        text = cisscan("diff", *args).stdout
        assert "Newly failing: 0\n" in text
        assert "Checks whose definition changed: 1\n  deb12-sshd-permit-root-login  sha256 " in text
        assert "newly failing: hardened; newly passing: none" in text


def loaded_libraries(*args):
    """The shared libraries the dynamic loader loads for one cisscan run (LD_DEBUG=files)."""
    proc = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, LD_DEBUG="files"))
    return proc.returncode, set(re.findall(r"file=(\S+) \[0\];  (?:needed by|dynamically loaded)",
                                           proc.stderr))


def test_libpq_is_loaded_only_for_a_postgresql_store(records, postgres, tmp_path):
    # Not linked: a run without a PostgreSQL store never loads libpq nor what it pulls in.
    code, libraries = loaded_libraries("history", "--store", f"sqlite:{tmp_path / 'h.db'}",
                                       "--import", records[0])
    assert code == 0
    assert "libssh.so.4" in libraries  # the loader's own list is read, not an empty one
    assert not {name for name in libraries if name.startswith(("libpq", "libgnutls", "libldap"))}
    # Loaded when a PostgreSQL store is opened, and then it works.
    url = postgres.create_database("history_loaded")
    code, libraries = loaded_libraries("history", "--store", url, "--import", records[0])
    assert code == 0
    assert "libpq.so.5" in libraries
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT id FROM runs")
        assert cursor.fetchall() == [(json.load(open(records[0]))["run"]["id"],)]
