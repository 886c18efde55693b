"""Peak memory and wall time of `cisscan merge` on N synthetic shard records of one run: a record of
H hosts (benchmarks/make_record.py) dealt round robin into N shards, merged by each build given
in turn, once with formats that read the hosts one at a time and once with the HTML report (which
reads them side by side, so they are held whole).

    /usr/bin/python3 benchmarks/merge_memory.py --hosts 2000 --shards 4 OLD_BIN NEW_BIN

Prints each run's wall time and peak RSS (/usr/bin/time) beside the shards' total size."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def shards_of(folder, hosts, count):
    whole = os.path.join(folder, "whole.json")
    subprocess.run([sys.executable, os.path.join(HERE, "make_record.py"), whole, "--hosts",
                    str(hosts)], check=True)
    with open(whole) as f:
        record = json.load(f)
    os.unlink(whole)
    files = []
    for index in range(count):
        shard = dict(record, hosts=record["hosts"][index::count])
        shard["run"] = dict(record["run"], shard=f"{index}/{count}", id=f"bench-shard-{index}")
        files.append(os.path.join(folder, f"shard{index}.json"))
        with open(files[-1], "w") as f:
            json.dump(shard, f)
    return files


def merge(binary, shards, formats, out):
    with tempfile.NamedTemporaryFile("r") as usage:
        proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", usage.name, binary, "merge",
                               *shards, "--out", out, "--format", formats,
                               "--html-detail", "summary"],
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        shards = shards_of(folder, args.hosts, args.shards)
        size = sum(os.path.getsize(s) for s in shards) >> 20
        print(f"{args.hosts} hosts in {args.shards} shards, {size} MiB of records")
        for formats in ("json,junit,md,csv,prom", "json,html"):
            for binary in args.builds:
                wall, rss = merge(binary, shards, formats, os.path.join(folder, "out"))
                print(f"{os.path.basename(binary):<24} {formats:<24} wall {wall:6.2f} s  "
                      f"peak RSS {rss:5d} MiB", flush=True)


if __name__ == "__main__":
    main()
