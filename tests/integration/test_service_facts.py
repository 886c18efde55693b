"""The `service` and `services` probes answered from the facts (fact probe f-units: one
`systemctl is-active` and one `systemctl list-unit-files` per host, catalog/service_probe.cpp),
compared on booted hosts (tests/testbed/systemd_host.py, one per release) with what
`systemctl is-enabled` and `systemctl is-active` print inside the host, for units in every state
the derivation reads or declines: enabled, disabled, static, indirect, masked, masked-runtime,
enabled-runtime, linked, transient, failed, an alias, an instance, a template, a unit that does
not exist, a SysV script's generated unit and one the generator has not seen yet, and a unit
whose wants link was made without a daemon-reload (`systemctl show`'s cached UnitFileState then
still says `disabled`; is-enabled and list-unit-files read the disk).

Each probe's answer in the scan's record must be byte for byte what its own command would print
there (the canonical tools' answers, formatted as service_command and services_command format
them), and the probes the facts can answer must be answered from them (no systemctl process of
their own): DERIVED says which.
"""
import os

import pytest

from conftest import cisscan

import booted_hosts
import systemd_host
from test_service_checks import DROPINS, RELEASES

INIT_SCRIPT = ("#!/bin/sh\n### BEGIN INIT INFO\n# Provides: {name}\n# Required-Start:\n"
               "# Required-Stop:\n# Default-Start: 2 3 4 5\n# Default-Stop: 0 1 6\n"
               "### END INIT INFO\nexit 0\n")

# Commands run in the booted host, in order, to put the units into their states.
SETUP = [
    "systemctl disable cron.service",
    # Fills the service manager's cached UnitFileState (disabled) before the link is made.
    "systemctl show -p UnitFileState cron.service",
    "ln -s \"$(systemctl show -p FragmentPath --value cron.service)\" "
    "/etc/systemd/system/multi-user.target.wants/cron.service",
    "systemctl mask rsyslog.service",
    "systemctl mask --runtime systemd-timesyncd.service",
    "systemctl enable --runtime systemd-journal-upload.service",
    "sed '/^Alias=/d' \"$(systemctl show -p FragmentPath --value ssh.service)\" "
    "> /root/linked-ssh.service && systemctl link /root/linked-ssh.service",
    "systemd-run --unit=cisscan-transient sleep 3600",
    "systemd-run --unit=cisscan-failed false; sleep 1",
    "printf '%s' \"$OLD\" > /etc/init.d/oldsvc && chmod +x /etc/init.d/oldsvc && "
    "systemctl daemon-reload",
    # After the reload: the SysV generator has not seen this one.
    "printf '%s' \"$NEW\" > /etc/init.d/newsvc && chmod +x /etc/init.d/newsvc",
]

# unit -> whether its `service` probe is answered from the facts.
DERIVED = {
    "cron.service": True,                     # enabled, linked without a reload
    "ssh.service": True,                      # enabled, active
    "rsyslog.service": True,                  # masked (still running: mask stops nothing)
    "systemd-timesyncd.service": True,        # masked-runtime
    "systemd-journal-upload.service": True,   # enabled-runtime, inactive
    "systemd-journald.service": True,         # static
    "systemd-journal-remote.service": True,   # indirect
    "linked-ssh.service": True,               # linked
    "cisscan-transient.service": True,        # transient, active
    "cisscan-failed.service": True,           # transient, failed
    "cron": True,                             # the same unit without its suffix
    "sshd.service": True,                     # an alias: `alias`, and its unit's activity
    "syslog.service": True,                   # an alias of a masked unit
    "getty@tty1.service": False,              # an instance: no unit file of its own
    "getty@.service": False,                  # a template: is-active cannot ask about it
    "no-such-unit.service": False,            # is-enabled: nothing (252) or not-found (257)
    "oldsvc.service": False,                  # generated: is-enabled asks systemd-sysv-install
    "newsvc.service": False,                  # a SysV script only
}
# A services probe is answered from the facts only when every unit of it can be.
ANSWERED = [u for u, derived in DERIVED.items() if derived] + ["no-such-unit.service"]
ALL = list(DERIVED)


