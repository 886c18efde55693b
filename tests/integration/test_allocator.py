"""The cisscan command's allocator (scanner/malloc_conf.cpp): Debian's jemalloc, with the
settings that keep a fleet scan's peak RSS near glibc's. Settings jemalloc never read would
leave its defaults, ~25 MiB more at 200 hosts (benchmarks/README.md, 2026-12-07 08:15)."""
import os
import subprocess

from conftest import BIN


def test_cisscan_runs_on_jemalloc_with_its_settings_read():
    linked = subprocess.run(["ldd", BIN], capture_output=True, text=True, check=True).stdout
    assert "libjemalloc.so" in linked
    # confirm_conf: jemalloc prints each source of settings it read and what it set from it.
    shown = subprocess.run([BIN, "--version"], capture_output=True, text=True,
                           env=dict(os.environ, MALLOC_CONF="confirm_conf:true"))
    assert shown.returncode == 0
    assert "global variable malloc_conf" in shown.stderr
    for setting in ("narenas:2", "tcache_max:4096", "dirty_decay_ms:1000", "muzzy_decay_ms:0"):
        assert f"Set conf value: {setting}" in shown.stderr, shown.stderr
    assert shown.stdout.startswith("cisscan ")
