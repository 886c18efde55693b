#!/usr/bin/env python3
"""A hostile host floods the scanner while a healthy one is scanned beside it: how soon the flood
host is cut, and the scanner's peak memory, for a frame flood and for one endless frame (at the
default --host-output-limit and a smaller one). Needs root (sshd test hosts).

  benchmarks/hostile_flood.py [--repeat R] [--bin build/scanner/cisscan]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))
import testbed  # noqa: E402

HOSTILE = os.path.join(SOURCE, "tests", "testbed", "hostile")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bin", default=os.path.join(SOURCE, "build", "scanner", "cisscan"))
    args = parser.parse_args()
    bed = testbed.Testbed()
    try:
        healthy = bed.add_host("healthy", "hardened")
        flood = bed.add_host("flood", sshd_extra=f"ForceCommand {HOSTILE}/flood-frames\n")
        endless = bed.add_host("endless",
                               sshd_extra=f"ForceCommand {HOSTILE}/flood-frames bytes\n")
        cases = [("frame flood", flood, []),
                 ("endless frame, default limit (128 MiB)", endless, []),
                 ("endless frame, --host-output-limit 16 MiB", endless,
                  ["--host-output-limit", str(16 << 20)])]
        out = os.path.join(bed.dir, "out")
        for label, host, extra in cases:
            inventory = bed.inventory([healthy.inventory_entry(), host.inventory_entry()])
            walls, host_ms, healthy_ms, rss = [], [], [], []
            for _ in range(args.repeat):
                cmd = ["/usr/bin/time", "-f", "%M", args.bin, "-q", "scan", "-i", inventory,
                       "--known-hosts", bed.known_hosts, "--out", out, "--format", "json",
                       *extra]
                start = time.perf_counter()
                proc = subprocess.run(cmd, capture_output=True, text=True)
                walls.append(time.perf_counter() - start)
                if proc.returncode != 3:
                    sys.exit(f"expected exit 3, got {proc.returncode}: {proc.stderr}")
                rss.append(int(proc.stderr.strip().splitlines()[-1]))
                record = json.load(open(os.path.join(out, "report.json")))
                by_name = {h["name"]: h for h in record["hosts"]}
                assert by_name["healthy"]["status"] == "ok"
                assert by_name[host.name]["status"] == "error"
                host_ms.append(by_name[host.name]["stats"]["duration_ms"])
                healthy_ms.append(by_name["healthy"]["stats"]["duration_ms"])
            med = statistics.median
            print(f"{label}: hostile host cut after median {med(host_ms):.0f} ms "
                  f"(max {max(host_ms)} ms) from its start; healthy host {med(healthy_ms):.0f} ms "
                  f"and ok; whole run {med(walls) * 1000:.0f} ms; peak RSS median "
                  f"{med(rss) / 1024:.1f} MiB, max {max(rss) / 1024:.1f} MiB")
            print(f"  reason: {by_name[host.name]['reason']}")
    finally:
        bed.cleanup()


if __name__ == "__main__":
    main()
