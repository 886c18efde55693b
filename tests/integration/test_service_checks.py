"""The service-state checks (checks/debian/service-state.yaml: a daemon enabled and running) on
hosts whose PID 1 is a real systemd (tests/testbed/systemd_host.py, the `services` recipe: cron,
rsyslog, systemd-timesyncd, systemd-journal-remote, chrony in apt's cache), one per release.

Each host is booted once and taken through a sequence of states with systemctl, apt and dpkg run
inside it; the catalog's checks of that file are scanned over SSH after each step. STATES says
what each step does and which verdicts change; every verdict of every state is asserted.

Test-only settings, written into the host's overlay before it boots (DROPINS): the host has no
CAP_SYS_TIME (it must never set this machine's clock), so the time daemons' conditions are reset
and chronyd runs with -x (it keeps time without setting the clock); systemd-timesyncd gets no
capabilities. systemd-journal-upload sends to the host's own systemd-journal-remote over plain
HTTP on loopback. After the boot /run/systemd/container says `none`, as the fixtures'
`virtualization: none` does, so the time checks (not for containers) apply.

The standing hosts of the fleet test run no service manager and say so (inventory role
`not-booted`): FLEET says what they give for these checks (test_scan_fleet.py asserts it). The
stock hosts carry no such role: their lists (data/stock-*.expected) hold what these checks say
on a root filesystem served unbooted.
"""
import os

import pytest

from conftest import cisscan

import booted_hosts
import systemd_host

CHECKS = ["deb-time-single-daemon", "deb-timesyncd-running", "deb-chrony-running",
          "deb-cron-running", "deb-journald-running", "deb-journal-upload-running",
          "deb-rsyslog-running", "deb12-one-logging-system"]
RELEASES = {"12": "bookworm", "13": "trixie"}

DROPINS = {
    "/etc/systemd/system/systemd-timesyncd.service.d/zz-testbed.conf":
        "[Unit]\nConditionVirtualization=\n[Service]\nAmbientCapabilities=\n"
        "CapabilityBoundingSet=\n",
    "/etc/systemd/system/chrony.service.d/zz-testbed.conf":
        "[Unit]\nConditionCapability=\n[Service]\nExecStart=\n"
        "ExecStart=!/usr/sbin/chronyd $DAEMON_OPTS -x\n",
    "/etc/systemd/system/systemd-journal-remote.service.d/zz-testbed.conf":
        "[Service]\nExecStart=\nExecStart=/lib/systemd/systemd-journal-remote --listen-http=-3"
        " --output=/var/log/journal/remote/\n",
    "/etc/systemd/journal-upload.conf.d/zz-testbed.conf": "[Upload]\nURL=http://127.0.0.1:19532\n",
}

# journald and the sockets that start it (the audit socket cannot start in these hosts).
JOURNALD_UNITS = "systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket"
APT = "apt-get install -y -q --no-download --no-install-recommends"

