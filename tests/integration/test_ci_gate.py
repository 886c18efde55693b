"""The CI gate: the GitLab and GitHub examples of docs/ci/ run as far as a machine without those
services can (their own shell steps, their flags unchanged, a CI file variable holding the key)
against real sshd hosts; --identity and ${ENV} in the inventory's path settings."""
import json
import os
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import BIN, SOURCE, cisscan

CI = os.path.join(SOURCE, "docs", "ci")
BUILD_STEP = "./dev/setup && cmake -S . -B build && cmake --build build -j2"


def clean_env(home, **extra):
    """No ssh-agent and a HOME of the test's own: the key can only come from the example."""
    env = {k: v for k, v in os.environ.items() if k not in ("SSH_AUTH_SOCK", "USER")}
    env.update(HOME=str(home), **extra)
    return env


def shell(script, cwd, env):
    """One CI step as its runner runs it (bash -e), with our binary for ./build/scanner/cisscan."""
    script = script.replace("./build/scanner/cisscan", BIN)
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def workspace(tmp_path, bed, hosts, waive_unhardened):
    """The repository the job checks out: the inventory (no identity_file) and the waivers."""
    ws = tmp_path / "ws"
    (ws / "inventory").mkdir(parents=True, exist_ok=True)
    (ws / "compliance").mkdir(exist_ok=True)
    inventory = {"defaults": {"user": "root"},
                 "hosts": [hosts["hardened"].inventory_entry(),
                           hosts["unhardened"].inventory_entry()]}
    (ws / "inventory" / "production.yaml").write_text(yaml.safe_dump(inventory))
    waiver = {"id": "W-CI", "checks": "*",
              "hosts": {"names": ["unhardened" if waive_unhardened else "no-such-host"]},
              "justification": "Known debt, tracked.", "approved_by": "CISO",
              "ticket": "SEC-1", "expires": "2099-12-31"}
    (ws / "compliance" / "waivers.yaml").write_text(yaml.safe_dump({"waivers": [waiver]}))
    return ws


def scan_command(script):
    return "cisscan scan" in script


def gitlab_job():
    with open(os.path.join(CI, "gitlab-ci.yml")) as f:
        return yaml.safe_load(f)["cis-audit"]


def run_gitlab(ws, home, variables):
    """The job's script (but the build) then its after_script, as a GitLab runner does with
    file variables: each variable holds the path of a file with the value."""
    job = gitlab_job()
    env = clean_env(home, **variables)
    steps = [s for s in job["script"] if s.strip() != BUILD_STEP]
    assert len(steps) == 1 and scan_command(steps[0]), steps
    scan = shell(steps[0], ws, env)
    after = [shell(s, ws, env) for s in job["after_script"]]
    return scan, after


def test_gitlab_example_scans_with_the_file_variable_key_and_gates(bed, hosts, tmp_path):
    job = gitlab_job()
    assert "--identity \"$AUDIT_KEY\"" in " ".join(job["script"])
    home = tmp_path / "home"
    home.mkdir()
    # GitLab writes a file variable's value to a file and puts that file's path in the variable.
    key_file = tmp_path / "AUDIT_KEY"
    shutil.copy(bed.client_key, key_file)
    os.chmod(key_file, 0o600)
    variables = {"AUDIT_KEY": str(key_file), "KNOWN_HOSTS": bed.known_hosts,
                 "CISSCAN_STORE_URL": f"sqlite:{tmp_path / 'history.db'}"}
    ws = workspace(tmp_path, bed, hosts, waive_unhardened=True)

    # First pipeline: no earlier run, --baseline-missing pass lets it through.
    scan, after = run_gitlab(ws, home, variables)
    assert scan.returncode == 0, scan.stderr
    report = ws / "cisscan-report"
    for name in ("report.json", "report.xml", "report.html", "report.md", "findings.csv"):
        assert (report / name).exists(), name
    record = json.loads((report / "report.json").read_text())
    assert {h["name"]: h["status"] for h in record["hosts"]} == {
        "hardened": "ok", "unhardened": "ok"}
    assert hosts["hardened"].authenticated() and hosts["unhardened"].authenticated()
    assert after[0].returncode == 0 and "# CIS Controls v8 compliance" in after[0].stdout
    junit = job["artifacts"]["reports"]["junit"]
    assert (ws / junit).exists()

    # Second pipeline, nothing changed: the baseline is the first run, nothing regressed.
    scan, _ = run_gitlab(ws, home, variables)
    assert scan.returncode == 0, scan.stderr
    listed = cisscan("history", "--store", variables["CISSCAN_STORE_URL"], "--format", "json")
    assert len(json.loads(listed.stdout)) == 2

    # Third: the waiver is gone, the unhardened host's failures are new against the baseline.
    ws = workspace(tmp_path, bed, hosts, waive_unhardened=False)
    scan, _ = run_gitlab(ws, home, variables)
    assert scan.returncode == 1, scan.stderr
    assert "new-failures" in scan.stderr and "unhardened" in scan.stderr


