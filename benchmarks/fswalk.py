#!/usr/bin/env python3
"""The shared filesystem walk against plain find over the same loopback SSH test host.

Starts one real sshd test host (the hardened fixture, tests/testbed/) and, interleaved R times so
that every command sees the same load and the same warm inode cache, measures the wall time of:
  - cisscan scanning it with the walk's checks only (checks/debian/filesystem-walk.yaml): the
    whole process, connect to report;
  - `ssh host find MOUNTS -xdev` over the same local filesystems the walk found (its "walk"
    lines; the fixture host has more than / : overlays on /etc and /usr/lib, tmpfs on /tmp...),
    with no predicate: find reads folders and stats nothing;
  - `ssh host find MOUNTS -xdev -type f -perm -0002`, one audit predicate: every entry is
    stat'ed, the least any walk that looks at modes or owners can do (the reference pass), also
    under the priority cisscan gives its probes (nice 10, idle I/O class);
  - the benchmark's audits as separate find passes over SSH (world-writable files, folders
    without the sticky bit, -nouser, -nogroup), as a per-recommendation scanner would run them.
Needs root (test hosts live in private mount namespaces).

  sudo /usr/bin/python3 benchmarks/fswalk.py [--repeat R] [--bin build/scanner/cisscan]
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))
import testbed  # noqa: E402

SEPARATE = [
    "-type f -perm -0002",
    "-type d -perm -0002 ! -perm -1000",
    "\\( -type f -o -type d \\) -nouser",
    "\\( -type f -o -type d \\) -nogroup",
]


def timed(cmd, **kw):
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.perf_counter() - start, proc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bin", default=os.path.join(SOURCE, "build", "scanner", "cisscan"))
    args = parser.parse_args()

    bed = testbed.Testbed()
    try:
        host = bed.add_host("walk", "hardened")
        inventory = bed.inventory([host.inventory_entry()])
        out = os.path.join(bed.dir, "out")
        ssh = ["ssh", "-T", "-i", bed.client_key, "-o", f"UserKnownHostsFile={bed.known_hosts}",
               "-o", "BatchMode=yes", "-p", str(host.port), "root@127.0.0.1"]
        scan = [args.bin, "-q", "scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                "-c", os.path.join(SOURCE, "checks", "debian", "filesystem-walk.yaml"),
                "--out", out, "--format", "json"]
        times = {"cisscan": [], "plain": [], "one": [], "one_nice": [], "separate": []}
        walk_ms = []
        for _ in range(args.repeat):
            wall, proc = timed(scan)
            if proc.returncode not in (0, 1):
                sys.exit(f"cisscan failed ({proc.returncode}): {proc.stderr}")
            times["cisscan"].append(wall)
            record = json.load(open(os.path.join(out, "report.json")))
            probes = record["hosts"][0]["probes"]
            walk = [p for p in probes if p["type"] == "fswalk"]
            if len(walk) != 1 or walk[0]["exit_code"] != 0:
                sys.exit(f"expected one walk probe that succeeded: {walk}")
            walk_ms.append(walk[0]["duration_ms"])
            starts = " ".join(shlex.quote(line[5:line.rindex(" ")])
                              for line in walk[0]["output"].splitlines()
                              if line.startswith("walk "))
            find = f"find {starts} -xdev "
            for key, command in (("plain", find), ("one", find + SEPARATE[0]),
                                 ("one_nice", "nice -n 10 ionice -c 3 " + find + SEPARATE[0])):
                wall, proc = timed(ssh + [command + " >/dev/null 2>&1"])
                times[key].append(wall)
            total = 0.0
            for command in SEPARATE:
                wall, proc = timed(ssh + [find + command + " >/dev/null 2>&1"])
                total += wall
            times["separate"].append(total)

        med = statistics.median
        base = med(times["one"])
        lines = walk[0]["output"].splitlines()
        print(f"repeat={args.repeat}, {sum(line.startswith('walk ') for line in lines)} start "
              "points: " + ", ".join(line[5:] for line in lines if line.startswith("walk ")
                                     and not line.startswith("walk /etc/")))
        print(", ".join(line for line in lines if line.startswith("total ")))
        for key, what in (("cisscan", "cisscan scan, the walk's 2 checks (whole process)"),
                          ("plain", "ssh host find MOUNTS -xdev (nothing stat'ed)"),
                          ("one", "ssh host find MOUNTS -xdev -type f -perm -0002"),
                          ("one_nice", "the same under nice -n 10 ionice -c 3, as cisscan runs"
                                       " probes"),
                          ("separate", "4 separate find passes over ssh (7.1.11 + 7.1.12)")):
            values = times[key]
            print(f"{what}: median {med(values):.2f} s, min {min(values):.2f} s, "
                  f"ratio to one find pass {med(values) / base:.2f}")
        print(f"the walk probe inside the scan: median {med(walk_ms) / 1000:.2f} s")
    finally:
        bed.cleanup()


if __name__ == "__main__":
    main()
