#!/usr/bin/env python3
"""Two builds scanning one booted systemd host (tests/testbed/systemd_host.py, the `services`
recipe: cron, rsyslog, systemd-timesyncd, systemd-journal-remote; systemd as PID 1), alternating
A, B, A, B, ... so that both meet the same load. Prints each build's host time (the record's
duration_ms: connect to last probe) and whole-process wall time, their medians and minimums, the
probes each ran, how many of them were answered from the facts, and the recorded time of the
service-state checks' probes (with the f-units fact that answers them). Needs root.

  benchmarks/booted_scan.py --bin-a OLD --checks-a OLD/debian --checks-a OLD/proxmox \
      --bin-b NEW --checks-b NEW/debian --checks-b NEW/proxmox [--rounds 7] [--suite bookworm]

Each build gets its own catalog (`--checks-*`, repeatable; run under --profile level2-server as
benchmarks/ssh_scan.py does), e.g. the shipped one without checks/debian/filesystem-walk.yaml.
"""
import argparse
import json
import os
import statistics
import sys

import two_builds

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "integration"))
import booted_hosts  # noqa: E402
import testbed  # noqa: E402
from test_service_checks import CHECKS as SERVICE_CHECKS, DROPINS  # noqa: E402


def scan(binary, checks, bed, host, out):
    wall, record = two_builds.scan(binary, checks, bed.inventory([host.inventory_entry()]),
                                   bed.known_hosts, out)
    derived = sum(p["command"].startswith("(answered from probe") for p in record["probes"])
    statuses = sorted((r["check_id"], r["status"]) for r in record["results"])
    # The service states' own cost: the probes of the service-state checks as recorded (each
    # probe's duration on the host; 0 when answered from the facts) and the f-units fact.
    ids = {i for r in record["results"] if r["check_id"] in SERVICE_CHECKS for i in r["probe_ids"]}
    ids.add("f-units")
    service_ms = sum(p["duration_ms"] for p in record["probes"] if p["id"] in ids)
    return (wall, record["stats"]["duration_ms"], len(record["probes"]), derived, statuses,
            service_ms)


def main():
    parser = argparse.ArgumentParser()
    two_builds.add_options(parser)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--suite", default="bookworm")
    parser.add_argument("--top", type=int, default=0,
                        help="also print B's N slowest probes (recorded duration, last scan)")
    args = parser.parse_args()

    bed = testbed.Testbed()
    try:
        # As tests/integration/test_service_checks.py: not a container, so the time checks apply.
        with booted_hosts.booted(bed, "booted", args.suite, files=DROPINS,
                                 uncontained=True) as host:
            report(args, bed, host)
    finally:
        bed.cleanup()


def report(args, bed, host):
    """Scans HOST with both builds, args.rounds times after a warm-up, and prints what they gave."""
    builds = {"A": (args.bin_a, args.checks_a), "B": (args.bin_b, args.checks_b)}
    seen = {name: [] for name in builds}
    for name, (binary, checks) in builds.items():  # warm-up, not counted
        scan(binary, checks, bed, host, os.path.join(bed.dir, f"out-{name}"))
    for _ in range(args.rounds):
        for name, (binary, checks) in builds.items():
            seen[name].append(scan(binary, checks, bed, host,
                                   os.path.join(bed.dir, f"out-{name}")))
    med = statistics.median
    for name, runs in seen.items():
        walls = [r[0] * 1000 for r in runs]
        hosts = [r[1] for r in runs]
        print(f"{name} {builds[name][0]}: host median {med(hosts):.0f} ms (min {min(hosts)}, "
              f"max {max(hosts)}), process median {med(walls):.0f} ms (min {min(walls):.0f}); "
              f"{runs[0][2]} probes, {runs[0][3]} answered from the facts, "
              f"{len(runs[0][4])} checks; the service states' probes "
              f"{med([r[5] for r in runs]):.0f} ms (median)")
    diffs = [b[1] - a[1] for a, b in zip(seen["A"], seen["B"])]
    print(f"B - A host time, round by round: median {med(diffs):+.0f} ms "
          f"({min(diffs):+d} to {max(diffs):+d})")
    a, b = dict(seen["A"][0][4]), dict(seen["B"][0][4])
    changed = {c: (a.get(c), b.get(c)) for c in sorted(set(a) | set(b)) if a.get(c) != b.get(c)}
    print(f"verdicts that differ between A and B: {changed or 'none'}")
    if args.top:
        with open(os.path.join(bed.dir, "out-B", "report.json")) as f:
            probes = json.load(f)["hosts"][0]["probes"]
        print(f"B's {args.top} slowest probes (ms, id):")
        for p in sorted(probes, key=lambda p: -p["duration_ms"])[:args.top]:
            print(f"  {p['duration_ms']:5d}  {p['id']}  {p['command'][:90]!r}")
        print(f"  all probes: {sum(p['duration_ms'] for p in probes)} ms")
    print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