def test_gitlab_example_without_the_key_cannot_log_in(bed, hosts, tmp_path):
    """The control: the same job with AUDIT_KEY pointing at another key gets no host in."""
    home = tmp_path / "home"
    home.mkdir()
    other = tmp_path / "other_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    variables = {"AUDIT_KEY": str(other), "KNOWN_HOSTS": bed.known_hosts,
                 "CISSCAN_STORE_URL": f"sqlite:{tmp_path / 'history.db'}"}
    ws = workspace(tmp_path, bed, hosts, waive_unhardened=True)
    scan, _ = run_gitlab(ws, home, variables)
    assert scan.returncode == 3, scan.stderr
    record = json.loads((ws / "cisscan-report" / "report.json").read_text())
    assert {h["status"] for h in record["hosts"]} == {"error"}
    assert all("authentication as root failed" in h["reason"] for h in record["hosts"])


def github_steps():
    with open(os.path.join(CI, "github-actions.yml")) as f:
        return yaml.safe_load(f)["jobs"]["audit"]["steps"]


def test_github_example_runs_its_shell_steps_with_a_secret_key(bed, hosts, tmp_path):
    """Every `run:` step but the build, in order, as the Actions runner runs them: ${{ secrets.X }}
    substituted, step env, GITHUB_ENV carried to later steps, GITHUB_STEP_SUMMARY appended to.
    /etc/cisscan/known_hosts, the self-hosted runner's file, is the testbed's."""
    home = tmp_path / "home"
    home.mkdir()
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    github_env = tmp_path / "github_env"
    github_env.write_text("")
    summary = tmp_path / "summary.md"
    secrets = {"AUDIT_KEY": open(bed.client_key).read(),
               "CISSCAN_STORE_URL": f"sqlite:{tmp_path / 'history.db'}"}
    ws = workspace(tmp_path, bed, hosts, waive_unhardened=True)
    base = clean_env(home, RUNNER_TEMP=str(runner_temp), GITHUB_ENV=str(github_env),
                     GITHUB_STEP_SUMMARY=str(summary))
    results = {}
    for step in github_steps():
        if "run" not in step or step["run"].strip() == BUILD_STEP:
            continue
        script = re.sub(r"\$\{\{\s*secrets\.(\w+)\s*\}\}", lambda m: secrets[m.group(1)],
                        step["run"])
        script = script.replace("/etc/cisscan/known_hosts", bed.known_hosts)
        env = dict(base)
        for line in github_env.read_text().splitlines():
            name, _, value = line.partition("=")
            env[name] = value
        for name, value in step.get("env", {}).items():
            env[name] = re.sub(r"\$\{\{\s*secrets\.(\w+)\s*\}\}",
                               lambda m: secrets[m.group(1)], value)
        results[step.get("name", script[:20])] = shell(script, ws, env)
        if scan_command(script):
            # The key file as the scan saw it: only its owner can read it.
            key = runner_temp / "audit_key"
            assert oct(os.stat(key).st_mode & 0o777) == "0o600"
    scan = results["Scan and gate"]
    assert scan.returncode == 0, scan.stderr
    assert "--identity" in [s for s in github_steps() if s.get("name") == "Scan and gate"][0]["run"]
    record = json.loads((ws / "cisscan-report" / "report.json").read_text())
    assert {h["status"] for h in record["hosts"]} == {"ok"}
    assert summary.read_text().startswith("# CIS Controls v8 compliance")
    assert not (runner_temp / "audit_key").exists(), "the key outlived the job"


