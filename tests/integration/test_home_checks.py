"""Interactive users' homes (7.2.9) and their dot files (7.2.10), the same in both benchmarks,
judged on test hosts whose homes are real folders in /home, made by the test bed (`homes` in
tests/testbed/README.md) and served as Debian 12 and as Debian 13.

`homes` keeps them as the benchmark wants, with what a careless probe gets wrong (a home whose
path holds a space, dot files below sub-folders, symbolic links out of a home, accounts whose
shell is /bin/false or nologin although /etc/shells lists it); `homes-bad` has each way to fail.
The fleet's hardened and unhardened hosts carry the same two checks (test_scan_fleet.py).
"""
import pytest

from conftest import cisscan, testbed

CHECKS = ["deb-home-folders", "deb-home-dot-files"]
RELEASES = ["12", "13"]
HOSTS = ["homes", "homes-bad"]

AUDITOR = testbed.AUDITOR
BAD_HOMES = {
    "mode alice 755 /home/alice",
    f"owner {AUDITOR} root /home/{AUDITOR}",
    f"mode {AUDITOR} 770 /home/{AUDITOR}",
    "missing spacey /home/with space/spacey",
}
BAD_DOT_FILES = {
    "alice forbidden /home/alice/.forward",
    "alice forbidden /home/alice/.rhosts",
    "alice access 640 alice:alice /home/alice/.netrc",
    "alice access 644 alice:alice /home/alice/.bash_history",
    "alice access 664 alice:alice /home/alice/.bashrc",
    "alice access 644 root:root /home/alice/.profile",
    f"alice access 644 alice:{AUDITOR} /home/alice/.gitconfig",
    "alice access 755 alice:alice /home/alice/.xsession",
    "alice access 666 alice:alice /home/alice/.config/app/.token",
}
# Planted in the .netrc and .forward files: what they say must never reach a report.
CONTENT = ["PLANTED-NETRC-SECRET", "elsewhere@example.org"]


def scan(bed, hosts, out, **entry):
    inventory = bed.inventory([h.inventory_entry(**entry) for h in hosts])
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--only", "deb-home-*", "--out", out, "--format", "json", out=out)
    assert run.code in (0, 1), run.stderr
    return run


@pytest.fixture(scope="module")
def home_hosts(bed):
    return {(name, release): bed.add_host(f"home-{name}-{release}", name, release=release)
            for name in HOSTS for release in RELEASES}


@pytest.fixture(scope="module")
def home_run(bed, home_hosts, tmp_path_factory):
    return scan(bed, home_hosts.values(), str(tmp_path_factory.mktemp("homes") / "out"))


def result(run, name, check):
    return next(r for r in run.host(name)["results"] if r["check_id"] == check)


def probe_lines(run, name, check):
    """The lines the check's probe printed on the host: one per problem found."""
    host = run.host(name)
    probe_id = result(run, name, check)["probe_ids"][0]
    output = next(p for p in host["probes"] if p["id"] == probe_id)["output"]
    return output.splitlines()


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("name,status", [("homes", "pass"), ("homes-bad", "fail")])
def test_passes_where_homes_are_kept_and_fails_where_not(home_run, check, release, name, status):
    r = result(home_run, f"home-{name}-{release}", check)
    assert r["status"] == status, r
    assert home_run.host(f"home-{name}-{release}")["facts"]["os_version_id"] == release
    assert {b["id"] for b in r["benchmarks"]} == {"cis-debian12", "cis-debian13"}, r


@pytest.mark.parametrize("release", RELEASES)
def test_kept_homes_give_no_finding(home_run, release):
    # Nothing from the links to /etc (/etc/.pwd.lock is root's) or /dev/null, nor from the
    # accounts that cannot log in, nor from notes.txt (0666, but not a dot file).
    for check in CHECKS:
        assert probe_lines(home_run, f"home-homes-{release}", check) == [], check


@pytest.mark.parametrize("release", RELEASES)
def test_each_bad_home_is_listed(home_run, release):
    assert set(probe_lines(home_run, f"home-homes-bad-{release}", "deb-home-folders")) == BAD_HOMES


@pytest.mark.parametrize("release", RELEASES)
def test_each_bad_dot_file_is_listed_and_a_long_list_is_cut(home_run, release):
    lines = probe_lines(home_run, f"home-homes-bad-{release}", "deb-home-dot-files")
    assert {line for line in lines if line.startswith("alice ")} == BAD_DOT_FILES
    # 25 world-writable dot files in the auditor's home: 20 listed, the rest counted.
    auditor = [line for line in lines if line.startswith(f"{AUDITOR} ")]
    assert len(auditor) == 21, auditor
    assert auditor[-1] == f"{AUDITOR} more 5"
    assert all(line.startswith(f"{AUDITOR} access 666 {AUDITOR}:{AUDITOR} /home/{AUDITOR}/.f")
               for line in auditor[:-1]), auditor
    # The accounts without a login shell (svc: nologin, parked: /bin/false) are not judged.
    assert len(lines) == len(BAD_DOT_FILES) + 21, lines


def test_no_dot_file_content_reaches_a_report(home_run):
    text = home_run.files_text()
    for planted in CONTENT:
        assert planted not in text


def test_homes_are_judged_without_root_and_dot_files_are_an_error(bed, home_hosts, tmp_path):
    """The auditor without sudo: the homes themselves need only a look at their folders (the
    same verdicts); the dot files in other users' homes need root, and say so."""
    hosts = [home_hosts[(name, "12")] for name in HOSTS]
    run = scan(bed, hosts, str(tmp_path / "out"), user=AUDITOR)
    for name, status in (("homes", "pass"), ("homes-bad", "fail")):
        host = f"home-{name}-12"
        assert run.host(host)["facts"]["uid"] == str(testbed.AUDITOR_UID)
        assert result(run, host, "deb-home-folders")["status"] == status
        dot_files = result(run, host, "deb-home-dot-files")
        assert dot_files["status"] == "error", dot_files
        assert f"uid {testbed.AUDITOR_UID}" in dot_files["reason"], dot_files
    assert set(probe_lines(run, "home-homes-bad-12", "deb-home-folders")) == BAD_HOMES


def test_root_login_shell_never_runs_beside_the_walk_of_the_homes(bed, tmp_path):
    """Root's .profile on `root-login-writes` leaves a 0755 dot file in /root for two seconds.
    Its login shell (root's PATH) and the homes' walks share one lane (`lane: homes`), so the
    walk never sees the file: in lanes of their own the walk would run inside those seconds."""
    host = bed.add_host("home-root-login", "root-login-writes", release="12")
    inventory = bed.inventory([host.inventory_entry()])
    out = str(tmp_path / "out")
    run = cisscan("scan", "--inventory", inventory, "--known-hosts", bed.known_hosts,
                  "--only", "deb-home-*", "--only", "deb-root-path-integrity", "--probe-lanes", "2",
                  "--out", out, "--format", "json", out=out)
    assert run.code in (0, 1), run.stderr
    assert result(run, "home-root-login", "deb-root-path-integrity")["status"] == "pass"
    assert probe_lines(run, "home-root-login", "deb-home-dot-files") == []
    assert result(run, "home-root-login", "deb-home-dot-files")["status"] == "pass"

