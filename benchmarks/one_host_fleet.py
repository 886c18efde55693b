"""A fleet's cost to the scanner alone: one `hardened` test-bed host (tests/testbed) listed under
N names, scanned by each build given, at each --jobs. Prints each scan's wall time, cisscan's
user + sys CPU and its peak RSS (from /usr/bin/time). The host's sshd sessions share this
machine's cores, so wall time here measures the test bed, not the scanner; read CPU and RSS.

    sudo /usr/bin/python3 benchmarks/one_host_fleet.py --hosts 50,200 --jobs 10,50 BIN [BIN...]
"""
import argparse
import os
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
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    bed = testbed.Testbed()
    try:
        entry = bed.add_host("h0", "hardened").inventory_entry()
        with tempfile.TemporaryDirectory() as out:
            for count in args.hosts:
                inventory = bed.inventory([dict(entry, name=f"h{i:03d}") for i in range(count)])
                for jobs in args.jobs:
                    for _ in range(args.reps):
                        for binary in args.binaries:
                            proc = subprocess.run(
                                ["/usr/bin/time", "-f", "%e %U %S %M", binary, "-q", "scan",
                                 "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out,
                                 "--format", args.format, "--jobs", str(jobs)]
                                + [x for path in args.checks for x in ("--checks", path)],
                                capture_output=True, text=True)
                            if proc.returncode not in (0, 1):
                                sys.exit(f"{binary}: exit {proc.returncode}: {proc.stderr[-500:]}")
                            wall, user, system, rss = proc.stderr.split()[-4:]
                            print(f"hosts {count} jobs {jobs} {binary}: wall {float(wall):.1f} s, "
                                  f"cpu {float(user) + float(system):.2f} s, "
                                  f"peak RSS {int(rss) // 1024} MiB", flush=True)
    finally:
        bed.cleanup()


if __name__ == "__main__":
    main()
