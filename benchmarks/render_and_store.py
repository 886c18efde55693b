#!/usr/bin/env python3
"""Issue 3 and 4 benchmarks on a synthetic 500-host × 300-check run (benchmarks/make_record.py):
rendering every format from the saved record, storing it into SQLite and PostgreSQL, and diffing
two such runs. Prints wall time and peak RSS of each cisscan command, file sizes and database
growth. Needs root for the throwaway PostgreSQL cluster.

  benchmarks/render_and_store.py [--hosts 500] [--checks 300] [--bin build/scanner/cisscan]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SOURCE, "tests", "testbed"))
sys.path.insert(0, os.path.join(SOURCE, "tests", "integration"))


def measure(label, cmd, **kw):
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True,
                          **kw)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{label} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    rss = int(proc.stderr.strip().splitlines()[-1]) / 1024
    print(f"{label}: {wall:.2f} s wall, {rss:.0f} MiB peak RSS")
    for line in proc.stdout.splitlines():
        if line.startswith("imported "):  # history --import: its read and store steps
            print(f"  {line}")
    return wall


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--hosts", type=int, default=500)
    p.add_argument("--checks", type=int, default=300)
    p.add_argument("--bin", default=os.path.join(SOURCE, "build", "scanner", "cisscan"))
    p.add_argument("--no-postgres", action="store_true")
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="cisscan-bench-")
    try:
        raw1, raw2 = os.path.join(work, "raw1.json"), os.path.join(work, "raw2.json")
        gen = [sys.executable, os.path.join(HERE, "make_record.py"), "--hosts", str(a.hosts),
               "--checks", str(a.checks)]
        subprocess.run(gen + [raw1], check=True)
        subprocess.run(gen + [raw2, "--drift", "300", "--run-id", "bench-run-2",
                              "--started-at", "2026-11-26T02:30:00.000Z"], check=True)
        # Assess both (scores, risk register) the way a scan would.
        for raw, out in ((raw1, "r1"), (raw2, "r2")):
            subprocess.run([a.bin, "-q", "report", raw, "--as-of", "2026-11-25", "--format",
                            "json", "--out", os.path.join(work, out)], check=True)
        rec1 = os.path.join(work, "r1", "report.json")
        rec2 = os.path.join(work, "r2", "report.json")
        print(f"record: {a.hosts} hosts x {a.checks} checks, "
              f"{os.path.getsize(rec1) / 1e6:.1f} MB of JSON")
        out = os.path.join(work, "all")
        measure("render json,junit,html,md,csv", [a.bin, "-q", "report", rec1, "--format",
                                                  "json,junit,html,md,csv", "--out", out])
        for name in sorted(os.listdir(out)):
            print(f"  {name}: {os.path.getsize(os.path.join(out, name)) / 1e6:.1f} MB")
        measure("render html alone", [a.bin, "-q", "report", rec1, "--format", "html",
                                      "--out", os.path.join(work, "html")])
        db = os.path.join(work, "history.db")
        measure("store into SQLite (first run)", [a.bin, "history", "--store", f"sqlite:{db}",
                                                 "--import", rec1])
        size1 = os.path.getsize(db) + (os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0)
        measure("store into SQLite (second run)", [a.bin, "history", "--store", f"sqlite:{db}",
                                                  "--import", rec2])
        subprocess.run(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE);"], capture_output=True)
        size2 = os.path.getsize(db)
        print(f"  SQLite file after two runs: {size2 / 1e6:.1f} MB "
              f"(~{(size2 - size1) / 1e6:.1f} MB per run after the first)")
        measure("diff two runs (files)", [a.bin, "diff", rec1, rec2])
        measure("diff two runs (run ids, SQLite)", [a.bin, "diff", "bench-run-1", "bench-run-2",
                                                    "--store", f"sqlite:{db}"])
        if not a.no_postgres:
            from postgres_server import PostgresServer
            server = PostgresServer()
            try:
                url = server.create_database("bench")
                measure("store into PostgreSQL on loopback (first run)",
                        [a.bin, "history", "--store", url, "--import", rec1])
                measure("store into PostgreSQL on loopback (second run)",
                        [a.bin, "history", "--store", url, "--import", rec2])
                size = subprocess.run(
                    ["runuser", "-u", "postgres", "--", "psql", "-h", "127.0.0.1", "-p",
                     str(server.port), "-d", "bench", "-Atc",
                     "SELECT pg_database_size('bench')"], capture_output=True, text=True).stdout
                print(f"  PostgreSQL database after two runs: {int(size) / 1e6:.1f} MB")
            finally:
                server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
