"""The checks that judge units through a command probe's `services:` lines (checks/README.md,
"Unit states beside a command"): the server services of services.yaml, Debian 12's firewall
choice (firewall.yaml, nftables.yaml, iptables.yaml), Debian 13's ufw (ufw.yaml),
systemd-journal-remote (journald.yaml), AIDE's timer (boot-integrity.yaml) and apport
(core-dumps.yaml), on hosts whose PID 1 is a real
systemd (tests/testbed/systemd_host.py, the `services` recipe), one per release.

The packages and units these checks name are not in the recipe (and the hosts have no network):
each package is an empty stand-in built with dpkg-deb inside the host (dpkg lists it as any
package), and each unit a stand-in written to /usr/local/lib/systemd/system (a service that sleeps, a
socket on a path of /run, a timer), taken through its states with systemctl: enabled and
running, enabled and stopped, disabled and running, masked, no unit file at all.
systemd-journal-remote's units are the real ones. Every verdict of every state is asserted; the
same table holds for the checks as they read list-unit-files and list-units before (run this
file with CISSCAN_BIN and CISSCAN_CHECKS_DIR of that version to compare).
"""
import re

import pytest

from conftest import SOURCE, cisscan

import booted_hosts

RELEASES = {"12": "bookworm", "13": "trixie"}


def _service_checks():
    """The checks of services.yaml: id -> the release it is limited to (None: both)."""
    with open(f"{SOURCE}/checks/debian/services.yaml") as f:
        text = f.read()
    checks = {}
    for block in re.split(r"(?m)^  - id: ", text)[1:]:
        version = re.search(r'applies: \{version: "(\d+)"\}', block)
        checks[block.split("\n", 1)[0].strip()] = version.group(1) if version else None
    units = re.search(r"(?ms)^  service_units: >-\n(.*?)\n(?=  \S|\S)", text).group(1).split()
    packages = re.search(r"(?ms)^  service_packages: >-\n(.*?)\n(?=  \S|\S)", text).group(1).split()
    return checks, units, packages


SERVICE_CHECKS, SERVICE_UNITS, SERVICE_PACKAGES = _service_checks()
FIREWALL_CHECKS = ["deb12-firewall-single-utility", "deb12-nftables-service-enabled",
                   "deb12-nftables-no-ufw", "deb12-iptables-installed",
                   "deb12-iptables-no-nftables", "deb12-iptables-no-ufw"]
OTHER_CHECKS = {"deb-journal-remote-not-in-use": None, "deb12-aide-scheduled": None,
                "deb13-apport-off": "13", "deb13-ufw-enabled": "13",
                "deb13-ufw-default-incoming": "13"}
CHECKS = {**SERVICE_CHECKS, **{c: "12" for c in FIREWALL_CHECKS}, **OTHER_CHECKS}

FIREWALL_UNITS = ["ufw.service", "nftables.service", "netfilter-persistent.service"]
# The stand-in units the states act on, every one of them (journal-remote's are real).
UNITS = SERVICE_UNITS + FIREWALL_UNITS + ["dailyaidecheck.timer", "apport.service"]
PACKAGES = SERVICE_PACKAGES + ["ufw", "nftables", "iptables", "iptables-persistent", "apport"]
JOURNAL_REMOTE = "systemd-journal-remote.socket systemd-journal-remote.service"
ALL = " ".join(UNITS)
STAND_INS = "/usr/local/lib/cisscan-test-units"

SERVICE = "[Unit]\nDescription=cisscan test stand-in\n[Service]\nExecStart=/bin/sleep infinity\n" \
          "[Install]\nWantedBy=multi-user.target\n"
STATIC = "[Unit]\nDescription=cisscan test stand-in\n[Service]\nType=oneshot\nExecStart=/bin/true\n"
TIMER = "[Unit]\nDescription=cisscan test stand-in\n[Timer]\nOnCalendar=daily\n" \
        "[Install]\nWantedBy=timers.target\n"


def _socket(name):
    return (f"[Unit]\nDescription=cisscan test stand-in\n[Socket]\n"
            f"ListenStream=/run/cisscan-test-{name}.sock\nAccept=yes\n[Install]\nWantedBy=sockets.target\n")