def test_identity_option_and_its_precedence(bed, hosts, tmp_path):
    """--identity is the key of every host whose inventory names none; a host's own
    identity_file wins over it."""
    other = tmp_path / "other_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump({"defaults": {"user": "root"}, "hosts": [
        hosts["hardened"].inventory_entry(),
        hosts["unhardened"].inventory_entry(identity_file=str(other))]}))
    out = str(tmp_path / "out")
    env = clean_env(tmp_path)
    proc = subprocess.run([BIN, "scan", "-i", str(inventory), "--identity", bed.client_key,
                           "--known-hosts", bed.known_hosts, "--out", out, "--format", "json"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 3, proc.stderr
    record = json.load(open(os.path.join(out, "report.json")))
    status = {h["name"]: (h["status"], h.get("reason") or "") for h in record["hosts"]}
    assert status["hardened"][0] == "ok"
    assert status["unhardened"][0] == "error"
    assert f"key {other}" in status["unhardened"][1]
    # $USER is unset here: the operator is the account's name from the password database.
    import pwd
    assert record["run"]["operator"].split("@")[0] == pwd.getpwuid(os.getuid()).pw_name


@pytest.mark.parametrize("args, message", [
    (["--identity", "/nonexistent/key"], "--identity /nonexistent/key: cannot read"),
])
def test_identity_that_cannot_be_read_is_exit_2_before_any_host(bed, hosts, tmp_path, args,
                                                               message):
    inventory = bed.inventory([hosts["hardened"].inventory_entry()])
    before = hosts["hardened"].log_text().count("Accepted publickey")
    run = cisscan("scan", "-i", inventory, *args, "--known-hosts", bed.known_hosts, "--out",
                  str(tmp_path / "out"))
    assert run.code == 2
    assert run.stderr.strip().splitlines() == [f"cisscan: {message}: No such file or directory"]
    assert hosts["hardened"].log_text().count("Accepted publickey") == before
    assert not (tmp_path / "out").exists()


def test_identity_without_an_inventory_is_exit_2(bed, tmp_path):
    run = cisscan("scan", "--identity", bed.client_key, "--out", str(tmp_path / "out"))
    assert run.code == 2
    assert len(run.stderr.strip().splitlines()) == 1
    assert "--identity" in run.stderr and "--inventory" in run.stderr


def test_inventory_paths_take_environment_variables(bed, hosts, tmp_path):
    """identity_file: ${AUDIT_KEY} and known_hosts: ${KNOWN_HOSTS}, as a CI file variable gives
    them; an unset variable is exit 2 naming the file, the line and the variable."""
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        "defaults:\n"
        "  user: root\n"
        "  identity_file: ${AUDIT_KEY}\n"
        "  known_hosts: ${CI_PROJECT_DIR}/known_hosts\n"
        "hosts:\n"
        f"  - {{name: hardened, address: {hosts['hardened'].address},"
        f" port: {hosts['hardened'].port}}}\n")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(bed.known_hosts, project / "known_hosts")
    out = str(tmp_path / "out")
    env = clean_env(tmp_path, AUDIT_KEY=bed.client_key, CI_PROJECT_DIR=str(project))
    proc = subprocess.run([BIN, "scan", "-i", str(inventory), "--out", out, "--format", "json"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    record = json.load(open(os.path.join(out, "report.json")))
    assert record["hosts"][0]["status"] == "ok"

    del env["AUDIT_KEY"]
    proc = subprocess.run([BIN, "scan", "-i", str(inventory), "--out", out + "2"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"cisscan: {inventory}:3: identity_file: the environment variable ${{AUDIT_KEY}} is "
        "not set"]
    assert not os.path.exists(out + "2")
