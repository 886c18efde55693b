"""Stock Debian root filesystems that nobody tuned (debootstrap minbase plus openssh-server,
tests/testbed/rootfs.py), served over SSH and scanned with the whole shipped catalog: no
`error` result, and every verdict is what the benchmark says for an untuned install, as written
down once in data/stock-SUITE.expected. A verdict that today's check gets wrong keeps the right
one in the list, marked `# xfail: why`, and its test here is an expected failure.
After a catalog change, tests/testbed/expected-verdicts SUITE prints the list to diff against.
"""
import os

import pytest

from conftest import HERE, cisscan

import rootfs
import verdicts

SUITES = ["debian12", "debian13"]


def expected_path(suite):
    return os.path.join(HERE, "data", f"stock-{suite}.expected")


EXPECTED = {suite: verdicts.parse(expected_path(suite)) for suite in SUITES}


@pytest.fixture(scope="module")
def stock_run(bed, tmp_path_factory):
    """suite -> the scan of its stock host, each built, served and scanned once."""
    runs = {}

    def scan(suite):
        if suite not in runs:
            try:
                path, _ = rootfs.stock_rootfs(rootfs.SUITES[suite])
            except rootfs.BuildError as e:
                runs[suite] = e
            else:
                host = bed.adopt(rootfs.RootfsHost(bed, f"stock-{suite}", path))
                out = str(tmp_path_factory.mktemp(f"stock-{suite}") / "out")
                runs[suite] = cisscan("scan", "--inventory", bed.inventory(
                    [host.inventory_entry()]), "--known-hosts", bed.known_hosts,
                    "--profile", "level2-server", "--out", out, "--format", "json", out=out)
        run = runs[suite]
        if isinstance(run, rootfs.BuildError):
            if suite == "debian12":
                pytest.fail(f"the stock Debian 12 root filesystem cannot be built: {run}")
            pytest.skip(f"this machine cannot build the stock {suite} root filesystem: {run}")
        return run

    return scan


def scanned(run, suite):
    return run.host(f"stock-{suite}")


@pytest.mark.parametrize("suite", SUITES)
def test_stock_host_is_scanned_completely_without_errors(stock_run, suite):
    run = stock_run(suite)
    assert run.code in (0, 1), run.stderr
    host = scanned(run, suite)
    assert host["status"] == "ok", host.get("reason")
    assert host["facts"]["os_version_id"] == suite.replace("debian", "")
    errors = [f"{r['check_id']}: {r.get('reason', '')} (observed {r.get('observed', '')!r})"
              for r in host["results"] if r["status"] == "error"]
    assert errors == []


@pytest.mark.parametrize("suite", SUITES)
def test_stock_host_gets_exactly_the_listed_checks(stock_run, suite):
    """Every check of the catalog has its line, and every line its check; the verdicts that no
    xfail covers match. On a mismatch: tests/testbed/expected-verdicts SUITE, then justify."""
    run = stock_run(suite)
    got = verdicts.statuses(scanned(run, suite))
    expected = EXPECTED[suite]
    settled = {k: v for k, v in expected.items() if v.xfail is None}
    assert (set(got), {k: got.get(k) for k in settled}) == (
        set(expected), {k: v.status for k, v in settled.items()}), \
        "\n" + verdicts.diff(expected, got, expected_path(suite))


def _verdict_cases():
    for suite in SUITES:
        for check, want in EXPECTED[suite].items():
            marks = [pytest.mark.xfail(strict=True, reason=want.xfail)] if want.xfail else []
            yield pytest.param(suite, check, marks=marks, id=f"{suite}-{check}")


@pytest.mark.parametrize("suite,check", list(_verdict_cases()))
def test_stock_verdict(stock_run, suite, check):
    run = stock_run(suite)
    results = {r["check_id"]: r for r in scanned(run, suite)["results"]}
    want = EXPECTED[suite][check]
    result = results.get(check, {"status": "missing from the scan"})
    assert result["status"] == want.status, (
        f"{check}: scanned {result['status']} (observed {result.get('observed', '')!r}, "
        f"reason {result.get('reason', '')!r}); the benchmark says {want.status}: "
        f"{want.comment}")


@pytest.mark.parametrize("suite", SUITES)
def test_stock_kernel_parameter_verdicts_show_the_value_they_judged(stock_run, suite):
    host = scanned(stock_run(suite), suite)
    sysctl = {p["id"]: p for p in host["probes"] if p["type"] == "sysctl"}
    judged = {r["check_id"]: r["observed"] for r in host["results"]
              if set(r["probe_ids"]) & set(sysctl)}
    assert judged and {c: v for c, v in judged.items() if not v.strip()} == {}
    # A key the running kernel lacks (the stock host runs on this machine's kernel, which has
    # no Yama and no AppArmor restriction key) is said so, and only such a key.
    lacking = {p["argument"] for p in sysctl.values() if p["state"] == "absent"}
    assert {k for k in lacking if os.path.exists("/proc/sys/" + k.replace(".", "/"))} == set()
    judged = {c: v for c, v in judged.items() if v != "does not exist"}
    # The stock install configures none of them: that is why they fail, whatever runs now.
    assert {c: v for c, v in judged.items() if "configured=(not set" not in v} == {}
