"""scan --shard I/N and merge: the shards of a fleet joined give what one run gives, and shards
that do not make one run are refused with one line."""
import json
import os
import subprocess
import sys

import pytest

from conftest import BIN, SOURCE, cisscan, peak_rss_kib


@pytest.fixture(scope="module")
def fleet(bed, hosts):
    extra = bed.add_host("third", "hardened")
    return bed.inventory([hosts["hardened"].inventory_entry(),
                          hosts["unhardened"].inventory_entry(), extra.inventory_entry(),
                          {"name": "gone", "address": "127.0.0.1", "port": 1}])


def scan(bed, inventory, out, *extra):
    return cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out,
                   *extra, out=out)


def comparable(record):
    hosts = {h["name"]: (h["status"], {r["check_id"]: r["status"] for r in h["results"]})
             for h in record["hosts"]}
    scores = dict(record["scores"])
    return hosts, scores["safeguards"], scores["ig1"], scores["hosts_scanned"], \
        scores["hosts_in_scope"], [e["risk"] for e in record["risk"]["entries"]]


def test_shards_merged_give_what_one_run_gives(bed, fleet, tmp_path):
    whole = scan(bed, fleet, str(tmp_path / "whole"))
    assert whole.code == 3
    parts = []
    names = set()
    for index in range(3):
        part = scan(bed, fleet, str(tmp_path / f"shard{index}"), "--shard", f"{index}/3")
        assert part.record["run"]["shard"] == f"{index}/3"
        mine = {h["name"] for h in part.record["hosts"]}
        assert not names & mine  # every host in exactly one shard
        names |= mine
        parts.append(part)
    assert names == {"hardened", "unhardened", "third", "gone"}
    records = []
    # The hosts held whole for the HTML report, and spooled to disk without it.
    for formats in ("json,junit,html", "json,junit,md,csv,prom"):
        out = str(tmp_path / f"merged-{len(records)}")
        merged = cisscan("merge", *[os.path.join(p.out, "report.json") for p in reversed(parts)],
                         "--out", out, "--format", formats, out=out)
        assert merged.code == 3, merged.stderr  # 'gone' is unreachable, as in the whole run
        record = merged.record
        assert record["run"]["merged_from"] == [p.record["run"]["id"] for p in parts]
        assert "shard" not in record["run"]
        assert record["run"]["selection"] == whole.record["run"]["selection"]
        assert comparable(record) == comparable(whole.record)
        record["run"].pop("id")
        records.append(record)
    assert records[0] == records[1]


def synthetic_shards(folder, hosts, night=1):
    """A synthetic record of `hosts` hosts (benchmarks/make_record.py) dealt into two shards; a
    later `night` starts a day later with 50 results a night flipped."""
    whole = os.path.join(folder, f"r{hosts}-{night}.json")
    subprocess.run([sys.executable, os.path.join(SOURCE, "benchmarks", "make_record.py"), whole,
                    "--hosts", str(hosts), "--drift", str(50 * (night - 1)),
                    "--started-at", f"2026-11-{20 + night}T02:30:00.000Z"], check=True)
    with open(whole) as f:
        record = json.load(f)
    shards = []
    for index in range(2):
        shard = dict(record, hosts=record["hosts"][index::2])
        shard["run"] = dict(record["run"], shard=f"{index}/2", id=f"run-{hosts}-{night}-{index}")
        shards.append(os.path.join(folder, f"s{hosts}-{night}-{index}.json"))
        with open(shards[-1], "w") as f:
            json.dump(shard, f)
    return shards


def test_a_shard_through_a_pipe_is_read_once_whole(tmp_path):
    """A shard that cannot be read twice (`cisscan merge <(...)`) is read whole, as before."""
    shards = synthetic_shards(str(tmp_path), 20)
    records = []
    for first in (shards[0], "/dev/stdin"):
        out = tmp_path / f"out{len(records)}"
        with open(shards[0]) as f:
            text = f.read()
        proc = subprocess.run([BIN, "merge", first, shards[1], "--out", str(out), "--format",
                               "json"], input=text, capture_output=True, text=True)  # a pipe
        assert proc.returncode in (0, 1), proc.stderr
        with open(out / "report.json") as f:
            record = json.load(f)
        record["run"].pop("id")
        records.append(record)
    assert len(records[0]["hosts"]) == 20
    assert records[0] == records[1]


