"""Golden files per report format, rendered from a saved record. Names carry the scenario, the
scan's exit code and the format (fleet.3.xml). Timestamps are normalised. Regenerate with
CISSCAN_UPDATE_GOLDEN=1 after a deliberate change, and read the diff."""
import os
import re
import subprocess

import pytest

from conftest import SOURCE, cisscan

GOLDEN = os.path.join(SOURCE, "tests", "golden")
RECORD = os.path.join(GOLDEN, "records", "fleet.json")
FILES = {"json": "report.json", "junit": "report.xml", "md": "report.md", "csv": "findings.csv",
         "html": "report.html", "prom": "cisscan.prom"}
SUFFIX = {"json": "json", "junit": "xml", "md": "md", "csv": "csv", "html": "html", "prom": "prom"}
TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")


def normalise(text):
    return TIME.sub("<TIME>", text)


def check_golden(name, text):
    path = os.path.join(GOLDEN, name)
    if os.environ.get("CISSCAN_UPDATE_GOLDEN"):
        with open(path, "w") as f:
            f.write(text)
    with open(path) as f:
        assert normalise(text) == normalise(f.read()), f"{name} differs from the golden file"


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_formats_match_golden_files(tmp_path, fmt, monkeypatch):
    # The HTML says when it was rendered: fix that time (reproducible builds' convention).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    out = str(tmp_path / "out")
    run = cisscan("report", RECORD, "--format", fmt, "--out", out, out=out)
    assert run.code == 0, run.stderr
    with open(os.path.join(out, FILES[fmt]), encoding="utf-8") as f:
        text = f.read()
    check_golden(f"fleet.3.{SUFFIX[fmt]}", text)
    if fmt == "prom":
        # What node_exporter's textfile collector reads: Prometheus' own linter accepts it.
        lint = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                              text=True)
        assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_rewaived_formats_match_golden_files(tmp_path, fmt):
    """The same run with a newer waiver file applied at report time, as of a fixed date."""
    out = str(tmp_path / "out")
    waivers = os.path.join(SOURCE, "tests", "integration", "data", "waivers-later.yaml")
    run = cisscan("report", RECORD, "--format", fmt, "--waivers", waivers, "--as-of",
                  "2027-01-15", "--out", out, out=out)
    assert run.code == 0, run.stderr
    with open(os.path.join(out, FILES[fmt]), encoding="utf-8") as f:
        check_golden(f"fleet-rewaived.3.{SUFFIX[fmt]}", f.read())
