"""The fault matrix (issue 13): one test per way a host or the scanner's machine can go wrong.

Every host row is a host of one scan beside two healthy hosts, so each row also shows that the
healthy hosts are complete whatever the others did at the same time. Each row says what the
record says of the faulty host.

| row                     | the host                                     | the record says            |
|-------------------------|----------------------------------------------|----------------------------|
| dead                    | nothing listens on its port                  | unreachable, refused       |
| hangs after accept      | accepts TCP, never speaks                    | timeout or unreachable     |
| drops mid-stream        | dies inside the third probe's frame          | error, ended early         |
| host key mismatch       | another host's key is recorded for it        | error, does not match      |
| auth failure            | refuses the scanner's key                    | error, authentication      |
| refuses sessions        | logs in, refuses every session channel       | error, cannot open channel |
| 50 MB output            | 50 MB inside one probe                       | ok, that probe truncated   |
| binary output           | every byte value in every probe              | ok, reports valid          |
| forged frames           | frames of another boundary in every probe    | ok, nothing forged counted |
| injected frame          | a frame, real boundary, of no probe          | error, names the frame     |
| repeated frame          | a probe's frame twice, real boundary         | error, names the frame     |
| frame flood             | endless well-formed frames                   | error, stopped reading     |
| hostile stderr          | secrets and escapes on stderr                | error, redacted            |
| hostile HTML            | markup in every probe                        | ok, escaped in the HTML    |
| disk full               | (the scanner's output folder is full)        | exit 2, old reports whole  |

SIGINT mid-run: test_interrupt_progress.py; crash mid-history-write:
test_history.py::test_killed_mid_write_leaves_the_history_intact. Both run real scans too."""
import json
import os
import re
import socket
import subprocess
import threading

import pytest

from conftest import BIN, SOURCE, Run, testbed, validate_record

HOSTILE = os.path.join(SOURCE, "tests", "testbed", "hostile")
HEALTHY = ("hardened", "unhardened")


def force(command):
    return f"ForceCommand {command}\n"


@pytest.fixture(scope="module")
def silent_listener():
    """A TCP port that accepts and then says nothing, for ever."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for conn in held:
        conn.close()


@pytest.fixture(scope="module")
def matrix(bed, hosts, silent_listener, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix")
    mangled = {name: bed.add_host(name, "hardened",
                                  sshd_extra=force(f"{HOSTILE}/mangle {name.split('-')[0]}"))
               for name in ("drop-mid-stream", "big-output", "binary-output", "forged-frames",
                            "inject-frame", "repeat-frame", "html-output")}
    flood = bed.add_host("frame-flood", "hardened", sshd_extra=force(f"{HOSTILE}/flood-frames"))
    stderr = bed.add_host("hostile-stderr", "hardened", sshd_extra=force(
        f"env PLANTED='{testbed.PLANTED_HASH}' {HOSTILE}/stderr-secrets"))
    refuses = bed.add_host("refuses-sessions", "hardened", sshd_extra="Match all\n  MaxSessions 0\n")
    impostor = bed.add_host("key-mismatch", "hardened", known=False)
    other_key = tmp / "other_key"
    testbed.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other_key)])
    known = tmp / "known_hosts"
    key = hosts["hardened"].known_hosts_line.split(" ", 1)[1]
    known.write_text(open(bed.known_hosts).read() + f"[127.0.0.1]:{impostor.port} {key}")
    entries = [hosts[name].inventory_entry() for name in HEALTHY]
    entries += [host.inventory_entry() for host in mangled.values()]
    entries += [flood.inventory_entry(), stderr.inventory_entry(), impostor.inventory_entry(),
                refuses.inventory_entry(),
                hosts["hardened"].inventory_entry(name="auth-failure",
                                                  identity_file=str(other_key)),
                {"name": "dead", "address": "127.0.0.1", "port": testbed.free_port()},
                {"name": "hangs-after-accept", "address": "127.0.0.1", "port": silent_listener}]
    inventory = bed.inventory(entries)
    out = str(tmp / "out")
    proc = subprocess.run([BIN, "scan", "-i", inventory, "--known-hosts", str(known),
                           "--connect-timeout", "3", "--host-timeout", "300", "--jobs", "8", "--out", out,
                           "--format", "json,junit,html,md,csv"],
                          capture_output=True, text=True, timeout=900)
    run = Run(proc, out)
    validate_record(run.record)
    return run


def faulty(run, name, status, *words):
    """The faulty host's status and reason, and the healthy hosts complete beside it."""
    host = run.host(name)
    assert host["status"] in status, (name, host["status"], host.get("reason"))
    for word in words:
        assert word in host["reason"], (name, host["reason"])
    for healthy in HEALTHY:
        other = run.host(healthy)
        assert other["status"] == "ok", (healthy, other.get("reason"))
        assert not [r for r in other["results"] if r["status"] == "error"], healthy
    assert run.code == 3, run.stderr
    return host