def _stand_ins():
    """path -> content: the stand-in units (in a folder systemd does not read; `install-units`
    copies them in) and the script that builds the stand-in packages."""
    files = {}
    for unit in UNITS:
        name, kind = unit.rsplit(".", 1)
        files[f"{STAND_INS}/{unit}"] = {"service": SERVICE, "socket": _socket(name),
                                        "timer": TIMER}[kind]
        if kind == "socket":
            # What a connection would start (none is made): Accept=yes, so the socket starts
            # whatever state the service of its name is in.
            files[f"{STAND_INS}/{name}@.service"] = STATIC
    files[f"{STAND_INS}/dailyaidecheck.service"] = STATIC
    # ufw's own files, switched on with a default deny inwards (judged once the package is in).
    files["/etc/ufw/ufw.conf"] = "ENABLED=yes\n"
    files["/etc/default/ufw"] = 'DEFAULT_INPUT_POLICY="DROP"\n'
    files["/usr/local/sbin/stand-in-packages"] = (
        "set -e\nd=$(mktemp -d)\nfor n in \"$@\"; do mkdir -p \"$d/$n/DEBIAN\"\n"
        "printf 'Package: %s\\nVersion: 99:1.0-test\\nArchitecture: all\\n"
        "Maintainer: test <test@invalid>\\nDescription: cisscan test stand-in\\n' \"$n\""
        " > \"$d/$n/DEBIAN/control\"\ndpkg-deb -b \"$d/$n\" \"$d/$n.deb\" >/dev/null\ndone\n"
        "dpkg -i \"$d\"/*.deb >/dev/null\nrm -rf \"$d\"\n")
    return files


# In /usr/local/lib/systemd/system, as a package's own units are in /usr/lib: /etc/systemd/system
# is where `systemctl mask` puts its links.
UNIT_DIR = "/usr/local/lib/systemd/system"
INSTALL_UNITS = f"mkdir -p {UNIT_DIR} && cp {STAND_INS}/* {UNIT_DIR}/ && systemctl daemon-reload"
REMOVE_UNITS = (f"cd {STAND_INS} && for u in *; do rm -f {UNIT_DIR}/$u; done && "
                "systemctl daemon-reload")

IN_USE = {c: "fail" for c in SERVICE_CHECKS}
NOT_IN_USE = {c: "pass" for c in SERVICE_CHECKS}

