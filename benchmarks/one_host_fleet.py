"""A fleet's cost to the scanner alone: one `hardened` test-bed host (tests/testbed) listed under
N names, scanned by each build given, at each --jobs. Prints each scan's wall time, cisscan's
user + sys CPU and its peak RSS (from /usr/bin/time). The host's sshd sessions share this
machine's cores, so wall time here measures the test bed, not the scanner; read CPU and RSS.

    sudo /usr/bin/python3 benchmarks/one_host_fleet.py --hosts 50,200 --jobs 10,50 BIN [BIN...]

With --task-clock, CPU is perf stat's task-clock (finer than time's 10 ms steps), and with hosts
1 among --hosts the end prints each build's CPU a host: (median at N - median at 1) / (N - 1).

With --instructions, each scan runs under valgrind's callgrind and what is counted is the
scanner's instructions (user space only: not its system calls), which, unlike CPU time on a shared
machine, are the same from run to run: a change of a few per cent shows in one scan of each size.
Wall time and peak RSS are then valgrind's.

With --other-known-hosts K, the known_hosts file holds K other hosts' lines before the test
host's, as a fleet's does; with --hash-known-hosts too, hashed by `ssh-keygen -H` (OpenSSH's
HashKnownHosts, Debian's default).
"""
import argparse
import collections
import os
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "testbed"))
import testbed  # noqa: E402


def numbers(text):
    return [int(x) for x in text.split(",")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=numbers, default=[1, 50])
    parser.add_argument("--jobs", type=numbers, default=[10])
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--format", default="json")
    parser.add_argument("--checks", action="append", default=[],
                        help="a catalog in place of the shipped one (repeatable), e.g. "
                        "benchmarks/light")
    parser.add_argument("--task-clock", action="store_true",
                        help="CPU from `perf stat -e task-clock` (needs linux-perf)")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions under valgrind's callgrind (needs valgrind)")
    parser.add_argument("--other-known-hosts", type=int, default=0,
                        help="lines of other hosts put before the test host's in known_hosts")
    parser.add_argument("--hash-known-hosts", action="store_true",
                        help="hash the known_hosts file (ssh-keygen -H)")
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    cpu = collections.defaultdict(list)  # (hosts, jobs, binary) -> CPU seconds of each scan
    bed = testbed.Testbed()
    try:
        host = bed.add_host("h0", "hardened")
        entry = host.inventory_entry()
        with tempfile.TemporaryDirectory() as out:
            known_hosts = bed.known_hosts
            if args.other_known_hosts or args.hash_known_hosts:
                known_hosts = os.path.join(out, "known_hosts")
                key = host.known_hosts_line.split(" ", 1)[1]
                with open(known_hosts, "w") as f:
                    for i in range(args.other_known_hosts):
                        f.write(f"10.{i // 250}.{i % 250}.7 {key}")
                    f.write(host.known_hosts_line)
                if args.hash_known_hosts:
                    subprocess.run(["ssh-keygen", "-q", "-H", "-f", known_hosts], check=True,
                                   capture_output=True)
            for count in args.hosts:
                inventory = bed.inventory([dict(entry, name=f"h{i:03d}") for i in range(count)])
                for jobs in args.jobs:
                    for _ in range(args.reps):
                        for binary in args.binaries:
                            clock = os.path.join(out, "task-clock")
                            perf = (["perf", "stat", "-x,", "-e", "task-clock", "-o", clock]
                                    if args.task_clock else [])
                            counter = (["valgrind", "--tool=callgrind",
                                        "--callgrind-out-file=/dev/null"]
                                       if args.instructions else [])
                            proc = subprocess.run(
                                perf + ["/usr/bin/time", "-f", "%e %U %S %M"] + counter
                                + [binary, "-q", "scan",
                                 "-i", inventory, "--known-hosts", known_hosts, "--out", out,
                                 "--format", args.format, "--jobs", str(jobs)]
                                + [x for path in args.checks for x in ("--checks", path)],
                                capture_output=True, text=True)
                            if proc.returncode not in (0, 1):
                                sys.exit(f"{binary}: exit {proc.returncode}: {proc.stderr[-500:]}")
                            wall, user, system, rss = proc.stderr.split()[-4:]
                            seconds = float(user) + float(system)
                            if args.task_clock:
                                with open(clock) as f:
                                    seconds = next(float(line.split(",")[0]) / 1000
                                                   for line in f if "task-clock" in line)
                            if args.instructions:
                                seconds = int(re.search(r"Collected : (\d+)",
                                                        proc.stderr).group(1))
                            cpu[(count, jobs, binary)].append(seconds)
                            print(f"hosts {count} jobs {jobs} {binary}: wall {float(wall):.1f} s, "
                                  + (f"{seconds / 1e6:.1f}M instructions, " if args.instructions
                                     else f"cpu {seconds:.3f} s, ")
                                  + f"peak RSS {int(rss) // 1024} MiB", flush=True)
    finally:
        bed.cleanup()
    for (count, jobs, binary), runs in sorted(cpu.items()):
        one = cpu.get((1, jobs, binary))
        if count > 1 and one:
            per_host = (statistics.median(runs) - statistics.median(one)) / (count - 1)
            what = (f"instructions a host {per_host / 1e6:.2f}M" if args.instructions
                    else f"CPU a host {per_host * 1000:.2f} ms")
            print(f"{binary} jobs {jobs}: {what} "
                  f"(medians of {len(runs)} and {len(one)} scans of {count} and 1 hosts)")


if __name__ == "__main__":
    main()
