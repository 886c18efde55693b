"""Shared fixtures of the integration suite: the cisscan binary, a testbed of real sshd hosts,
and validators for what cisscan writes (JSON Schema, our JUnit XSD, Jenkins' JUnit XSD)."""
import json
import os
import subprocess
import sys
import tempfile

import jsonschema
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CISSCAN_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))

import testbed  # noqa: E402

BIN = os.environ.get("CISSCAN_BIN", os.path.join(SOURCE, "build", "scanner", "cisscan"))
SCHEMA = os.path.join(SOURCE, "reports", "schema", "record.schema.json")
OUR_XSD = os.path.join(SOURCE, "reports", "junit", "cisscan-junit.xsd")
JENKINS_XSD = os.path.abspath(os.path.join(SOURCE, "..", "shared", "reference", "junit-10.xsd"))


class Run:
    def __init__(self, proc, out):
        self.proc = proc
        self.code = proc.returncode
        self.stderr = proc.stderr
        self.stdout = proc.stdout
        self.out = out

    @property
    def record(self):
        with open(os.path.join(self.out, "report.json")) as f:
            return json.load(f)

    def host(self, name):
        return next(h for h in self.record["hosts"] if h["name"] == name)

    def statuses(self, name):
        return {r["check_id"]: r["status"] for r in self.host(name)["results"]}

    def files_text(self):
        """Everything cisscan wrote or logged in this run."""
        texts = [self.stderr, self.stdout]
        for name in os.listdir(self.out):
            with open(os.path.join(self.out, name), "rb") as f:
                texts.append(f.read().decode("utf-8", "replace"))
        return "\n".join(texts)


def cisscan(*args, out=None, check_reports=True):
    """Runs cisscan; validates every record and JUnit file it wrote."""
    proc = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600)
    run = Run(proc, out)
    if out and check_reports and os.path.exists(os.path.join(out, "report.json")):
        validate_record(run.record)
        if os.path.exists(os.path.join(out, "report.xml")):
            validate_junit(os.path.join(out, "report.xml"))
    return run


def peak_rss_kib(*args):
    """Peak RSS of one cisscan run, as GNU time reports it. Not from a fork of this process:
    Linux keeps a process's peak RSS across execve, so a child forked from a large pytest would
    report pytest's own peak."""
    with tempfile.NamedTemporaryFile("r") as report:
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, BIN, *args],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
        return proc.returncode, int(report.read().split()[-1])


def scan_sleeps(bed, entries, checks, folder):
    """Scans the inventory `entries` with the catalog `checks` (every host must pass) and returns
    the times the scan's threads went to sleep (voluntary context switches): a thread that wakes
    on a clock rather than for its input shows here."""
    inventory = bed.inventory(entries, path=os.path.join(folder, "inventory.yaml"))
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([BIN, "scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                                 "--checks", checks, "--out", os.path.join(folder, "out"),
                                 "--format", "json"], stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        err.seek(0)
        assert os.waitstatus_to_exitcode(status) == 0, err.read()
    return usage.ru_nvcsw


def slow_catalog(folder, seconds):
    """A catalog of one check whose probe sleeps `seconds` before it answers: a host that keeps
    its channel open with nothing to carry."""
    path = os.path.join(folder, "slow.yaml")
    with open(path, "w") as f:
        f.write(f"""checks:
  - id: slow-host
    title: A host that works for a while before it answers
    safeguards: ["4.1"]
    probe: {{command: "sleep {seconds}; echo done"}}
    expect: {{line: '^done$'}}
    rationale: A long probe keeps the channel open with nothing to carry.
    remediation: None.
""")
    return path


def validate_record(record):
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        record)


def validate_junit(path):
    schemas = [OUR_XSD] + ([JENKINS_XSD] if os.path.exists(JENKINS_XSD) else [])
    for xsd in schemas:
        proc = subprocess.run(["xmllint", "--noout", "--schema", xsd, path],
                              capture_output=True, text=True)
        assert proc.returncode == 0, f"{path} does not validate against {xsd}:\n{proc.stderr}"


def shipped_checks():
    """Every check of the shipped catalog (level2-server selects them all; the default profile,
    level1-server, leaves out the Level 2 ones)."""
    proc = subprocess.run([BIN, "list", "checks", "--profile", "level2-server"],
                          capture_output=True, text=True, check=True)
    return [line.split("\t") for line in proc.stdout.splitlines()]


@pytest.fixture(scope="session")
def bed():
    tb = testbed.Testbed()
    yield tb
    tb.cleanup()


@pytest.fixture(scope="session")
def hosts(bed):
    """The standing hosts: one hardened, one unhardened."""
    return {
        "hardened": bed.add_host("hardened", "hardened"),
        "unhardened": bed.add_host("unhardened", "unhardened"),
    }


@pytest.fixture
def out(tmp_path):
    return str(tmp_path / "out")
