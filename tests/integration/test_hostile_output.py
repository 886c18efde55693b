"""Host output crafted to attack the reports is shown as text and keeps every file valid."""
import os
import re

from conftest import SOURCE, cisscan


def test_hostile_output_is_escaped_and_reports_stay_valid(bed, hosts, out):
    inventory = bed.inventory([hosts["hardened"].inventory_entry()])
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                  "--checks", os.path.join(os.path.dirname(__file__), "data",
                                           "hostile-output-checks.yaml"),
                  "--out", out, out=out)  # cisscan() validates the record and the JUnit XML
    statuses = run.statuses("hardened")
    assert statuses["test-hostile-html"] == "fail"
    assert statuses["test-hostile-bytes"] == "fail"
    # The forged frame is just output: the probe's real frame closes after it.
    assert statuses["test-forged-frame"] == "pass"
    probes = {p["argument"][:40]: p for p in run.host("hardened")["probes"]}
    binary = [p for p in run.host("hardened")["probes"] if p["output_encoding"] == "base64"]
    assert len(binary) == 1
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/textarea&gt;" in html
    assert "\x01" not in html and "\x1b" not in html
    assert html.count("<script") <= 1  # the report's own script, nothing from a host
    xml = open(os.path.join(out, "report.xml"), encoding="utf-8").read()
    assert "\\x01" in xml and "\\x1B" in xml
    assert "<script>alert" not in re.sub(r"&lt;|&gt;", "", xml) or "&lt;script&gt;" in xml
