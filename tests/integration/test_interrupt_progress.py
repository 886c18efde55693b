"""SIGINT in the middle of a run, and the progress line that only a terminal gets."""
import os
import pty
import select
import signal
import subprocess
import time

import pytest

from conftest import BIN, Run, validate_record


@pytest.fixture(scope="module")
def stuck(bed):
    """A host that accepts the login and then never answers."""
    return bed.add_host("stuck", sshd_extra="ForceCommand sleep 600\n")


def start_scan(bed, entries, out, *extra, stderr=subprocess.PIPE):
    inventory = bed.inventory(entries)
    return subprocess.Popen([BIN, "scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                             "--out", out, "--format", "json,junit,html,md,csv", *extra],
                            stdout=subprocess.PIPE, stderr=stderr, text=True)


def wait_for_login(host, before, proc):
    """Until `host`'s sshd has accepted one more login than `before` (the scan reached it)."""
    while host.log_text().count("Accepted publickey") <= before:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)


def test_sigint_mid_run_writes_a_valid_record_of_everything(bed, hosts, stuck, out):
    before = stuck.log_text().count("Accepted publickey")
    proc = start_scan(bed, [stuck.inventory_entry(), hosts["hardened"].inventory_entry(),
                            hosts["unhardened"].inventory_entry()], out, "--jobs", "1")
    wait_for_login(stuck, before, proc)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    run = Run(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), out)
    assert run.code == 3, stderr
    validate_record(run.record)
    assert "interrupted" in stderr
    host = run.host("stuck")
    assert host["status"] == "error" and "interrupted" in host["reason"]
    # --jobs 1: the other two had not started; they are in the record, not scanned.
    for name in ("hardened", "unhardened"):
        other = run.host(name)
        assert other["status"] == "error"
        assert "stopped before this host" in other["reason"]
    names = sorted(os.listdir(out))
    assert names == ["findings.csv", "report.html", "report.json", "report.md", "report.xml"]


def test_a_second_signal_exits_at_once(bed, stuck, out):
    before = stuck.log_text().count("Accepted publickey")
    proc = start_scan(bed, [stuck.inventory_entry()], out, "--host-timeout", "600")
    wait_for_login(stuck, before, proc)
    # Both signals before the scanner's host loop can notice the first one.
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 3
    assert "exiting at once" in stderr


def read_all(fd, proc):
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_goes_to_a_terminal_only(bed, hosts, tmp_path):
    entries = [hosts["hardened"].inventory_entry(), hosts["unhardened"].inventory_entry()]
    master, slave = pty.openpty()
    proc = start_scan(bed, entries, str(tmp_path / "tty"), stderr=slave)
    os.close(slave)
    text = read_all(master, proc)
    proc.wait(timeout=120)
    os.close(master)
    assert proc.returncode == 1
    assert "of 2 hosts done" in text
    assert "\r\x1b[K" in text
    piped = start_scan(bed, entries, str(tmp_path / "pipe"))
    _, stderr = piped.communicate(timeout=120)
    assert piped.returncode == 1
    assert "hosts done" not in stderr and "\r" not in stderr
    assert "host hardened: ok" in stderr  # plain log lines instead
    quiet = start_scan(bed, entries, str(tmp_path / "quiet"), "-q")
    _, stderr = quiet.communicate(timeout=120)
    assert "hosts done" not in stderr and "host hardened" not in stderr and "info:" not in stderr