# (state, commands run in the host before its scan, the verdicts that differ from the state
# before). The first state is the host as booted: systemd-timesyncd, cron, rsyslog and journald
# enabled and running, chrony not installed, rsyslog installed (so no journald section).
STATES = [
    ("booted", [], {
        "deb-time-single-daemon": "pass", "deb-timesyncd-running": "pass",
        "deb-chrony-running": "not_applicable", "deb-cron-running": "pass",
        "deb-journald-running": "pass", "deb-journal-upload-running": "not_applicable",
        "deb-rsyslog-running": "pass", "deb12-one-logging-system": "pass"}),
    # Enabled but stopped: the "running" half fails; a daemon enabled is still "in use".
    ("stopped", ["systemctl stop systemd-timesyncd.service cron.service rsyslog.service "
                 "syslog.socket"], {
        "deb-timesyncd-running": "fail", "deb-cron-running": "fail",
        "deb-rsyslog-running": "fail"}),
    # Running but disabled: the "enabled" half fails; a daemon running is still "in use".
    # rsyslog stays stopped: disabling it removes the syslog.service alias that its socket
    # (which it requires) starts, so it cannot start until enabled again, as on any host.
    ("disabled-running", ["systemctl disable systemd-timesyncd.service cron.service "
                          "rsyslog.service",
                          "systemctl start systemd-timesyncd.service cron.service"], {}),
    # No time daemon in use; journald running but masked.
    ("no-time-daemon", ["systemctl stop systemd-timesyncd.service",
                        "systemctl mask systemd-journald.service"], {
        "deb-time-single-daemon": "fail", "deb-journald-running": "fail"}),
    # Neither rsyslog nor journald running (its sockets stopped too, so nothing starts it).
    ("no-logger", ["systemctl stop rsyslog.service syslog.socket",
                   f"systemctl stop {JOURNALD_UNITS}"], {
        "deb12-one-logging-system": "fail"}),
    # journald back; rsyslog removed (dpkg's rc): the journald section applies, and the upload
    # to the host's own journal-remote runs.
    ("journald-section", ["systemctl unmask systemd-journald.service",
                          f"systemctl start {JOURNALD_UNITS}",
                          "apt-get remove -y -q rsyslog",
                          "systemctl enable --now systemd-journal-remote.socket "
                          "systemd-journal-upload.service"], {
        "deb-journald-running": "pass", "deb-journal-upload-running": "pass",
        "deb-rsyslog-running": "not_applicable", "deb12-one-logging-system": "pass"}),
    ("upload-stopped", ["systemctl stop systemd-journal-upload.service"], {
        "deb-journal-upload-running": "fail"}),
    ("upload-disabled-running", ["systemctl disable systemd-journal-upload.service",
                                 "systemctl start systemd-journal-upload.service"], {}),
    # chrony installed from apt's cache: it replaces systemd-timesyncd (dpkg's rc).
    ("chrony", [f"{APT} chrony"], {
        "deb-time-single-daemon": "pass", "deb-timesyncd-running": "not_applicable",
        "deb-chrony-running": "pass"}),
    ("chrony-stopped", ["systemctl stop chrony.service"], {"deb-chrony-running": "fail"}),
    ("chrony-disabled-running", ["systemctl disable chrony.service",
                                 "systemctl start chrony.service"], {}),
    # Both daemons enabled and running: systemd-timesyncd forced back in beside chrony.
    ("both-time-daemons", ["systemctl enable chrony.service",
                           "dpkg -i --force-conflicts /var/cache/apt/archives/"
                           "systemd-timesyncd_*.deb",
                           "systemctl enable --now systemd-timesyncd.service"], {
        "deb-time-single-daemon": "fail", "deb-timesyncd-running": "pass",
        "deb-chrony-running": "pass"}),
]


def expected(release):
    """state -> check -> status, every check of every state."""
    return booted_hosts.state_verdicts(STATES, {"deb12-one-logging-system": "12"}, release)


# What the standing hosts of the fleet test (hardened, unhardened: this machine's root with
# fixture files, no service manager running) give: their fixtures give them the inventory role
# `not-booted`, so none of these checks applies there.
FLEET = {name: {c: "not_applicable" for c in CHECKS} for name in ("hardened", "unhardened")}


def _scan(bed, host, out, **entry):
    return cisscan(*booted_hosts.scan_args(bed, host, CHECKS, out, **entry), out=out)


@pytest.fixture(scope="module")
def service_runs(bed, tmp_path_factory):
    """release -> (state -> the scan's results by check id, the host's boot and stop facts)."""
    return booted_hosts.walk_states(bed, tmp_path_factory, RELEASES, "svc", DROPINS, STATES,
                                    lambda host, out: _scan(bed, host, out))


@pytest.mark.parametrize("release,state,check,status",
                         booted_hosts.verdict_cases(RELEASES, STATES, CHECKS, expected))
def test_verdict_follows_the_service_state(service_runs, release, state, check, status):
    result = service_runs[release][0][state][check]
    assert result["status"] == status, (
        f"{check} in state {state}: {result['status']} (observed {result.get('observed')!r}, "
        f"reason {result.get('reason')!r})")


