"""Who the scan runs as, and which hosts it agrees to talk to."""
import contextlib
import json
import os
import subprocess

from conftest import BIN, cisscan, shipped_checks, testbed
from test_firewall_checks import FLEET
from test_logging_checks import FLEET as LOGGING_FLEET
from test_service_checks import FLEET as SERVICE_FLEET

ROOT_ONLY = None


def requires_root_checks(record_host):
    # pve- checks do not apply to these plain Debian hosts (test_proxmox_checks.py covers them),
    # nor deb13- checks to these Debian 12 ones (test_scan_fleet.py serves them as Debian 13).
    return {r["check_id"] for r in record_host["results"]
            if r["requires_root"] and not r["check_id"].startswith(("pve-", "deb13-"))}


def test_unprivileged_scan_never_passes_a_check_that_needs_root(bed, hosts, out):
    inventory = bed.inventory([hosts["hardened"].inventory_entry(user=testbed.AUDITOR)])
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out, out=out)
    host = run.host("hardened")
    assert host["status"] == "ok", host["reason"]
    assert host["facts"]["uid"] == str(testbed.AUDITOR_UID)
    needs_root = requires_root_checks(host)
    assert len(needs_root) >= 10
    statuses = run.statuses("hardened")
    for check in needs_root:
        assert statuses[check] != "pass", check
        # (the firewall sections the host does not use do not apply, whoever asks)
        assert statuses[check] == FLEET["hardened"].get(check, "error"), check
    # Checks that need no privilege still pass: the host is hardened.
    assert statuses["deb12-shadow-permissions"] == "pass"
    assert statuses["deb12-sysctl-aslr"] == "pass"


def test_become_sudo_raises_privilege_once(bed, hosts, out):
    inventory = bed.inventory([
        hosts["hardened"].inventory_entry(user=testbed.AUDITOR, become="sudo")])
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out, out=out)
    host = run.host("hardened")
    assert host["status"] == "ok", host["reason"]
    assert host["facts"]["uid"] == "0"
    assert host["facts"]["user"] == "root"
    assert host["become"] == "sudo"
    # Every automated check passes; the manual ones wait for an attestation; the Proxmox VE
    # checks do not apply to a plain Debian host, nor the Debian 13 ones to this Debian 12 host.
    statuses = run.statuses("hardened")
    others = ("pve-", "deb13-")  # Proxmox VE nodes only; Debian 13 only
    # The firewall sections it does not use do not apply (test_firewall_checks.py), nor the
    # journald section: it logs through rsyslog (test_logging_checks.py), nor the service-state
    # checks: no service manager runs there (test_service_checks.py).
    fleet = {**FLEET["hardened"], **LOGGING_FLEET["hardened"], **SERVICE_FLEET["hardened"]}
    assert {c: statuses[c] for c in fleet} == fleet
    assert {s for c, s in statuses.items()
            if not c.startswith(others) and c not in fleet} == {"pass", "manual"}
    assert {s for c, s in statuses.items() if c.startswith(others)} == {"not_applicable"}
    assert run.code == 0


def test_sudo_that_asks_for_a_password_is_a_host_error(bed, hosts, out):
    # The unhardened host's sudoers does not let the auditor run a shell without a password.
    inventory = bed.inventory([
        hosts["unhardened"].inventory_entry(user=testbed.AUDITOR, become="sudo"),
        hosts["hardened"].inventory_entry()])
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out, out=out)
    host = run.host("unhardened")
    assert host["status"] == "error"
    assert "sudo" in host["reason"]
    assert run.host("hardened")["status"] == "ok"
    assert run.code == 3


def test_host_key_mismatch_is_refused_before_anything_is_sent(bed, hosts, tmp_path, out):
    impostor = bed.add_host("impostor", "hardened", known=False)
    wrong = tmp_path / "known_hosts"
    # Record the hardened host's key under the impostor's address: a man in the middle.
    key = hosts["hardened"].known_hosts_line.split(" ", 1)[1]
    wrong.write_text(open(bed.known_hosts).read() + f"[127.0.0.1]:{impostor.port} {key}")
    inventory = bed.inventory([impostor.inventory_entry(), hosts["hardened"].inventory_entry()])
    run = cisscan("scan", "-i", inventory, "--known-hosts", str(wrong), "--out", out, out=out)
    host = run.host("impostor")
    assert host["status"] == "error"
    assert "does not match" in host["reason"]
    assert str(wrong) in host["reason"]
    assert run.host("hardened")["status"] == "ok"
    assert run.code == 3
    log = impostor.log_text()
    assert "userauth-request" not in log
    assert "Accepted" not in log
    assert impostor.channels_opened() == 0
    assert "does not match" in run.stderr


