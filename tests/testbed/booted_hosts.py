"""Booted hosts (systemd_host.py) as the service tests and benchmarks use them: a host of the
`services` recipe booted for the length of a `with` block, one per release taken through a table
of states and scanned after each, and the verdicts and test cases of such a table.

Used by tests/integration/test_service_checks.py, test_unit_state_checks.py,
test_service_facts.py and benchmarks/booted_scan.py. The scanner is run by the caller (the
integration tests' `cisscan` validates what it writes); only verdict_cases needs pytest.
"""
import contextlib

import systemd_host


@contextlib.contextmanager
def booted(bed, name, suite, files=None, uncontained=False, recipe="services"):
    """A SystemdHost NAME of RECIPE's root filesystem for SUITE, FILES (path -> content) in its
    overlay, booted and adopted by BED; stopped when the block ends, however it ends.
    `uncontained`: /run/systemd/container then says `none`, as a fixture's `virtualization:
    none` does, so the checks not meant for containers (the time daemons') apply."""
    host = systemd_host.SystemdHost(bed, name, systemd_host.systemd_rootfs(suite, recipe),
                                    files=files)
    try:
        bed.adopt(host)
        if uncontained:
            code, text = host.run("sh", "-c", "echo none > /run/systemd/container")
            if code != 0:
                raise RuntimeError(f"{name}: /run/systemd/container: {text}")
        yield host
    finally:
        host.stop()


def scan_args(bed, host, checks, out, **entry):
    """cisscan's arguments that scan HOST (ENTRY: more keys of its inventory entry) with CHECKS
    only, the JSON record into OUT."""
    only = [a for c in checks for a in ("--only", c)]
    return ["scan", "--inventory", bed.inventory([host.inventory_entry(**entry)]),
            "--known-hosts", bed.known_hosts, *only, "--out", out, "--format", "json"]


def walk_states(bed, folders, releases, prefix, files, states, scan, on_failure=None):
    """Per release (RELEASES: release -> suite), an uncontained host PREFIX-RELEASE booted with
    FILES and taken through STATES in order ((state, commands, _): each command run with `sh -c`
    inside the host must exit 0; ON_FAILURE, shell, runs after one that does not, for the
    message), scanned after each state: scan(host, out) -> the conftest Run of a scan whose
    record is in OUT, a new folder of FOLDERS (pytest's tmp_path_factory).

    Returns release -> (state -> the scan's results by check id, the host, stopped)."""
    systemd_host.remove_stale_cgroups()
    runs = {}
    for release, suite in releases.items():
        results = {}
        with booted(bed, f"{prefix}-{release}", suite, files=files, uncontained=True) as host:
            for state, commands, _ in states:
                for command in commands:
                    script = f"{command} || {{ {on_failure}; exit 1; }}" if on_failure else command
                    code, text = host.run("sh", "-c", script)
                    assert code == 0, f"{release} {state}: {command}: {text}"
                out = str(folders.mktemp(f"{prefix}-{release}-{state}") / "out")
                run = scan(host, out)
                assert run.code in (0, 1), run.stderr
                results[state] = {r["check_id"]: r for r in run.host(host.name)["results"]}
        runs[release] = (results, host)
    return runs


def state_verdicts(states, limited, release):
    """state -> check -> status on RELEASE, every check of every state: a state's verdicts are
    those of the state before it with its own changes (STATES: (state, _, changes), in order); a
    check LIMITED (check -> release; missing or None: every release) to another release is
    not_applicable."""
    table, now = {}, {}
    for state, _, changes in states:
        now = {**now, **changes}
        table[state] = {c: (s if limited.get(c) in (None, release) else "not_applicable")
                        for c, s in now.items()}
    return table


def verdict_cases(releases, states, checks, expected):
    """pytest's parameters (release, state, check, status), one per check of every state of every
    release, the status from expected(release) -> state -> check -> status."""
    import pytest  # the tests' only, not the benchmarks'
    cases = []
    for release in releases:
        table = expected(release)
        for state, _, _ in states:
            cases += [pytest.param(release, state, check, table[state][check],
                                   id=f"{release}-{state}-{check}") for check in checks]
    return cases
