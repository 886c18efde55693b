"""Planted secrets (password hashes in shadow and gshadow, private keys) appear in no report, record or log."""
import os

from conftest import SOURCE, cisscan, testbed


def private_key_lines(path):
    lines = open(path).read().splitlines()
    return [line for line in lines if line and "PRIVATE KEY" not in line]


def test_planted_secrets_never_reach_reports_or_logs(bed, hosts, out):
    inventory = bed.inventory([hosts["hardened"].inventory_entry(),
                               hosts["unhardened"].inventory_entry()])
    run = cisscan("-v", "scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                  "--checks", os.path.join(SOURCE, "checks"),
                  "--checks", os.path.join(os.path.dirname(__file__), "data", "secrets-checks.yaml"),
                  "--out", out, out=out)
    host = run.host("hardened")
    statuses = run.statuses("hardened")
    # The dumps ran and were judged on their (redacted) output.
    assert statuses["test-dump-shadow"] == "pass"
    assert statuses["test-dump-host-key"] == "pass"
    assert statuses["test-dump-gshadow"] == "pass"
    assert statuses["test-shadow-line-observed"] == "fail"
    observed = next(r for r in host["results"] if r["check_id"] == "test-shadow-line-observed")
    assert observed["observed"].startswith("alice:$6$<redacted>")
    everything = run.files_text()
    secret_part = testbed.PLANTED_HASH.split("$")[-1]
    assert secret_part not in everything
    assert testbed.PLANTED_DES_HASH not in everything
    for line in private_key_lines("/etc/ssh/ssh_host_ed25519_key"):
        assert line not in everything
    for line in private_key_lines(bed.client_key):
        assert line not in everything