# The HTML report in full detail reads every host's results and evidence; its index keeps only
# what it shows of hosts side by side.
@pytest.mark.parametrize("formats", ["json,junit,md,csv,prom", "json,html"])
def test_merge_memory_does_not_grow_with_the_shards(tmp_path, formats):
    """merge reads each shard a host at a time and spools the hosts to disk as a scan does
    (issue 11). Before, peak RSS grew by about 8 times the shards' size: every shard parsed
    whole, then its hosts copied. What still grows is the record's risk section, built whole
    when the run is assessed: these synthetic hosts fail often (~80 findings a host), which
    takes about half the shards' growth here. The HTML report held every host without its
    probes' outputs: RSS grew by 4.7 times the shards' size. Now it keeps what it shows of hosts
    side by side and reads each host again when it writes its results: 0.65 times, 0.15 more
    than without it."""
    sizes, rss = [], []
    for hosts in (110, 330):
        shards = synthetic_shards(str(tmp_path), hosts)
        out = tmp_path / f"merged{hosts}"
        code, kib = peak_rss_kib("merge", *shards, "--out", str(out), "--format", formats,
                                 "--html-detail", "full")
        assert code in (0, 1)
        with open(out / "report.json") as f:
            assert len(json.load(f)["hosts"]) == hosts
        sizes.append(sum(os.path.getsize(s) for s in shards))
        rss.append(kib * 1024)
    assert sizes[1] - sizes[0] > 30 << 20
    print("growth / shards' growth:", (rss[1] - rss[0]) / (sizes[1] - sizes[0]))
    assert rss[1] - rss[0] < sizes[1] - sizes[0], (sizes, rss)


def test_a_merge_into_the_store_holds_neither_run_whole(tmp_path):
    """A merge with --store compares the run with the store's last one (the record's history)
    and stores it. Both runs were held whole for that, the earlier one parsed from its stored
    text: on the second night, peak RSS grew by ~10 times the shards' size. Now the earlier run
    is a digest read from the store's tables a host at a time, this run's hosts are compared
    with it one at a time, and the text is stored from a file a part at a time: the growth is
    the risk section's, as without a store (~0.45 times here). The drift is the one
    `cisscan diff` finds in the two records."""
    sizes, rss = [], []
    for hosts in (110, 330):
        store = f"sqlite:{tmp_path / f'h{hosts}.db'}"
        for night in (1, 2):
            shards = synthetic_shards(str(tmp_path), hosts, night)
            out = tmp_path / f"merged{hosts}-{night}"
            code, kib = peak_rss_kib("merge", *shards, "--out", str(out), "--format", "json",
                                     "--store", store)
            assert code in (0, 1)
        sizes.append(sum(os.path.getsize(s) for s in shards))
        rss.append(kib * 1024)
        with open(out / "report.json") as f:
            since = json.load(f)["history"]["since_last_run"]
        diff = cisscan("diff", str(tmp_path / f"merged{hosts}-1" / "report.json"),
                       str(out / "report.json"), "--format", "json")
        assert diff.code == 0, diff.stderr
        assert since == json.loads(diff.stdout)
        assert len(since["newly_failing"]) + len(since["newly_passing"]) > 20
        exported = cisscan("history", "--store", store, "--export", since["new_run"])
        with open(out / "report.json") as f:
            assert exported.stdout == f.read()
    assert sizes[1] - sizes[0] > 30 << 20
    assert rss[1] - rss[0] < sizes[1] - sizes[0], (sizes, rss)


@pytest.mark.parametrize("case,words", [
    ("missing", "shard 1/3 is missing"),
    ("twice", "given twice"),
    ("not-a-shard", "not the record of a shard"),
    ("other-catalog", "ran another catalog"),
    ("other-split", "of a split in 2"),
    ("other-selection", "ran another selection of checks"),
])
def test_shards_that_are_not_one_run_are_refused(bed, fleet, tmp_path, case, words):
    records = []
    for index in range(3):
        out = str(tmp_path / f"s{index}")
        scan(bed, fleet, out, "--shard", f"{index}/3", "--format", "json")
        records.append(os.path.join(out, "report.json"))
    if case == "missing":
        given = [records[0], records[2]]
    elif case == "twice":
        given = [records[0], records[1], records[1], records[2]]
    elif case == "not-a-shard":
        whole = str(tmp_path / "whole")
        scan(bed, fleet, whole, "--format", "json")
        given = records[:2] + [os.path.join(whole, "report.json")]
    elif case == "other-catalog":
        data = json.load(open(records[2]))
        data["run"]["catalog_digest"] = "0" * 64
        json.dump(data, open(records[2], "w"))
        given = records
    elif case == "other-selection":
        other = str(tmp_path / "level2")
        scan(bed, fleet, other, "--shard", "2/3", "--format", "json", "--profile", "level2-server")
        given = records[:2] + [os.path.join(other, "report.json")]
    else:
        other = str(tmp_path / "half")
        scan(bed, fleet, other, "--shard", "1/2", "--format", "json")
        given = records[:2] + [os.path.join(other, "report.json")]
    out = tmp_path / "merged"
    run = cisscan("merge", *given, "--out", str(out))
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], run.stderr
    assert not out.exists()
