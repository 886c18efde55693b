#!/usr/bin/env python3
"""What a large fleet costs the scanner in memory (issue 11: bounded by --jobs, not by fleet size).

Brings up N hosts on the network test bed (tests/testbed/netbed.py; every other one the
`unhardened` fixture, so that results fail and feed waivers' and risks' lists), lists each host
COPIES times under as many names (a fleet of N x COPIES entries; host keys are checked by
address), and scans it once with the full catalog. While it runs, cisscan's resident memory
(VmRSS) is sampled with the number of hosts done so far (its log line for each host), and the
report gives the RSS when a tenth of the hosts were done, at the last host, and the peak, with
the growth per finished host between the first two. Needs root.

  sudo /usr/bin/python3 benchmarks/fleet_memory.py [--hosts 200] [--copies 10] [--jobs 50]
      [--format json] [--bin BUILD]
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))
import netbed  # noqa: E402

HOST_DONE = re.compile(r"host \S+: (ok|error|unreachable|timeout|skipped) \(")


def child_of(pid):
    """The one child of process `pid` (the program /usr/bin/time runs), or None yet."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = f.read().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def scan(args, inventory, known_hosts, out):
    """Runs the scan; returns (samples of (hosts done, RSS KiB), /usr/bin/time's line)."""
    usage = tempfile.NamedTemporaryFile("r")
    cmd = ["/usr/bin/time", "-o", usage.name, "-f", "%e s wall, %U+%S s CPU, peak %M KiB",
           args.bin, "scan", "-i", inventory, "--known-hosts", known_hosts, "--out", out,
           "--format", args.format, "--jobs", str(args.jobs), "--connect-timeout", "60"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            errors="replace")
    done = [0]

    def count():
        for line in proc.stderr:
            if HOST_DONE.search(line):
                done[0] += 1

    reader = threading.Thread(target=count, daemon=True)
    reader.start()
    samples = []
    scanner = None
    try:
        while proc.poll() is None:
            scanner = scanner or child_of(proc.pid)
            rss = rss_kib(scanner) if scanner else None
            if rss is not None:
                samples.append((done[0], rss))
            time.sleep(args.every)
    finally:
        if proc.poll() is None:  # interrupted: the scan ends before its hosts do
            os.kill(scanner or proc.pid, signal.SIGKILL)
            proc.wait()
    reader.join()
    if proc.returncode not in (0, 1):
        sys.exit(f"cisscan exited {proc.returncode}")
    return samples, usage.read().strip().splitlines()[-1]  # after "Command exited with ..."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=200, help="test hosts brought up")
    parser.add_argument("--copies", type=int, default=10, help="names each host is listed under")
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--format", default="json", help="the scan's --format")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between RSS samples")
    parser.add_argument("--bin", default=os.path.join(SOURCE, "build", "scanner", "cisscan"))
    args = parser.parse_args()

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bed = netbed.Netbed()
    try:
        start = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:  # each start mostly waits on sshd
            hosts = list(pool.map(
                lambda i: bed.add_host(f"h{i:03d}", "unhardened" if i % 2 else "hardened"),
                range(args.hosts)))
        print(f"test bed: {len(hosts)} hosts up in {time.perf_counter() - start:.0f} s",
              flush=True)
        entries = [dict(h.inventory_entry(), name=f"{h.name}-{k}")
                   for k in range(args.copies) for h in hosts]
        inventory = bed.inventory(entries)
        out = tempfile.mkdtemp(prefix="out-", dir=bed.dir)
        samples, usage = scan(args, inventory, bed.known_hosts, out)
        if not samples:
            sys.exit(f"the scan ended before its memory could be read: {usage}")
        fleet = len(entries)
        tenth = next((rss for n, rss in samples if n >= fleet // 10), None)
        last = next((rss for n, rss in samples if n >= fleet), samples[-1][1])
        record = os.path.join(out, "report.json")
        with open(record) as f:
            statuses = {}
            for host in json.load(f)["hosts"]:
                statuses[host["status"]] = statuses.get(host["status"], 0) + 1
        print(f"{fleet} hosts ({args.hosts} x {args.copies}), full catalog, --jobs {args.jobs}: "
              f"{usage}; record {os.path.getsize(record) / 1e6:.0f} MB, hosts {statuses}")
        if tenth is not None:
            per_host = (last - tenth) / (fleet - fleet // 10)
            print(f"RSS at {fleet // 10} hosts done {tenth / 1024:.0f} MiB, at {fleet} done "
                  f"{last / 1024:.0f} MiB ({per_host:.1f} KiB a finished host), sampled peak "
                  f"{max(rss for _, rss in samples) / 1024:.0f} MiB")
    finally:
        bed.cleanup()


if __name__ == "__main__":
    main()
