"""Peak memory and wall time of `cisscan merge` on N synthetic shard records of one run: a record of
H hosts (benchmarks/make_record.py) dealt round robin into N shards, merged by each build given
in turn, once with formats that read the hosts one at a time and once with the HTML report (in
summary detail unless --html-detail full).

    /usr/bin/python3 benchmarks/merge_memory.py --hosts 2000 --shards 4 OLD_BIN NEW_BIN

Prints each run's wall time and peak RSS (/usr/bin/time) beside the shards' total size.

With --store, each build merges into a new SQLite history store twice: a first night, then a
second whose record (50 results a host flipped, a day later) is compared with the first; the
figures are the second night's, when the store has a run to compare with."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def shards_of(folder, hosts, count, night=1):
    whole = os.path.join(folder, "whole.json")
    subprocess.run([sys.executable, os.path.join(HERE, "make_record.py"), whole, "--hosts",
                    str(hosts), "--drift", str(50 * (night - 1)),
                    "--started-at", f"2026-11-{20 + night}T02:30:00.000Z"], check=True)
    with open(whole) as f:
        record = json.load(f)
    os.unlink(whole)
    files = []
    for index in range(count):
        shard = dict(record, hosts=record["hosts"][index::count])
        shard["run"] = dict(record["run"], shard=f"{index}/{count}",
                            id=f"bench-shard-{night}-{index}")
        files.append(os.path.join(folder, f"shard{night}-{index}.json"))
        with open(files[-1], "w") as f:
            json.dump(shard, f)
    return files


def merge(binary, shards, formats, out, store=None, detail="summary"):
    with tempfile.NamedTemporaryFile("r") as usage:
        proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", usage.name, binary, "merge",
                               *shards, "--out", out, "--format", formats,
                               "--html-detail", detail,
                               *(["--store", store] if store else [])],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall, rss_kib = usage.read().split()[-2:]
    if proc.returncode not in (0, 1, 3):
        sys.exit(f"{binary}: exit {proc.returncode}: {proc.stderr.strip()[-500:]}")
    return float(wall), int(rss_kib) // 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("builds", nargs="+")
    parser.add_argument("--hosts", type=int, default=2000)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--store", action="store_true",
                        help="merge into a history store, a first night and then a second")
    parser.add_argument("--html-detail", default="summary", choices=("summary", "full"),
                        help="the HTML report's detail (full: every host's results and evidence)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        shards = shards_of(folder, args.hosts, args.shards)
        later = shards_of(folder, args.hosts, args.shards, night=2) if args.store else None
        size = sum(os.path.getsize(s) for s in shards) >> 20
        print(f"{args.hosts} hosts in {args.shards} shards, {size} MiB of records"
              + (", the second night into a store holding the first" if args.store else ""))
        print(f"HTML detail: {args.html_detail}")
        for formats in ("json,junit,md,csv,prom", "json,html"):
            for binary in args.builds:
                out = os.path.join(folder, "out")
                store = None
                if args.store:
                    db = os.path.join(folder, "history.db")
                    if os.path.exists(db):
                        os.unlink(db)
                    store = f"sqlite:{db}"
                    merge(binary, shards, formats, out, store, args.html_detail)
                wall, rss = merge(binary, later or shards, formats, out, store, args.html_detail)
                print(f"{os.path.basename(binary):<24} {formats:<24} wall {wall:6.2f} s  "
                      f"peak RSS {rss:5d} MiB", flush=True)


if __name__ == "__main__":
    main()