# (state, commands run in the host before its scan, the verdicts that differ from the state
# before). The first state is the host as booted: none of the packages, no stand-in unit,
# systemd-journal-remote installed with its units disabled. Of journal-remote only the socket is
# ever started (the service needs it, or a listening address).
STATES = [
    ("booted", [], {
        **NOT_IN_USE, "deb12-firewall-single-utility": "fail",
        "deb12-nftables-service-enabled": "not_applicable", "deb12-nftables-no-ufw":
        "not_applicable", "deb12-iptables-installed": "not_applicable",
        "deb12-iptables-no-nftables": "not_applicable", "deb12-iptables-no-ufw": "not_applicable",
        "deb-journal-remote-not-in-use": "pass", "deb12-aide-scheduled": "fail",
        "deb13-apport-off": "pass", "deb13-ufw-enabled": "fail",
        "deb13-ufw-default-incoming": "fail"}),
    # Every package installed, every unit enabled and running: three firewalls in use.
    ("enabled-running", ["sh /usr/local/sbin/stand-in-packages " + " ".join(PACKAGES),
                         INSTALL_UNITS, f"systemctl enable {ALL} {JOURNAL_REMOTE}",
                         f"systemctl start {ALL} systemd-journal-remote.socket"], {
        **IN_USE, "deb12-nftables-service-enabled": "pass", "deb12-nftables-no-ufw": "fail",
        "deb12-iptables-installed": "pass", "deb12-iptables-no-nftables": "fail",
        "deb12-iptables-no-ufw": "fail", "deb-journal-remote-not-in-use": "fail",
        "deb12-aide-scheduled": "pass", "deb13-apport-off": "fail", "deb13-ufw-enabled": "pass",
        "deb13-ufw-default-incoming": "pass"}),
    # Enabled but stopped: still in use; apport switched off in its file and not running.
    ("enabled-stopped", [f"systemctl stop {ALL} {JOURNAL_REMOTE}",
                         "echo enabled=0 > /etc/default/apport"], {
        "deb13-apport-off": "pass"}),
    # Running but disabled: in use; the units the firewall checks' applicability reads (the
    # wants links) are gone, and the timer is not enabled.
    ("disabled-running", [f"systemctl disable {ALL} {JOURNAL_REMOTE}",
                          f"systemctl start {ALL} systemd-journal-remote.socket"], {
        "deb12-nftables-service-enabled": "fail", "deb12-nftables-no-ufw": "not_applicable",
        "deb12-iptables-installed": "not_applicable", "deb12-aide-scheduled": "fail",
        "deb13-apport-off": "fail", "deb13-ufw-enabled": "fail"}),
    # Stopped and masked: nothing in use.
    ("masked", [f"systemctl stop {ALL} {JOURNAL_REMOTE}", f"systemctl mask {ALL} {JOURNAL_REMOTE}"], {
        **NOT_IN_USE, "deb12-iptables-no-nftables": "pass", "deb12-iptables-no-ufw": "pass",
        "deb-journal-remote-not-in-use": "pass", "deb13-apport-off": "pass"}),
    # Only nftables in use: the single firewall.
    ("only-nftables", [f"systemctl unmask {ALL} {JOURNAL_REMOTE}",
                       "systemctl enable --now nftables.service"], {
        "deb12-firewall-single-utility": "pass", "deb12-nftables-service-enabled": "pass",
        "deb12-nftables-no-ufw": "pass", "deb12-iptables-no-nftables": "fail"}),
    # iptables-persistent's loader enabled too, without the iptables package: two firewalls.
    ("no-iptables", ["systemctl enable netfilter-persistent.service", "dpkg -r iptables"], {
        "deb12-firewall-single-utility": "fail", "deb12-iptables-installed": "fail"}),
    # The packages stay, the unit files go: no unit, so nothing enabled or running.
    ("no-unit-files", [f"systemctl disable --now {ALL}", REMOVE_UNITS], {
        "deb12-nftables-service-enabled": "fail", "deb12-nftables-no-ufw": "not_applicable",
        "deb12-iptables-installed": "not_applicable", "deb12-iptables-no-nftables": "pass",
        "deb12-firewall-single-utility": "fail"}),
]


def expected(release):
    """state -> check -> status, every check of every state."""
    return booted_hosts.state_verdicts(STATES, CHECKS, release)


@pytest.fixture(scope="module")
def unit_runs(bed, tmp_path_factory):
    """release -> state -> the scan's results by check id."""
    runs = booted_hosts.walk_states(
        bed, tmp_path_factory, RELEASES, "unit", _stand_ins(), STATES,
        lambda host, out: cisscan(*booted_hosts.scan_args(bed, host, CHECKS, out), out=out),
        on_failure=f"for u in {ALL} {JOURNAL_REMOTE}; do echo $u $(systemctl is-active $u); done")
    return {release: states for release, (states, _) in runs.items()}


@pytest.mark.parametrize("release,state,check,status",
                         booted_hosts.verdict_cases(RELEASES, STATES, CHECKS, expected))
def test_verdict_follows_the_unit_state(unit_runs, release, state, check, status):
    result = unit_runs[release][state][check]
    assert result["status"] == status, (
        f"{check} in state {state}: {result['status']} (observed {result.get('observed')!r}, "
        f"reason {result.get('reason')!r})")


@pytest.mark.parametrize("release", RELEASES)
def test_each_check_passes_and_fails_somewhere(unit_runs, release):
    checks = [c for c, v in CHECKS.items() if v in (None, release)]
    seen = {c: {unit_runs[release][s][c]["status"] for s, _, _ in STATES} for c in checks}
    assert {c: {"pass", "fail"} <= s for c, s in seen.items()} == {c: True for c in checks}
