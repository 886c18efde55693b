#!/usr/bin/env python3
"""Writes a synthetic run record of H hosts × C checks with realistic probe outputs (a ~4 KB
`sshd -T` and ~30 other probes per host, each stored once per host), for the render, store and
diff benchmarks. A second record with a few hundred changed results can be made for `diff`.

  benchmarks/make_record.py OUT.json [--hosts 500] [--checks 300] [--seed 1] [--drift 0]
                             [--catalog RECORD.json] [--unreachable N]

--catalog copies the controls catalog (`catalog`) of a real record, so that the HTML report's IG1
coverage has its 56 safeguards; --unreachable makes the last N hosts unreachable (every result an
error with the host's reason, no probes), as a scan records them.
"""
import argparse
import hashlib
import json
import random

SSHD_T = "\n".join(f"option{i:03d} value-{i}-" + "x" * 20 for i in range(120)) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--hosts", type=int, default=500)
    p.add_argument("--checks", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--drift", type=int, default=0, help="results flipped relative to seed 1")
    p.add_argument("--run-id", default="bench-run-1")
    p.add_argument("--started-at", default="2026-11-25T02:30:00.000Z")
    p.add_argument("--catalog", help="a record whose controls catalog is copied")
    p.add_argument("--unreachable", type=int, default=0, help="the last N hosts are unreachable")
    a = p.parse_args()
    rng = random.Random(a.seed)
    safeguards = ["3.3", "4.1", "4.8", "5.2", "5.4", "8.2", "3.10", "3.11", "7.3", "4.7"]
    checks = [{"id": f"bench-check-{i:03d}", "safeguards": [safeguards[i % len(safeguards)]],
               "probe": f"p-{i % 30:012d}"} for i in range(a.checks)]
    probes = []
    for i in range(30):
        output = SSHD_T if i == 0 else (f"mode=640 uid=0 gid=42 owner=root group=shadow "
                                        f"type=regular file\n" * 2)
        probes.append({"id": f"p-{i:012d}", "type": "command", "argument": f"probe {i}",
                       "command": "sshd -T" if i == 0 else f"stat /etc/file{i}", "state": "ok",
                       "exit_code": 0, "output": output, "output_encoding": "utf-8",
                       "output_bytes": len(output),
                       "output_sha256": hashlib.sha256(output.encode()).hexdigest(),
                       "truncated": False, "complete": True,
                       "started_at": "2026-11-25T02:30:01.000Z", "duration_ms": 3,
                       "timeout_s": 30})
    flip = random.Random(99)
    flipped = {(flip.randrange(a.hosts), flip.randrange(a.checks)) for _ in range(a.drift)}
    hosts = []
    for h in range(a.hosts):
        results = []
        for c, check in enumerate(checks):
            status = "pass" if rng.random() < 0.8 else "fail"
            if (h, c) in flipped:
                status = "fail" if status == "pass" else "pass"
            results.append({
                "check_id": check["id"], "check_sha256": "0" * 64,
                "title": f"Synthetic check {c} for the benchmark", "status": status,
                "benchmark": {"id": "cis-debian12", "version": "1.1.0", "ref": f"9.{c}",
                              "level": "L1"},
                "safeguards": check["safeguards"], "weight": 1.0, "requires_root": False,
                "probe_ids": [check["probe"]],
                "expected": "a line matching /^option\\d+ value/",
                "observed": "option001 value-1-xxxxxxxxxxxxxxxxxxxx" if status == "pass"
                else "no line matched",
                "reason": ""})
        hosts.append({
            "name": f"host{h:04d}", "address": f"10.1.{h // 250}.{h % 250 + 1}", "port": 22,
            "transport": "ssh", "user": "audit", "become": "sudo", "groups": [],
            "status": "ok", "reason": "",
            "identity": {"host_key_sha256": f"SHA256:{h:043d}", "machine_id": f"{h:032x}"},
            "facts": {"os_id": "debian", "os_version_id": "12", "user": "root", "uid": "0",
                      "packages_installed": 400, "services_enabled": 30},
            "roles": ["vm"], "stats": {"channels": 1, "bytes_in": 40000, "bytes_out": 9000,
                                       "duration_ms": 140},
            "started_at": a.started_at, "finished_at": a.started_at,
            "probes": probes, "results": results})
    record = {"schema_version": "1.0",
              "run": {"id": a.run_id, "started_at": a.started_at, "finished_at": a.started_at,
                      "scanner_version": "0.1.0", "catalog_digest": "0" * 64,
                      "catalog_files": [], "checks_paths": [], "controls_version": "v8",
                      "inventory_source": "bench", "operator": "bench"},
              "hosts": hosts,
              # Scored by `cisscan report --as-of` (render_and_store.py): a valid empty start.
              "scores": {"safeguards": {}, "controls": {}, "hosts": {},
                         "ig1": {"score": None, "assessed": 0, "automated": 0, "attested": 0,
                                 "total": 56},
                         "hosts_in_scope": len(hosts), "hosts_scanned": len(hosts)},
              "catalog": {"safeguards": {}, "controls": {}},
              "checks": {c["id"]: {"title": f"Synthetic check {i} for the benchmark",
                                   "rationale": "Why it matters, in a sentence or two.",
                                   "remediation": "What to change, concretely."}
                         for i, c in enumerate(checks)}}
    if a.catalog:
        with open(a.catalog) as f:
            record["catalog"] = json.load(f)["catalog"]
    for host in hosts[len(hosts) - a.unreachable:] if a.unreachable else []:
        reason = f"cannot connect to {host['address']}:22: Connection refused"
        host.update(status="unreachable", reason=reason, probes=[],
                    facts={"packages_installed": 0, "services_enabled": 0})
        for result in host["results"]:
            result.update(status="error", expected="", observed="",
                          reason="host unreachable: " + reason)
    with open(a.out, "w") as f:
        json.dump(record, f)


if __name__ == "__main__":
    main()