@pytest.mark.parametrize("release", RELEASES)
def test_each_check_passes_and_fails_somewhere(service_runs, release):
    checks = [c for c in CHECKS if release == "12" or not c.startswith("deb12-")]
    seen = {c: {service_runs[release][0][s][c]["status"] for s, _, _ in STATES} for c in checks}
    assert {c: {"pass", "fail"} <= s for c, s in seen.items()} == {c: True for c in checks}


@pytest.mark.parametrize("release", RELEASES)
def test_the_evidence_is_the_service_managers_answer(service_runs, release):
    states = service_runs[release][0]
    assert "active=inactive" in states["stopped"]["deb-cron-running"]["observed"]
    assert "enabled=disabled" in states["disabled-running"]["deb-cron-running"]["observed"]
    assert "enabled=masked" in states["no-time-daemon"]["deb-journald-running"]["observed"]
    # The `services` probe's lines: a unit without a unit file (chrony not installed) has
    # `enabled=` empty on both releases (is-enabled prints nothing on 12, `not-found` on 13).
    assert states["both-time-daemons"]["deb-time-single-daemon"]["observed"] == (
        "service chrony.service enabled=enabled active=active; "
        "service systemd-timesyncd.service enabled=enabled active=active")
    assert states["no-time-daemon"]["deb-time-single-daemon"]["observed"] == (
        "service systemd-timesyncd.service enabled=disabled active=inactive\n"
        "service chrony.service enabled= active=inactive")
    if release == "12":
        assert states["no-logger"]["deb12-one-logging-system"]["observed"] == (
            "service rsyslog.service enabled=disabled active=inactive\n"
            "service systemd-journald.service enabled=masked active=inactive")


@pytest.mark.parametrize("release", RELEASES)
def test_the_host_leaves_nothing_behind(service_runs, release):
    host = service_runs[release][1]
    assert not os.path.exists(host.cgroup)
    assert host.proc.poll() is not None and host.inetd.poll() is not None
    with open("/proc/self/mountinfo") as f:
        assert [line for line in f if host.dir in line] == []


def test_without_a_running_service_manager_they_fail(bed, tmp_path):
    """The same root filesystem served unbooted (sshd in a chroot, no systemd as PID 1, as the
    stock hosts): is-enabled still reads the unit files, is-active answers nothing, and every
    "running" check that applies fails. "A single time daemon" counts an enabled unit as in use,
    as the audit does: systemd-timesyncd is enabled, so that one passes (where the host is not
    seen as a container; this machine's virtualization decides). With the inventory role
    `not-booted` none of them applies."""
    path = systemd_host.systemd_rootfs("bookworm", "services")
    host = bed.adopt(systemd_host.rootfs.RootfsHost(bed, "svc-unbooted", path))
    try:
        run = _scan(bed, host, str(tmp_path / "out"))
        said = _scan(bed, host, str(tmp_path / "said"), roles=["not-booted"])
    finally:
        host.stop()
    record = run.host(host.name)
    results = {r["check_id"]: r for r in record["results"]}
    if {"container", "lxc"} & set(record["roles"]):
        time = {"deb-time-single-daemon": "not_applicable",
                "deb-timesyncd-running": "not_applicable"}
    else:
        time = {"deb-time-single-daemon": "pass", "deb-timesyncd-running": "fail"}
    assert {c: r["status"] for c, r in results.items()} == {
        **time, "deb-chrony-running": "not_applicable", "deb-cron-running": "fail",
        "deb-journald-running": "fail", "deb-journal-upload-running": "not_applicable",
        "deb-rsyslog-running": "fail", "deb12-one-logging-system": "fail"}
    assert results["deb-cron-running"]["observed"] == "active="
    assert results["deb12-one-logging-system"]["observed"] == (
        "service rsyslog.service enabled=enabled active=\n"
        "service systemd-journald.service enabled=static active=")
    assert {(r["check_id"], r["status"], r["reason"]) for r in said.host(host.name)["results"]} \
        == {(c, "not_applicable", "does not apply to role not-booted") for c in CHECKS}