def test_a_hashed_known_hosts_among_many_hosts_is_checked_as_libssh_checks_it(bed, hosts, tmp_path,
                                                                                out):
    """A fleet's known_hosts, hashed as Debian's ssh writes it (HashKnownHosts), with 500 other
    hosts' lines: cisscan hands libssh only the lines that may name each host (a hashed name is
    matched by its HMAC). The right key is accepted, and a host whose hashed line holds another
    host's key is refused, nothing sent."""
    impostor = bed.add_host("impostor-hashed", "hardened", known=False)
    hardened = hosts["hardened"]
    key = hardened.known_hosts_line.split(" ", 1)[1]
    other = hosts["unhardened"].known_hosts_line.split(" ", 1)[1]
    known = tmp_path / "known_hosts"
    lines = [f"[10.9.{i // 250}.{i % 250}]:22{i % 10} {other}" for i in range(500)]
    lines.insert(250, hardened.known_hosts_line.strip())
    lines.append(f"[127.0.0.1]:{impostor.port} {key}")
    known.write_text("".join(line if line.endswith("\n") else line + "\n" for line in lines))
    testbed.run(["ssh-keygen", "-q", "-H", "-f", str(known)])
    assert known.read_text().startswith("|1|")
    inventory = bed.inventory([hardened.inventory_entry(), impostor.inventory_entry()])
    run = cisscan("scan", "-i", inventory, "--known-hosts", str(known), "--out", out, out=out)
    assert run.host("hardened")["status"] == "ok", run.host("hardened")["reason"]
    host = run.host("impostor-hashed")
    assert host["status"] == "error"
    assert "does not match" in host["reason"]
    assert str(known) in host["reason"]
    assert "userauth-request" not in impostor.log_text()
    assert impostor.channels_opened() == 0
    assert run.code == 3


def test_unknown_host_key_needs_accept_new(bed, hosts, tmp_path, out):
    stranger = bed.add_host("stranger", "hardened", known=False)
    known = tmp_path / "known_hosts"
    known.write_text("")
    inventory = bed.inventory([stranger.inventory_entry()])
    strict = cisscan("scan", "-i", inventory, "--known-hosts", str(known), "--out", out, out=out)
    assert strict.host("stranger")["status"] == "error"
    assert "is not in" in strict.host("stranger")["reason"]
    assert "Accepted" not in stranger.log_text()
    assert strict.code == 3
    trusting = cisscan("scan", "-i", inventory, "--known-hosts", str(known),
                       "--accept-new-host-keys", "--out", out, out=out)
    assert trusting.host("stranger")["status"] == "ok"
    assert trusting.code == 0
    assert f"[127.0.0.1]:{stranger.port}" in known.read_text()
    # Now recorded: a strict scan accepts it.
    again = cisscan("scan", "-i", inventory, "--known-hosts", str(known), "--out", out, out=out)
    assert again.host("stranger")["status"] == "ok"


def test_a_bad_catalog_stops_the_scan_before_any_host_is_logged_in_to(bed, tmp_path, out):
    """The first hosts' connections begin while the catalog loads (pipeline/early_connections.hpp),
    up to their key exchange and no further: a catalog that turns out bad stops the scan before
    any host is authenticated to, and before a new host key is recorded."""
    early = bed.add_host("early", "hardened", known=False)
    known = tmp_path / "known_hosts"
    known.write_text("")
    # 40,000 checks take ~0.6 s to load, far longer than a login: one begun early would have
    # logged in by the time the bad check at the end is read, were it allowed to.
    lines = ["checks:"]
    for i in range(40000):
        lines += [f"  - id: slow-{i}", f"    title: Check {i}", '    safeguards: ["4.1"]',
                  f"    probe: {{file: /etc/hostname{i}}}", "    expect: {line: '.'}"]
    lines += ["  - id: misspelt", "    title: Misspelt", '    safeguards: ["4.1"]',
              "    probe: {file: /etc/hostname}", "    expct: {line: '.'}"]
    checks = tmp_path / "slow-then-bad.yaml"
    checks.write_text("\n".join(lines) + "\n")
    run = cisscan("scan", "-i", bed.inventory([early.inventory_entry()]), "--known-hosts",
                  str(known), "--accept-new-host-keys", "--checks", str(checks), "--out", out,
                  out=out)
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown key 'expct'" in lines[0], run.stderr
    assert not os.path.exists(out)
    assert known.read_text() == ""
    log = early.log_text()
    assert "Connection from" in log, "the connection began while the catalog loaded"
    assert "userauth-request" not in log and "Accepted" not in log
    assert early.channels_opened() == 0


def test_missing_identity_file_is_that_hosts_error(bed, hosts, out):
    inventory = bed.inventory([
        hosts["hardened"].inventory_entry(identity_file="/nonexistent/key"),
        hosts["unhardened"].inventory_entry()])
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out, out=out)
    host = run.host("hardened")
    assert host["status"] == "error"
    assert "/nonexistent/key" in host["reason"]
    assert run.host("unhardened")["status"] == "ok"
    assert run.code == 3


