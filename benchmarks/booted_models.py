#!/usr/bin/env python3
"""cisscan against the per-command model on a booted stock Debian host (tests/testbed/
systemd_host.py, the `services` recipe: an ordinary install, systemd as PID 1, its own small root
filesystem, not this machine's), at 0 ms and at an added round trip through the test bed's latency
relay (tests/testbed/relay.py on loopback in front of the host's sshd). For each round trip, in
one run, on the same host:
  - cisscan scanning it with the whole shipped catalog (best of --repeat, the whole process);
  - the floor: OpenSSH `ssh host sh -s` fed the exact scripts cisscan generated;
  - the per-command model, one `ssh host CMD` per probe, and per check's probe (as InSpec runs a
    control's own commands), over one OpenSSH ControlMaster (benchmarks/per_command.py).
Needs root.

  sudo /usr/bin/python3 benchmarks/booted_models.py [--suite trixie] [--rtt 0,20] [--repeat 3]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import per_command

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))
import booted_hosts  # noqa: E402
import testbed  # noqa: E402


class Relay:
    """relay.py on a free loopback port in front of HOST's sshd, adding DELAY ms each way; it
    ends when its stdin (held here) closes."""

    def __init__(self, host, delay_ms):
        self.port = testbed.free_port()
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(SOURCE, "tests", "testbed", "relay.py"), "--listen",
             f"127.0.0.1:{self.port}", "--target", f"{host.address}:{host.port}", "--delay",
             str(delay_ms)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL)
        if self.proc.stdout.readline().strip() != b"listening":
            raise RuntimeError("the latency relay did not start")

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", default="bookworm")
    parser.add_argument("--rtt", default="0,20", help="added round trips, ms")
    parser.add_argument("--repeat", type=int, default=3, help="cisscan scans per round trip")
    parser.add_argument("--bin", default=os.path.join(SOURCE, "build", "scanner", "cisscan"))
    args = parser.parse_args()
    bed = testbed.Testbed()
    try:
        # As benchmarks/booted_scan.py: not a container, so the time checks apply.
        with booted_hosts.booted(bed, "booted", args.suite, uncontained=True) as host:
            for rtt in (int(r) for r in args.rtt.split(",")):
                measure(args, bed, host, rtt)
    finally:
        bed.cleanup()


def measure(args, bed, host, rtt):
    relay = Relay(host, rtt / 2) if rtt else None
    port = relay.port if relay else host.port
    address = "127.0.0.1" if relay else host.address
    try:
        if relay:  # the host's own keys, at the relay's port
            with open(bed.known_hosts, "a") as f:
                for line in host.known_hosts_line.splitlines():
                    f.write(f"[{address}]:{port} {line.split(' ', 1)[1]}\n")
        scripts = tempfile.mkdtemp(prefix="scripts-", dir=bed.dir)
        out = tempfile.mkdtemp(prefix="out-", dir=bed.dir)
        inventory = bed.inventory([host.inventory_entry(address=address, port=port)])
        walls = []
        for i in range(args.repeat):
            cmd = [args.bin, "-q", "scan", "-i", inventory, "--known-hosts", bed.known_hosts,
                   "--out", out, "--format", "json"] + (["--dump-scripts", scripts] if i == 0
                                                        else [])
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
            if proc.returncode not in (0, 1):
                sys.exit(f"cisscan exited {proc.returncode}: {proc.stderr[-2000:]}")
        record = os.path.join(out, "report.json")
        with open(record) as f:
            entry = json.load(f)["hosts"][0]
        best = min(walls)
        print(f"rtt {rtt} ms, {args.suite}: cisscan best of {args.repeat} {best:.3f} s "
              f"(host {entry['stats']['duration_ms']} ms in the last, "
              f"{entry['stats']['channels']} channel, {len(entry['results'])} checks)",
              flush=True)
        ssh = ["ssh", "-T", "-i", bed.client_key, "-o", f"UserKnownHostsFile={bed.known_hosts}",
               "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-p", str(port), f"root@{address}"]
        script = "".join(open(p).read() for p in per_command.script_files(scripts, host.name))
        start = time.perf_counter()
        floor = subprocess.run(ssh + ["sh -s"], input=script.encode(), capture_output=True)
        floor_wall = time.perf_counter() - start
        if floor.returncode:
            sys.exit(f"the floor failed: {floor.stderr[-500:]}")
        print(f"rtt {rtt} ms: floor `ssh host sh -s` of the same scripts {floor_wall:.3f} s",
              flush=True)
        for model, commands in (
                ("probe", list(per_command.probe_commands(scripts, record, host.name).values())),
                ("check", per_command.check_commands(scripts, record, host.name))):
            control = os.path.join(bed.dir, f"cm-{rtt}-{model}")
            wall = per_command.run_commands(ssh, control, commands)
            print(f"rtt {rtt} ms: per-command, one ssh per {model}'s command: {len(commands)} "
                  f"in {wall:.3f} s, {wall / best:.1f}x cisscan", flush=True)
    finally:
        if relay:
            relay.stop()


if __name__ == "__main__":
    main()
