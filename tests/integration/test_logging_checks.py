"""The journald section of the benchmarks (Debian 12 6.1.2.x, Debian 13 6.1.1.x): it applies
where rsyslog is not installed (`applies: {not_packages: [rsyslog]}`), so its checks are judged on
hosts of their own, served as each release.

The standing hosts of the fleet test log through rsyslog: there the journald section is
not_applicable, and FLEET says so for both releases (test_scan_fleet.py asserts it). Here
`journald` is a host set up as the benchmark asks and `journald-bad` one whose settings are
overridden by later drop-ins; both spread their settings over the main file, drop-ins in /etc
and /usr/lib, so only a check that reads them as journald layers them gets both right.
"""
import pytest

from conftest import cisscan

# check -> (a host where it passes, a host where it fails)
CASES = {
    "deb-journald-forward-to-syslog-off": ("journald", "journald-bad"),
    "deb-journald-compress": ("journald", "journald-bad"),
    "deb-journald-storage-persistent": ("journald", "journald-bad"),
    "deb-journal-remote-installed": ("journald", "journald-bad"),
}

# What the fleet's standing hosts (rsyslog installed, both releases) give for these checks.
FLEET = {name: {c: "not_applicable" for c in CASES} for name in ("hardened", "unhardened")}

# The rsyslog side, which does not apply where rsyslog is not installed.
RSYSLOG = ["deb12-rsyslog-file-create-mode", "deb12-rsyslog-no-remote-input",
           "deb12-journald-forward-to-rsyslog"]

RELEASES = ["12", "13"]
HOSTS = sorted({host for pair in CASES.values() for host in pair})


@pytest.fixture(scope="module")
def logging_run(bed, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("logging") / "out")
    hosts = [bed.add_host(f"log-{name}-{release}", name, release=release)
             for name in HOSTS for release in RELEASES]
    inventory = bed.inventory([h.inventory_entry() for h in hosts])
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--only", "deb-journal*", "--only", "deb12-journald-*",
                  "--only", "deb12-rsyslog-*", "--out", out, "--format", "json", out=out)
    assert run.code in (0, 1), run.stderr
    return run


def result(run, host, release, check):
    return next(r for r in run.host(f"log-{host}-{release}")["results"]
                if r["check_id"] == check)


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("check", sorted(CASES))
@pytest.mark.parametrize("side,status", [(0, "pass"), (1, "fail")], ids=["set-up", "not-set-up"])
def test_passes_where_journald_is_set_up_and_fails_where_not(logging_run, check, release, side,
                                                             status):
    host = CASES[check][side]
    r = result(logging_run, host, release, check)
    assert r["status"] == status, (host, r)
    assert logging_run.host(f"log-{host}-{release}")["facts"]["os_version_id"] == release


def test_each_check_names_both_benchmarks(logging_run):
    for check in CASES:
        r = result(logging_run, "journald", "13", check)
        assert {b["id"] for b in r["benchmarks"]} == {"cis-debian12", "cis-debian13"}, r


def test_the_effective_value_and_its_file_are_the_evidence(logging_run):
    good = result(logging_run, "journald", "12", "deb-journald-forward-to-syslog-off")
    # The /etc drop-in hides the one of the same name in /usr/lib.
    assert "ForwardToSyslog=no (/etc/systemd/journald.conf.d/syslog.conf)" in good["observed"]
    bad = result(logging_run, "journald-bad", "12", "deb-journald-forward-to-syslog-off")
    # syslog.conf sorts after 10-cis.conf, whichever folder it is in.
    assert "ForwardToSyslog=yes (/usr/lib/systemd/journald.conf.d/syslog.conf)" in bad["observed"]
    storage = result(logging_run, "journald-bad", "13", "deb-journald-storage-persistent")
    assert "Storage=volatile (/etc/systemd/journald.conf.d/90-local.conf)" in storage["observed"]


def test_rsyslog_section_does_not_apply_without_rsyslog(logging_run):
    # On `journald` rsyslog's configuration is left (dpkg's rc): not installed.
    for host in HOSTS:
        for check in RSYSLOG:
            r = result(logging_run, host, "12", check)
            assert (r["status"], r["reason"]) == (
                "not_applicable", "package rsyslog is not installed"), (host, r)


def test_an_unread_package_list_makes_package_conditions_errors(bed, tmp_path):
    """On a host whose dpkg database is corrupt, the journald checks (rsyslog not installed) and
    the rsyslog ones (installed) cannot be decided: each is an error naming why, not a silent
    not_applicable; a check that a package is absent is an error, not a pass; a check without a
    package condition is judged as anywhere."""
    host = bed.add_host("log-dpkg-broken", "dpkg-broken")
    out = str(tmp_path / "out")
    run = cisscan("scan", "--inventory", bed.inventory([host.inventory_entry()]),
                  "--known-hosts", bed.known_hosts, "--only", "deb-journal*",
                  "--only", "deb12-rsyslog-*", "--only", "deb12-shadow-group-empty",
                  "--only", "deb12-pkg-telnet-absent", "--only", "deb-mta-local-only",
                  "--only", "deb12-svc-autofs-not-in-use",
                  "--out", out, "--format", "json", out=out)
    assert run.code in (0, 1), run.stderr
    results = {r["check_id"]: r for r in run.host("log-dpkg-broken")["results"]}
    assert run.host("log-dpkg-broken")["status"] == "ok"
    for check in list(CASES) + ["deb12-rsyslog-file-create-mode", "deb12-rsyslog-no-remote-input"]:
        assert results[check]["status"] == "error", results[check]
        assert "installed packages could not be read" in results[check]["reason"]
    assert results["deb12-shadow-group-empty"]["status"] == "pass"
    # "telnet is not installed" is not answered from the failed package list (every package
    # would read absent): its own probe asks dpkg-query, which cannot tell either.
    assert results["deb12-pkg-telnet-absent"]["status"] == "error", results["deb12-pkg-telnet-absent"]
    assert results["deb12-pkg-telnet-absent"]["reason"].endswith(
        "(the installed packages could not be read)"), results["deb12-pkg-telnet-absent"]
    # A command probe's `packages:` lines are not printed from the failed list either: the
    # probe's own dpkg-query cannot read the database (exit 2), so "autofs is not installed,
    # or its units are off" is an error, not a pass.
    autofs = results["deb12-svc-autofs-not-in-use"]
    assert (autofs["status"], autofs["reason"]) == (
        "error", "the command exited 2: the installed packages could not be read"), autofs
    # Without postconf, the MTA check asks dpkg whether postfix is installed: unknown here.
    assert results["deb-mta-local-only"]["status"] == "error", results["deb-mta-local-only"]
