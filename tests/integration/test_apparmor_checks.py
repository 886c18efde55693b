"""AppArmor's profiles and confined processes: Debian 12's 1.3.1.3 (every profile in enforce or
complain mode) and the enforcing recommendation (Debian 12 1.3.1.4, Debian 13 1.3.1.3, Level 2).

The state is the running kernel's, so the probe is proven on this machine first: run here, it
says what the kernel says (this machine's kernel has no AppArmor: no
/sys/kernel/security/apparmor, no /sys/module/apparmor, which is what apparmor_status looks
at). States this kernel lacks are added by the test bed: a tmpfs laid over /sys/kernel/security
in the host's own mount namespace holding AppArmor's `profiles` file (`hardened`: all enforcing;
`apparmor-complain`, `apparmor-other`, `apparmor-none-loaded`), never over an interface the
kernel has; the file is root's alone (0400), as the kernel lets only root read it. The
processes' labels (/proc/PID/attr/current) cannot be added that way: the probe's reading of them
is judged on lines made the way the probe makes them.
"""
import os
import subprocess

import pytest
import yaml

from conftest import SOURCE, cisscan

L1 = "deb12-apparmor-profiles-enforce-or-complain"
L2 = "deb12-apparmor-profiles-enforcing"
# host -> (L1 on Debian 12, L2, the counts line)
CASES = {
    "hardened": ("pass", "pass", "profiles loaded=8 enforce=8 complain=0 other=0"),
    "apparmor-complain": ("pass", "fail", "profiles loaded=3 enforce=2 complain=1 other=0"),
    "apparmor-other": ("fail", "fail", "profiles loaded=3 enforce=1 complain=0 other=2"),
    "apparmor-none-loaded": ("fail", "fail", "profiles loaded=0 enforce=0 complain=0 other=0"),
    "unhardened": ("fail", "fail", None),
}


def probe_command():
    with open(os.path.join(SOURCE, "checks", "debian", "boot-integrity.yaml")) as f:
        return yaml.safe_load(f)["vars"]["apparmor"]


def test_the_probe_reads_the_real_kernel_as_apparmor_status_does():
    proc = subprocess.run(["sh", "-c", probe_command()], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    if os.path.exists("/sys/kernel/security/apparmor/profiles"):
        with open("/sys/kernel/security/apparmor/profiles") as f:
            loaded = len(f.read().splitlines())
        assert lines[0] == "apparmor enabled"
        assert any(line.startswith(f"profiles loaded={loaded} ") for line in lines), lines
    else:
        # apparmor_status's own test: AppArmor enabled in the kernel (its module parameter).
        assert not os.path.exists("/sys/module/apparmor/parameters/enabled")
        assert lines == ["AppArmor's interface (/sys/kernel/security/apparmor) is not there: "
                         "AppArmor is not enabled in the running kernel"]


def test_processes_running_unconfined_with_a_profile_are_counted():
    """The probe's last stage, fed the lines its first stage makes: a profile's program running
    unconfined counts (pid 12); the same program confined does not (pid 14, whose AppArmor label
    file wins over the generic one); a program without a profile does not (pid 13)."""
    command = probe_command()
    stage = command[command.index("| awk ") + 2:]
    lines = ["p /usr/sbin/sshd (enforce)", "p man_filter (complain)",
             "x /proc/12 /usr/sbin/sshd", "x /proc/13 /usr/bin/bash", "x /proc/14 /usr/sbin/sshd",
             "l /proc/12/attr/current:unconfined", "l /proc/13/attr/current:unconfined",
             "l /proc/14/attr/apparmor/current:/usr/sbin/sshd (enforce)",
             "l /proc/14/attr/current:unconfined"]
    proc = subprocess.run(["sh", "-c", stage], input="\n".join(lines) + "\n",
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "profile complain man_filter",
        "profiles loaded=2 enforce=1 complain=1 other=0",
        "unconfined 12 /usr/sbin/sshd",
        "processes unconfined-with-profile=1"]


@pytest.fixture(scope="module")
def apparmor_run(bed, hosts, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("apparmor") / "out")
    entries = [hosts["hardened"].inventory_entry(), hosts["unhardened"].inventory_entry()]
    entries += [bed.add_host(name, name).inventory_entry()
                for name in CASES if name.startswith("apparmor-")]
    entries += [bed.add_host(f"{name}-13", name, release="13").inventory_entry()
                for name in CASES if name.startswith("apparmor-")]
    run = cisscan("scan", "--inventory", bed.inventory(entries), "--known-hosts",
                  bed.known_hosts, "--profile", "level2-server", "--only", "deb12-apparmor-*",
                  "--out", out, "--format", "json", out=out)
    assert run.code in (0, 1), run.stderr
    return run


def result(run, host, check):
    return next(r for r in run.host(host)["results"] if r["check_id"] == check)


@pytest.mark.parametrize("host", sorted(CASES))
def test_each_state_gets_the_benchmark_verdict(apparmor_run, host):
    l1, l2, counts = CASES[host]
    r1, r2 = result(apparmor_run, host, L1), result(apparmor_run, host, L2)
    assert (r1["status"], r2["status"]) == (l1, l2), (r1, r2)
    probe = next(p for p in apparmor_run.host(host)["probes"] if p["id"] == r1["probe_ids"][0])
    lines = probe["output"].splitlines()
    if counts is None:  # no AppArmor at all
        assert lines[0].startswith("AppArmor's interface"), lines
    else:
        assert lines[0] == "apparmor enabled"
        assert counts in lines
        assert "processes unconfined-with-profile=0" in lines


@pytest.mark.parametrize("host", sorted(h for h in CASES if h.startswith("apparmor-")))
def test_on_debian_13_only_the_enforcing_recommendation_applies(apparmor_run, host):
    assert result(apparmor_run, f"{host}-13", L1)["status"] == "not_applicable"
    assert result(apparmor_run, f"{host}-13", L2)["status"] == CASES[host][1]