def test_refused_key_is_an_authentication_error(bed, hosts, tmp_path, out):
    other_key = tmp_path / "other_key"
    testbed.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other_key)])
    inventory = bed.inventory([hosts["hardened"].inventory_entry(identity_file=str(other_key))])
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out, out=out)
    host = run.host("hardened")
    assert host["status"] == "error"
    assert "authentication" in host["reason"]
    assert run.code == 3


@contextlib.contextmanager
def ssh_agent(tmp_path):
    """A private ssh-agent of this test; yields its socket's path."""
    sock = str(tmp_path / "agent.sock")
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", sock], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            testbed.time.sleep(0.05)
        yield sock
    finally:
        agent.terminate()
        agent.wait()


def test_ssh_agent_authentication(bed, hosts, out, tmp_path):
    with ssh_agent(tmp_path) as sock:
        env = dict(os.environ, SSH_AUTH_SOCK=sock)
        testbed.subprocess.run(["ssh-add", "-q", bed.client_key], env=env, check=True)
        entry = hosts["hardened"].inventory_entry()
        inventory = tmp_path / "inventory.yaml"
        inventory.write_text(
            f"defaults: {{user: root}}\n"
            f"hosts:\n  - {{name: {entry['name']}, address: {entry['address']}, "
            f"port: {entry['port']}, roles: [{', '.join(entry.get('roles', []))}]}}\n")
        proc = testbed.subprocess.run(
            [os.environ.get("CISSCAN_BIN", "cisscan"), "scan", "-i", str(inventory),
             "--known-hosts", bed.known_hosts, "--out", out], env=env, capture_output=True,
            text=True)
        assert proc.returncode == 0, proc.stderr


def test_a_key_with_a_passphrase_goes_through_the_agent_or_says_why_not(bed, hosts, out,
                                                                         tmp_path):
    """cisscan never asks for a passphrase. An encrypted identity file is used through ssh-agent
    (which holds it once ssh-add unlocked it); without an agent the reason says so, apart from a
    file that is no key at all."""
    key = tmp_path / "locked_key"
    testbed.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "correct horse", "-f", str(key)])
    authorized = os.path.join(hosts["hardened"].dir, "authorized_keys", "root")
    with open(authorized, "a") as f:
        f.write((tmp_path / "locked_key.pub").read_text())
    not_a_key = tmp_path / "not_a_key"
    not_a_key.write_text("hello\n")
    entry = hosts["hardened"].inventory_entry
    inventory = bed.inventory([entry(identity_file=str(key)),
                               entry(name="no-key", identity_file=str(not_a_key))])
    env = {k: v for k, v in os.environ.items() if k != "SSH_AUTH_SOCK"}
    proc = testbed.subprocess.run([BIN, "scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                                   "--out", out], env=env, capture_output=True, text=True)
    assert proc.returncode == 3, proc.stderr
    record = json.load(open(os.path.join(out, "report.json")))
    reasons = {h["name"]: h["reason"] for h in record["hosts"]}
    assert "has a passphrase and no ssh-agent is running" in reasons["hardened"]
    assert "ssh-add" in reasons["hardened"]
    assert reasons["no-key"].endswith("is not a private key libssh can read")

    with ssh_agent(tmp_path) as sock:
        env["SSH_AUTH_SOCK"] = sock
        inventory = bed.inventory([entry(identity_file=str(key))])
        empty = testbed.subprocess.run([BIN, "scan", "-i", inventory, "--known-hosts",
                                        bed.known_hosts, "--out", out], env=env,
                                       capture_output=True, text=True)
        assert empty.returncode == 3
        record = json.load(open(os.path.join(out, "report.json")))
        assert "has a passphrase; is it loaded (ssh-add -l)?" in record["hosts"][0]["reason"]
        testbed.subprocess.run(["ssh-keygen", "-y", "-P", "correct horse", "-f", str(key)],
                               check=True, capture_output=True)
        askpass = tmp_path / "askpass"
        askpass.write_text("#!/bin/sh\necho 'correct horse'\n")
        askpass.chmod(0o700)
        testbed.subprocess.run(["ssh-add", "-q", str(key)], check=True, stdin=subprocess.DEVNULL,
                               env=dict(env, SSH_ASKPASS=str(askpass),
                                        SSH_ASKPASS_REQUIRE="force", DISPLAY=":0"))
        proc = testbed.subprocess.run([BIN, "scan", "-i", inventory, "--known-hosts",
                                       bed.known_hosts, "--out", out], env=env,
                                      capture_output=True, text=True)
        assert proc.returncode in (0, 1), proc.stderr
        record = json.load(open(os.path.join(out, "report.json")))
        assert record["hosts"][0]["status"] == "ok"