def probes(host):
    return [p for p in host["probes"] if p["id"].startswith("p-")]


def test_dead(matrix):
    faulty(matrix, "dead", ("unreachable",), "refused")


def test_hangs_after_accept(matrix):
    faulty(matrix, "hangs-after-accept", ("timeout", "unreachable"))


def test_drops_mid_stream(matrix):
    host = faulty(matrix, "drop-mid-stream", ("error",), "ended early")
    # Checks whose probes came back before the drop are judged; the rest are errors, and no
    # verdict rests on a probe that did not come back whole.
    whole = {p["id"] for p in host["probes"] if p.get("complete")}
    judged = [r for r in host["results"] if r["status"] in ("pass", "fail")]
    assert judged and all(set(r["probe_ids"]) <= whole for r in judged)
    assert [r for r in host["results"] if r["status"] == "error"]


def test_host_key_mismatch(matrix):
    faulty(matrix, "key-mismatch", ("error",), "does not match")


def test_auth_failure(matrix):
    faulty(matrix, "auth-failure", ("error",), "authentication")


def test_refuses_sessions(matrix):
    # The channel is opened without blocking (ssh_session.cpp: open_session_channel): a refusal
    # still ends that host with libssh's reason, and the session is left as it was found.
    host = faulty(matrix, "refuses-sessions", {"error"}, "cannot open a channel")
    assert host["stats"]["channels"] == 0, host["stats"]
    assert all(r["status"] == "error" for r in host["results"])


def test_50_mb_output(matrix):
    host = faulty(matrix, "big-output", ("ok",))
    cut = [p for p in probes(host) if p.get("truncated")]
    assert len(cut) == 1 and cut[0]["output_bytes"] > 50 * 1024 * 1024
    assert os.path.getsize(os.path.join(matrix.out, "report.json")) < 20 * 1024 * 1024


def test_binary_output(matrix):
    host = faulty(matrix, "binary-output", ("ok",))
    assert all(p.get("complete", True) for p in probes(host))
    # The record is valid JSON of valid UTF-8 (validated by the fixture); no NUL in any report.
    assert "\x00" not in matrix.files_text()


def test_forged_frames(matrix):
    host = faulty(matrix, "forged-frames", ("ok",))
    assert "p-0" not in {p["id"] for p in host["probes"]}
    twin = {r["check_id"]: r["status"] for r in matrix.host("hardened")["results"]}
    assert len(host["results"]) == len(twin)


def test_injected_frame(matrix):
    faulty(matrix, "inject-frame", ("error",), "p-000000000000")


def test_repeated_frame(matrix):
    host = faulty(matrix, "repeat-frame", ("error",))
    assert "out of the script's order" in host["reason"]


def test_frame_flood(matrix):
    faulty(matrix, "frame-flood", ("error",), "stopped reading")


def test_hostile_stderr(matrix):
    faulty(matrix, "hostile-stderr", ("error",), "<redacted>")
    everything = matrix.files_text() + matrix.stderr
    assert testbed.PLANTED_HASH.split("$")[-1] not in everything
    assert "U1RERVJSU0VDUkVUS0VZQk9EWQ" not in everything
    assert "\x1b" not in matrix.stderr


def test_hostile_html(matrix):
    faulty(matrix, "html-output", ("ok",))
    html = open(os.path.join(matrix.out, "report.html"), encoding="utf-8").read()
    assert "<script>alert('owned')" not in html
    assert "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(" in html


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts a small tmpfs")
def test_disk_full(bed, hosts, tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(full)], check=True)
    try:
        out = full / "out"
        out.mkdir()
        old = {"report.json": '{"old": true}', "report.xml": "<old/>"}
        for name, text in old.items():
            (out / name).write_text(text)
        inventory = bed.inventory([hosts[name].inventory_entry() for name in HEALTHY])
        proc = subprocess.run([BIN, "scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                               "--out", str(out), "--format", "json,junit,html"],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 2, proc.stderr
        lines = [line for line in proc.stderr.splitlines() if line.startswith("cisscan:")]
        assert any("No space left" in line and str(out) in line for line in lines), proc.stderr
        for name, text in old.items():
            assert (out / name).read_text() == text
        assert sorted(os.listdir(out)) == sorted(old)
        # What was scanned is not lost: the record went to the temporary folder.
        rescued = re.search(r"the record was saved as (\S+\.json)", proc.stderr).group(1)
        with open(rescued) as f:
            record = json.load(f)
        os.unlink(rescued)
        validate_record(record)
        assert sorted(h["name"] for h in record["hosts"]) == sorted(HEALTHY)
    finally:
        subprocess.run(["umount", "-l", str(full)], check=False)
