"""What hosts that share one SSH connection cost the scanner while they work: N hosts each
running a probe that sleeps S seconds (or a catalog given), scanned by each build given in turn,
either through a bastion (`--through bastion`: test hosts reachable only through it, on network
"b" of tests/testbed/netbed.py) or as containers of one simulated Proxmox VE node (`--through
pct`: clones of its container 101, all on the node's one session, `pct_concurrency` N). Prints,
per run, the wall time, the scanner's CPU (user + sys) and peak RSS (/usr/bin/time), the times its
threads went to sleep (voluntary context switches: a thread that looks at its channels on a
clock shows here), and how many hosts ended `ok`.

    sudo /usr/bin/python3 benchmarks/idle_channels.py --hosts 100 --reps 2 OLD_BIN NEW_BIN
    sudo /usr/bin/python3 benchmarks/idle_channels.py --hosts 20 --checks checks --jobs 10 BIN
    sudo /usr/bin/python3 benchmarks/idle_channels.py --through pct --hosts 20 OLD_BIN NEW_BIN

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
import testbed  # noqa: E402

PVE = {"variant": "hardened", "version": 9, "node": "pve1"}
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


def behind_a_bastion(count):
    """A net bed, its bastion and `count` hosts reachable only through it; inventory entries."""
    bed = netbed.Netbed()
    bastion = bed.add_bastion("bastion")
    hosts = bed.add_hosts([f"h{i}" for i in range(count)], network="b")
    return bed, [bastion.inventory_entry()] + [h.inventory_entry(jump="bastion") for h in hosts]


def containers_of_a_node(count):
    """A simulated PVE node and `count` running containers (clones of its container 101)."""
    bed = testbed.Testbed()
    node = bed.add_host("pve-node", "hardened", pve=PVE)
    path = os.path.join(node.dir, "pvenode", "pve", "state.json")
    with open(path) as f:
        state = json.load(f)
    ct = next(g for g in state["guests"] if g["vmid"] == 101)
    vmids = [1000 + i for i in range(count)]
    state["guests"] += [dict(ct, vmid=v, name=f"ct{v}") for v in vmids]
    with open(path, "w") as f:
        json.dump(state, f)
    return bed, [node.inventory_entry(pct_concurrency=count)] + [
        {"name": f"ct{v}", "transport": "pct", "node": "pve-node", "vmid": v} for v in vmids]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="+", help="cisscan binaries, run in turn")
    parser.add_argument("--through", choices=["bastion", "pct"], default="bastion")
    parser.add_argument("--hosts", type=int, default=100, help="hosts sharing the connection")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--sleep", type=int, default=8, help="seconds each host's probe sleeps")
    parser.add_argument("--checks", help="a catalog instead of the sleeping probe")
    parser.add_argument("--jobs", type=int, default=100)
    args = parser.parse_args()
    up = behind_a_bastion if args.through == "bastion" else containers_of_a_node
    bed, entries = up(args.hosts)
    try:
        inventory = os.path.join(bed.dir, "inventory.yaml")
        with open(inventory, "w") as f:
            f.write("hosts:\n")
            for entry in entries:
                f.write(f"  - {json.dumps(entry)}\n")
        checks = args.checks
        if checks is None:
            checks = os.path.join(bed.dir, "slow.yaml")
            with open(checks, "w") as f:
                f.write(SLOW.format(seconds=args.sleep))
        print(f"{args.hosts} hosts through one {args.through} connection, --jobs {args.jobs}, "
              f"{'catalog ' + args.checks if args.checks else f'each sleeping {args.sleep} s'}")
        for _ in range(args.reps):
            for binary in args.builds:
                print(run(binary, inventory, bed, checks, args.jobs, os.path.join(bed.dir, "out")),
                      flush=True)
    finally:
        bed.cleanup()


if __name__ == "__main__":
    main()
