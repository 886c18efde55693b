"""`cisscan scan` with no inventory checks this machine through the local transport."""
import os

from conftest import cisscan


def test_local_scan_writes_all_three_reports(out):
    run = cisscan("scan", "--out", out, out=out)
    assert run.code in (0, 1), run.stderr
    assert sorted(os.listdir(out)) == ["report.html", "report.json", "report.xml"]
    record = run.record
    assert len(record["hosts"]) == 1
    host = record["hosts"][0]
    assert host["status"] == "ok"
    assert host["transport"] == "local"
    assert host["stats"]["channels"] == 1
    assert record["run"]["catalog_digest"]
    assert record["scores"]["ig1"]["total"] == 56


def test_only_chosen_formats_are_written(out):
    run = cisscan("scan", "--format", "junit", "--out", out, out=out)
    assert run.code in (0, 1)
    assert os.listdir(out) == ["report.xml"]
