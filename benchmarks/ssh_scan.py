#!/usr/bin/env python3
"""Scan N local sshd test hosts with cisscan, beside OpenSSH running the exact scripts cisscan
generated. Prints per-host wall time, channels per host (from each sshd's own log) and cisscan's
peak memory. Needs root (test hosts live in private mount namespaces).

  benchmarks/ssh_scan.py [--hosts N] [--repeat R] [--bin build/scanner/cisscan]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))
import testbed  # noqa: E402


def timed(cmd, **kw):
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, **kw)
    return time.perf_counter() - start, proc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--bin", default=os.path.join(SOURCE, "build", "scanner", "cisscan"))
    parser.add_argument("--checks", action="append", default=[],
                        help="check file or folder (repeatable; default: the binary's catalog), "
                             "so two builds can be compared on one catalog")
    parser.add_argument("--profile", default=None,
                        help="profile to scan (default: level2-server with --checks, else the "
                             "scanner's default)")
    args = parser.parse_args()

    bed = testbed.Testbed()
    try:
        hosts = [bed.add_host(f"h{i}", "hardened") for i in range(args.hosts)]
        inventory = bed.inventory([h.inventory_entry() for h in hosts])
        scripts = tempfile.mkdtemp(prefix="cisscan-scripts-", dir=bed.dir)
        out = os.path.join(bed.dir, "out")
        walls, host_ms, rss = [], {h.name: [] for h in hosts}, []
        channels_before = {h.name: h.channels_opened() for h in hosts}
        for i in range(args.repeat):
            cmd = ["/usr/bin/time", "-f", "%M", args.bin, "-q", "scan", "-i", inventory,
                   "--known-hosts", bed.known_hosts, "--out", out, "--format", "json",
                   "--jobs", str(args.jobs)]
            for path in args.checks:
                cmd += ["--checks", path]
            profile = args.profile or ("level2-server" if args.checks else None)
            if profile:
                cmd += ["--profile", profile]
            if i == 0:
                cmd += ["--dump-scripts", scripts]
            wall, proc = timed(cmd, text=True)
            if proc.returncode not in (0, 1):
                sys.exit(f"cisscan failed ({proc.returncode}): {proc.stderr}")
            walls.append(wall)
            rss.append(int(proc.stderr.strip().splitlines()[-1]))
            record = json.load(open(os.path.join(out, "report.json")))
            for host in record["hosts"]:
                host_ms[host["name"]].append(host["stats"]["duration_ms"])
        channels = {h.name: (h.channels_opened() - channels_before[h.name]) / args.repeat
                    for h in hosts}
        checks = len(record["hosts"][0]["results"])
        probes = len(record["hosts"][0]["probes"])

        # OpenSSH running the exact scripts cisscan generated for the first host, as cisscan runs
        # them: both into one shell (the second script calls the functions and reads the
        # boundary that the first one's prelude defines; alone it would run nothing).
        first = hosts[0]
        ssh = ["ssh", "-T", "-i", bed.client_key, "-o", f"UserKnownHostsFile={bed.known_hosts}",
               "-o", "BatchMode=yes", "-p", str(first.port), "root@127.0.0.1", "sh -s"]
        facts_script = open(os.path.join(scripts, f"{first.name}.1.sh")).read()
        probe_script = open(os.path.join(scripts, f"{first.name}.2.sh")).read()
        ssh_both = []
        for _ in range(args.repeat):
            elapsed, proc = timed(ssh, input=facts_script + probe_script, text=True)
            if proc.returncode or ": cisscan_" in proc.stderr:
                sys.exit(f"ssh failed: {proc.returncode} {proc.stderr[-500:]}")
            ssh_both.append(elapsed)

        med = statistics.median
        print(f"hosts={args.hosts} checks={checks} probes/host={probes} repeat={args.repeat} "
              f"jobs={args.jobs}")
        print(f"cisscan whole run wall (process, catalog load to reports): median "
              f"{med(walls) * 1000:.1f} ms, min {min(walls) * 1000:.1f} ms")
        for name in list(host_ms)[:10]:
            print(f"  host {name}: median {med(host_ms[name]):.0f} ms, "
                  f"min {min(host_ms[name])} ms, channels/scan (sshd log) {channels[name]:.1f}")
        if len(host_ms) > 10:
            print(f"  ... {len(host_ms) - 10} more hosts")
        print(f"cisscan peak RSS: median {med(rss) / 1024:.1f} MiB, max {max(rss) / 1024:.1f} MiB")
        print(f"OpenSSH `ssh host sh -s < facts + probe scripts` (one connection, the same shell"
              f" work as cisscan's one channel, {len(facts_script) + len(probe_script)} bytes):"
              f" median {med(ssh_both) * 1000:.1f} ms, min {min(ssh_both) * 1000:.1f} ms")
    finally:
        bed.cleanup()


if __name__ == "__main__":
    main()
