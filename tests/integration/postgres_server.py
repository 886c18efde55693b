"""A throwaway PostgreSQL cluster for the tests: initdb into a temp dir, pg_ctl start on a local
port (loopback and a socket in that dir), as the postgres user; stopped and removed at the end."""
import glob
import os
import shutil
import subprocess
import tempfile

import testbed


class PostgresServer:
    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise RuntimeError("PostgreSQL is not installed (dev/setup --test installs it)")
        self.bin = os.path.dirname(bins[-1])
        self.dir = tempfile.mkdtemp(prefix="cisscan-pg-")
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        self.port = testbed.free_port()
        self.as_postgres([os.path.join(self.bin, "initdb"), "-D", self.data, "-A", "trust",
                          "-U", "postgres", "--no-sync"])
        self.as_postgres([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-w", "-l",
                          os.path.join(self.dir, "log"), "-o",
                          f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                          f"-c fsync=off", "start"])

    def as_postgres(self, cmd):
        subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True,
                       capture_output=True, text=True, cwd=self.dir)

    def url(self, database="postgres"):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name):
        self.as_postgres([os.path.join(self.bin, "createdb"), "-h", self.dir, "-p",
                          str(self.port), "-U", "postgres", name])
        return self.url(name)

    def stop(self):
        subprocess.run(["runuser", "-u", "postgres", "--", os.path.join(self.bin, "pg_ctl"),
                        "-D", self.data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
