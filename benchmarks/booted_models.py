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
All three log in to the host's own ssh.service (its stock `sshd -D`, port 22), through a veth
into the host's network namespace, as on a real machine. With --via-bed they log in as the tests
do, through the test bed's inetd.py, which starts `nsenter ... sshd -i` per connection: ~25 ms
more a login on this machine, paid once by each model. Needs root.

  sudo /usr/bin/python3 benchmarks/booted_models.py [--suite trixie] [--rtt 0,20] [--repeat 3]
"""
import argparse
import json
import os
import re
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


class OwnSshd:
    """The booted HOST's own ssh.service, reached through a veth from this machine's namespace
    into the host's (10.233.K.1 here, 10.233.K.2 there); gone with close() or the host."""

    def __init__(self, host):
        used = subprocess.run(["ip", "-4", "addr"], capture_output=True, text=True).stdout
        taken = {int(m.group(1)) for m in re.finditer(r"\b10\.233\.(\d+)\.", used)}
        k = next(k for k in range(1, 250) if k not in taken)
        self.link, self.address, self.port = f"cbm{k}", f"10.233.{k}.2", 22
        inside = ["nsenter", "-t", str(host.pid1), "-n", "ip"]
        try:
            for cmd in (["ip", "link", "add", self.link, "type", "veth", "peer", "name", "cbm"],
                        ["ip", "link", "set", "cbm", "netns", str(host.pid1)],
                        ["ip", "addr", "add", f"10.233.{k}.1/30", "dev", self.link],
                        ["ip", "link", "set", self.link, "up"],
                        inside + ["addr", "add", f"{self.address}/30", "dev", "cbm"],
                        inside + ["link", "set", "cbm", "up"]):
                subprocess.run(cmd, check=True)
        except subprocess.CalledProcessError:
            self.close()  # deleting one end removes the pair, wherever the other end is
            raise
        self.known_hosts_line = "".join(
            f"{self.address} {line.split(' ', 1)[1]}\n"
            for line in host.known_hosts_line.splitlines())

    def close(self):
        subprocess.run(["ip", "link", "del", self.link], stderr=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--suite", default="bookworm")
    parser.add_argument("--rtt", default="0,20", help="added round trips, ms")
    parser.add_argument("--repeat", type=int, default=3, help="cisscan scans per round trip")
    parser.add_argument("--bin", default=os.path.join(SOURCE, "build", "scanner", "cisscan"))
    parser.add_argument("--via-bed", action="store_true",
                        help="log in through the test bed's inetd.py, as the tests do")
    args = parser.parse_args()
    bed = testbed.Testbed()
    try:
        # As benchmarks/booted_scan.py: not a container, so the time checks apply.
        with booted_hosts.booted(bed, "booted", args.suite, uncontained=True) as host:
            sshd = host if args.via_bed else OwnSshd(host)
            try:
                if sshd is not host:
                    with open(bed.known_hosts, "a") as f:
                        f.write(sshd.known_hosts_line)
                for rtt in (int(r) for r in args.rtt.split(",")):
                    measure(args, bed, host, sshd, rtt)
            finally:
                if sshd is not host:
                    sshd.close()
    finally:
        bed.cleanup()


def measure(args, bed, host, sshd, rtt):
    """The three models at RTT, logging in to SSHD (HOST's own sshd or the test bed's)."""
    relay = Relay(sshd, rtt / 2) if rtt else None
    port = relay.port if relay else sshd.port
    address = "127.0.0.1" if relay else sshd.address
    try:
        if relay:  # the host's own keys, at the relay's port
            with open(bed.known_hosts, "a") as f:
                for line in sshd.known_hosts_line.splitlines():
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