def _check(index, probe):
    return f"""  - id: cmp-{index}
    title: comparison {index}
    benchmark: {{id: cis-debian12, version: 1.1.0, ref: "2.4.1.1", level: L1}}
    safeguards: ["4.1"]
    probe: {probe}
    expect: {{line: '.'}}
    rationale: Test only.
    remediation: Test only.
"""


def _catalog(path):
    probes = [f"{{service: '{u}'}}" for u in ALL]
    probes += [f"{{services: '{' '.join(ANSWERED)}'}}", f"{{services: '{' '.join(ALL)}'}}"]
    with open(path, "w") as f:
        f.write("checks:\n" + "".join(_check(i, p) for i, p in enumerate(probes)))
    return path


def _systemctl(host, verb, unit):
    code, text = host.run("sh", "-c", f"systemctl {verb} -- '{unit}' 2>/dev/null; true")
    assert code == 0
    return text


@pytest.fixture(scope="module")
def compared(bed, tmp_path_factory):
    """release -> (the scan's probes by (type, argument), unit -> (is-enabled, is-active))."""
    systemd_host.remove_stale_cgroups()
    runs = {}
    for release, suite in RELEASES.items():
        folder = tmp_path_factory.mktemp(f"svcfact-{release}")
        with booted_hosts.booted(bed, f"svcfact-{release}", suite, files=DROPINS) as host:
            env = f"OLD='{INIT_SCRIPT.format(name='oldsvc')}' NEW='{INIT_SCRIPT.format(name='newsvc')}'"
            for command in SETUP:
                code, text = host.run("sh", "-c", f"{env}; export OLD NEW; {command}")
                assert code == 0, f"{release}: {command}: {text}"
            out = str(folder / "out")
            run = cisscan("scan", "--inventory", bed.inventory([host.inventory_entry()]),
                          "--known-hosts", bed.known_hosts, "-c", _catalog(str(folder / "c.yaml")),
                          "--out", out, "--format", "json", out=out)
            assert run.code in (0, 1), run.stderr
            probes = {(p["type"], p["argument"]): p for p in run.host(host.name)["probes"]}
            said = {u: (_systemctl(host, "is-enabled", u), _systemctl(host, "is-active", u))
                    for u in ALL}
        runs[release] = (probes, said)
    return runs


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("unit", ALL)
def test_a_service_probe_says_what_systemctl_says(compared, release, unit):
    probes, said = compared[release]
    probe = probes[("service", unit)]
    enabled, active = said[unit]
    if enabled:
        assert (probe["exit_code"], probe["output"]) == (0, f"enabled={enabled}\nactive={active}\n")
    else:
        assert probe["exit_code"] == 3
    assert probe["command"].startswith("(answered from probe f-units)") == DERIVED[unit]


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("units,derived", [(ANSWERED, True), (ALL, False)])
def test_a_services_probe_says_what_systemctl_says(compared, release, units, derived):
    probes, said = compared[release]
    probe = probes[("services", " ".join(units))]
    lines = "".join(
        f"service {u} enabled={'' if said[u][0] == 'not-found' else said[u][0]} active={said[u][1]}\n"
        for u in units)
    assert (probe["exit_code"], probe["output"]) == (0, lines)
    assert probe["command"].startswith("(answered from probe f-units)") == derived


@pytest.mark.parametrize("release", RELEASES)
def test_the_states_are_those_named(compared, release):
    """The host really was in the states this file names (so the comparison covers them)."""
    said = compared[release][1]
    assert said["cron.service"][0] == "enabled"
    assert said["rsyslog.service"][0] == "masked"
    assert said["systemd-timesyncd.service"][0] == "masked-runtime"
    assert said["systemd-journal-upload.service"] == ("enabled-runtime", "inactive")
    assert said["systemd-journald.service"] == ("static", "active")
    assert said["systemd-journal-remote.service"][0] == "indirect"
    assert said["linked-ssh.service"][0] == "linked"
    assert said["cisscan-transient.service"] == ("transient", "active")
    assert said["cisscan-failed.service"][1] == "failed"
    assert said["sshd.service"][0] == "alias"
    assert said["no-such-unit.service"][0] in ("", "not-found")
    assert said["oldsvc.service"][0] in ("enabled", "disabled")
    assert os.path.basename(said["getty@.service"][0]) == "enabled"
