"""The Debian package: built with CPack from the test's own build folder, unpacked into a scratch
root, and checked there: the binary runs with its shipped catalog, the man page renders, the
completions parse, the maintainer scripts create the system user, and the systemd units verify."""
import glob
import os
import shutil
import subprocess

import pytest

from conftest import BIN

BUILD = os.path.dirname(os.path.dirname(BIN))


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    for old in glob.glob(os.path.join(BUILD, "cisscan_*.deb")):
        os.remove(old)
    proc = subprocess.run(["cmake", "--build", BUILD, "--target", "package"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    debs = glob.glob(os.path.join(BUILD, "cisscan_*.deb"))
    assert len(debs) == 1
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", debs[0], str(root)], check=True)
    control = tmp_path_factory.mktemp("control")
    subprocess.run(["dpkg-deb", "-e", debs[0], str(control)], check=True)
    return debs[0], root, control


def test_the_package_holds_what_an_operator_needs(package):
    deb, root, _ = package
    for path in ("usr/bin/cisscan", "usr/share/man/man1/cisscan.1",
                 "usr/share/bash-completion/completions/cisscan",
                 "usr/share/zsh/vendor-completions/_cisscan",
                 "usr/lib/systemd/system/cisscan.service", "usr/lib/systemd/system/cisscan.timer",
                 "usr/share/cisscan/checks/controls/cis-controls-v8.yaml",
                 "usr/share/cisscan/checks/risk/register.yaml",
                 "usr/share/doc/cisscan/README.md"):
        assert (root / path).exists(), path
    fields = subprocess.run(["dpkg-deb", "-f", deb, "Package", "Depends"], capture_output=True,
                            text=True, check=True).stdout
    assert "Package: cisscan" in fields and "libssh-4" in fields and "adduser" in fields


def test_the_installed_binary_uses_its_shipped_catalog(package):
    _, root, _ = package
    binary = str(root / "usr/bin/cisscan")
    env = {k: v for k, v in os.environ.items() if k != "CISSCAN_CHECKS_DIR"}
    listed = subprocess.run([binary, "list", "checks"], capture_output=True, text=True, env=env)
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) >= 25
    lint = subprocess.run([binary, "lint", str(root / "usr/share/cisscan/checks")],
                          capture_output=True, text=True, env=env)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_man_page_and_completions(package):
    _, root, _ = package
    man = subprocess.run(["man", "-l", str(root / "usr/share/man/man1/cisscan.1")],
                         capture_output=True, text=True, env={**os.environ, "MANWIDTH": "80"})
    assert man.returncode == 0 and "EXIT STATUS" in man.stdout and "--shard" in man.stdout
    bash = subprocess.run(["bash", "-n", str(root / "usr/share/bash-completion/completions/cisscan")])
    assert bash.returncode == 0
    if shutil.which("zsh"):
        zsh = subprocess.run(["zsh", "-n", str(root / "usr/share/zsh/vendor-completions/_cisscan")])
        assert zsh.returncode == 0


def test_maintainer_scripts_create_the_system_user(package):
    _, _, control = package
    postinst = (control / "postinst").read_text()
    assert subprocess.run(["sh", "-n", str(control / "postinst")]).returncode == 0
    assert subprocess.run(["sh", "-n", str(control / "postrm")]).returncode == 0
    assert "adduser --system --group" in postinst and "cisscan" in postinst
    assert os.stat(control / "postinst").st_mode & 0o111


def test_the_systemd_units_verify(package):
    _, root, _ = package
    units = root / "usr/lib/systemd/system"
    # The targets the units refer to, from this machine, so verify can resolve them in the root.
    for target in glob.glob("/usr/lib/systemd/system/*.target"):
        shutil.copy(target, units)
    proc = subprocess.run(["systemd-analyze", "verify", f"--root={root}",
                           str(units / "cisscan.timer"), str(units / "cisscan.service")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr.strip() == "", proc.stderr
    service = (units / "cisscan.service").read_text()
    assert "ExecStart=/usr/bin/cisscan -q scan" in service
    assert "-/var/lib/prometheus/node-exporter" in service
