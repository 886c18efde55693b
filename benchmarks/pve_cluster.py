#!/usr/bin/env python3
"""Discovery plus a scan of the simulated Proxmox VE cluster (tests/testbed/pve/): two nodes,
a VM reached at its guest agent's address, two running containers through pct, a stopped
container, a VM without an agent and a template. Prints the wall time of `cisscan discover` and
of `cisscan scan` (which discovers again), each host's status, channels and time, and the SSH
logins each node's sshd saw during the scan. Needs root (test hosts in mount namespaces).

  benchmarks/pve_cluster.py [--bin build/scanner/cisscan]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))
import testbed  # noqa: E402


def edit_state(host, change):
    path = os.path.join(host.dir, "pvenode", "pve", "state.json")
    with open(path) as f:
        state = json.load(f)
    change(state)
    with open(path, "w") as f:
        json.dump(state, f)


def cluster_state(state):
    for node in state["nodes"]:
        node["online"] = 1
    for guest in state["guests"]:
        if guest["vmid"] == 100:
            guest["tags"] = "web"
    # A second running container on pve1, chrooted into the first one's root file system.
    first = next(g for g in state["guests"] if g["vmid"] == 101)
    state["guests"].append(dict(first, vmid=107, name="dns02"))


def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(SOURCE, "build", "scanner", "cisscan"))
    args = parser.parse_args()
    bed = testbed.Testbed()
    try:
        pve = {"variant": "default", "version": 9}
        pve1 = bed.add_host("pve1", "unhardened", pve=dict(pve, node="pve1"))
        pve2 = bed.add_host("pve2", "unhardened", pve=dict(pve, node="pve2"))
        vm = bed.add_host("web01", "hardened", address="127.0.10.21")
        edit_state(pve1, cluster_state)
        inventory = os.path.join(bed.dir, "cluster.yaml")
        with open(inventory, "w") as f:
            yaml.safe_dump({
                "defaults": {"user": "root", "identity_file": bed.client_key},
                "groups": {"web": {"port": vm.port}},
                "proxmox": [{"name": "pve1", "address": pve1.address, "port": pve1.port}],
                "hosts": [{"name": "pve2", "address": pve2.address, "port": pve2.port}]}, f)
        common = ["--inventory", inventory, "--known-hosts", bed.known_hosts]
        seconds, proc = timed([args.bin, "discover", *common])
        print(f"discover: {seconds:.2f} s (exit {proc.returncode})")
        logins = {h.name: h.log_text().count("Accepted publickey") for h in (pve1, pve2, vm)}
        out = tempfile.mkdtemp(prefix="cisscan-pve-bench-")
        seconds, proc = timed([args.bin, "scan", *common, "--out", out, "--format", "json"])
        print(f"scan (discovery included): {seconds:.2f} s (exit {proc.returncode})")
        with open(os.path.join(out, "report.json")) as f:
            record = json.load(f)
        for host in record["hosts"]:
            stats = host["stats"]
            print(f"  {host['name']:<14} {host['transport']:<4} {host['status']:<12} "
                  f"{stats['channels']} channel(s) {stats['duration_ms']:>6} ms  {host['reason']}")
        for h in (pve1, pve2, vm):
            print(f"  logins seen by {h.name}'s sshd during the scan: "
                  f"{h.log_text().count('Accepted publickey') - logins[h.name]}")
    finally:
        bed.cleanup()


if __name__ == "__main__":
    main()
