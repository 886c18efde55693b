"""The Debian 12 catalog on this machine's own state, through the local transport: no fixture.

This machine is a container without /lib/modules, GRUB or its own mounts: the kernel, module,
boot loader and partition checks must be `not_applicable` with the reason, and nothing may be an
`error`. The sshd checks must read the effective configuration even where /run/sshd is missing
(sshd stopped, or a container), which `sshd -T` alone refuses.
"""
import os
import shutil
import subprocess

import pytest

from conftest import BIN, Run, cisscan

pytestmark = pytest.mark.skipif(shutil.which("sshd") is None or os.geteuid() != 0,
                                reason="needs root and OpenSSH's sshd on this machine")


def results_by_id(run):
    return {r["check_id"]: r for r in run.host(run.record["hosts"][0]["name"])["results"]}


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("local") / "out")
    return cisscan("scan", "--profile", "level2-server", "--format", "json", "--out", out,
                   out=out)


def test_no_check_is_an_error_on_this_machine(local_run):
    assert local_run.code in (0, 1), local_run.stderr
    errors = {i: r.get("reason") for i, r in results_by_id(local_run).items()
              if r["status"] == "error"}
    assert errors == {}


def test_kernel_mount_module_and_boot_checks_do_not_apply_in_a_container(local_run):
    host = local_run.record["hosts"][0]
    if not {"container", "lxc"} & set(host["roles"]):
        pytest.skip("this machine is not a container")
    results = results_by_id(local_run)
    for prefix in ("deb12-sysctl-", "deb12-mount-", "deb12-module-", "deb12-grub-", "deb-wireless-"):
        chosen = {i: r for i, r in results.items() if i.startswith(prefix)}
        assert chosen, prefix
        for check_id, result in chosen.items():
            assert result["status"] == "not_applicable", check_id
            assert "container" in result["reason"], (check_id, result["reason"])


def sshd_t_canonical():
    return subprocess.run(["sshd", "-T"], capture_output=True, text=True, check=True).stdout


def test_sshd_checks_read_the_effective_configuration_without_run_sshd(tmp_path):
    """A fresh tmpfs on /run in a private mount namespace: /run/sshd does not exist there, and
    plain `sshd -T` refuses to run. The shared sshd probe still reads the configuration."""
    out = str(tmp_path / "out")
    plain = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c",
         "mount -t tmpfs tmpfs /run && sshd -T"], capture_output=True, text=True)
    assert plain.returncode != 0
    assert "/run/sshd" in plain.stderr
    proc = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c",
         'mount -t tmpfs tmpfs /run && [ ! -e /run/sshd ] && exec "$0" scan --format json '
         '--out "$1"', BIN, out], capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    run = Run(proc, out)
    results = results_by_id(run)
    sshd = {i: r for i, r in results.items() if i.startswith("deb12-sshd-")
            and "host-keys" not in i and "config-permissions" not in i}
    assert len(sshd) >= 15
    assert {i: r["status"] for i, r in sshd.items() if r["status"] not in ("pass", "fail")} == {}
    # The probe printed what `sshd -T` prints where it can run (outside, /run/sshd exists).
    host = run.record["hosts"][0]
    probe_ids = {r["probe_ids"][0] for r in sshd.values()}
    assert len(probe_ids) == 1
    probe = next(p for p in host["probes"] if p["id"] in probe_ids)
    assert probe["exit_code"] == 0
    assert probe["output"] == sshd_t_canonical()
