"""What a bastion's hosts cost the scanner while they work: N test hosts reachable only through a
bastion (tests/testbed/netbed.py, network "b"), each running a probe that sleeps S seconds, scanned
by each build given in turn. Prints, per run, the wall time, the scanner's CPU (user + sys) and
peak RSS (/usr/bin/time), the times its threads went to sleep (voluntary context switches: a
forwarder that looks at its tunnels on a clock shows here), and how many hosts ended `ok`.

    sudo /usr/bin/python3 benchmarks/bastion_idle.py --hosts 100 --reps 2 OLD_BIN NEW_BIN
    sudo /usr/bin/python3 benchmarks/bastion_idle.py --hosts 20 --checks checks --jobs 10 BIN

Needs root (network namespaces). Builds alternate within each repetition, so a drifting machine
shows in both columns alike."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "testbed"))
import netbed  # noqa: E402

SLOW = """checks:
  - id: bench-slow-host
    title: A host that works for a while before it answers
    safeguards: ["4.1"]
    probe: {{command: "sleep {seconds}; echo done"}}
    expect: {{line: '^done$'}}
    rationale: Benchmark only; keeps every tunnel open with nothing to carry.
    remediation: None.
"""


def run(binary, inventory, bed, checks, jobs, out):
    with tempfile.NamedTemporaryFile("r") as usage:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%U %S %M %w", "-o", usage.name, binary,
                               "-q", "scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                               "--identity", bed.client_key, "--checks", checks, "--out", out,
                               "--format", "json", "--jobs", str(jobs)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        user, system, rss_kib, sleeps = usage.read().split()[-4:]
    if proc.returncode not in (0, 1):
        sys.exit(f"{binary}: exit {proc.returncode}: {proc.stderr.strip()[-500:]}")
    with open(os.path.join(out, "report.json")) as f:
        statuses = [h["status"] for h in json.load(f)["hosts"]]
    return (f"{os.path.basename(binary):<24} wall {wall:6.2f} s  cpu "
            f"{float(user) + float(system):5.2f} s  rss {int(rss_kib) // 1024:4d} MiB  sleeps "
            f"{int(sleeps):6d}  ok {statuses.count('ok')}/{len(statuses)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="+", help="cisscan binaries, run in turn")
    parser.add_argument("--hosts", type=int, default=100, help="hosts behind the bastion")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--sleep", type=int, default=8, help="seconds each host's probe sleeps")
    parser.add_argument("--checks", help="a catalog instead of the sleeping probe")
    parser.add_argument("--jobs", type=int, default=100)
    args = parser.parse_args()
    bed = netbed.Netbed()
    try:
        bastion = bed.add_bastion("bastion")
        hosts = bed.add_hosts([f"h{i}" for i in range(args.hosts)], network="b")
        inventory = os.path.join(bed.dir, "inventory.yaml")
        with open(inventory, "w") as f:
            f.write("hosts:\n")
            for entry in [bastion.inventory_entry()] + [h.inventory_entry(jump="bastion")
                                                        for h in hosts]:
                f.write(f"  - {json.dumps(entry)}\n")
        checks = args.checks
        if checks is None:
            checks = os.path.join(bed.dir, "slow.yaml")
            with open(checks, "w") as f:
                f.write(SLOW.format(seconds=args.sleep))
        print(f"{args.hosts} hosts behind one bastion, --jobs {args.jobs}, "
              f"{'catalog ' + args.checks if args.checks else f'each sleeping {args.sleep} s'}")
        for _ in range(args.reps):
            for binary in args.builds:
                print(run(binary, inventory, bed, checks, args.jobs, os.path.join(bed.dir, "out")),
                      flush=True)
    finally:
        bed.cleanup()


if __name__ == "__main__":
    main()
