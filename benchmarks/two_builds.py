"""Two cisscan builds, each with its own catalog, scanning the same host in turn: the command-line
options that name them and the scan both sides run. Used by benchmarks/paired_scan.py and
benchmarks/booted_scan.py."""
import json
import os
import subprocess
import sys
import time


def add_options(parser):
    """--bin-a and --bin-b (the builds) and --checks-a, --checks-b (their catalogs, repeatable)."""
    parser.add_argument("--bin-a", required=True)
    parser.add_argument("--bin-b", required=True)
    parser.add_argument("--checks-a", action="append", default=[])
    parser.add_argument("--checks-b", action="append", default=[])


def scan(binary, checks, inventory, known_hosts, out):
    """BINARY scans INVENTORY's host under --profile level2-server with the catalogs CHECKS, the
    JSON record into OUT; exits the benchmark if it fails. Returns (the whole process's wall
    seconds, the record's first host)."""
    cmd = [binary, "-q", "scan", "-i", inventory, "--known-hosts", known_hosts, "--out", out,
           "--format", "json", "--profile", "level2-server"]
    for path in checks:
        cmd += ["--checks", path]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{binary} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    with open(os.path.join(out, "report.json")) as f:
        return wall, json.load(f)["hosts"][0]
