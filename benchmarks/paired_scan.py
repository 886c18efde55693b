#!/usr/bin/env python3
"""Two cisscan builds (or catalogs) scanning one loopback test host (the hardened fixture) in turn,
A, B, A, B, ...: on a shared, noisy machine the difference between neighbouring scans says more
than two medians taken minutes apart. Prints each side's host duration (from the record), the
median of the paired differences, the recorded time of the probes whose command matches
--probes, and whether both sides gave the same verdicts. Needs root (test hosts live in private
mount namespaces).

  benchmarks/paired_scan.py --bin-a OLD --checks-a DIR ... --bin-b NEW --checks-b DIR ...
                            [--repeat 25] [--probes REGEX]
"""
import argparse
import os
import re
import statistics
import sys

import two_builds

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))
import testbed  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    two_builds.add_options(parser)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--probes", default=r"dpkg-query -s|dpkg states",
                        help="regex over probe commands whose recorded time is summed")
    args = parser.parse_args()
    pattern = re.compile(args.probes)

    bed = testbed.Testbed()
    try:
        host = bed.add_host("h0", "hardened")
        inventory = bed.inventory([host.inventory_entry()])
        sides = {"a": (args.bin_a, args.checks_a), "b": (args.bin_b, args.checks_b)}
        runs = {"a": [], "b": []}
        for _ in range(args.repeat):
            for side, (binary, checks) in sides.items():
                _, record = two_builds.scan(binary, checks, inventory, bed.known_hosts,
                                            os.path.join(bed.dir, "out-" + side))
                probes = [p for p in record["probes"] if pattern.search(p["command"])]
                runs[side].append({
                    "ms": record["stats"]["duration_ms"],
                    "probes_ms": sum(p.get("duration_ms") or 0 for p in probes),
                    "probes": len(probes),
                    "verdicts": {r["check_id"]: r["status"] for r in record["results"]},
                })
        med = statistics.median
        for side in ("a", "b"):
            ms = [r["ms"] for r in runs[side]]
            print(f"{side}: host median {med(ms)} ms (min {min(ms)}), {runs[side][0]['probes']} "
                  f"probes matching, their recorded time median "
                  f"{med([r['probes_ms'] for r in runs[side]])} ms")
        pairs = [b["ms"] - a["ms"] for a, b in zip(runs["a"], runs["b"])]
        print(f"b - a, neighbouring scans: median {med(pairs)} ms over {len(pairs)} pairs")
        same = all(a["verdicts"] == b["verdicts"] for a, b in zip(runs["a"], runs["b"]))
        print(f"same verdicts in every pair: {same}; load average "
              f"{' '.join(open('/proc/loadavg').read().split()[:3])}")
    finally:
        bed.cleanup()


if __name__ == "__main__":
    main()
