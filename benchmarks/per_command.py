"""The per-command model of other scanners, from what one cisscan scan of a host dumped: its
probe scripts (--dump-scripts) and its record. Used by benchmarks/fleet.py and
benchmarks/booted_models.py.

  - probe_commands: every probe's command, by id (one `ssh host CMD` per probe);
  - check_commands: the facts once, then each assessed check's probes (one per check's probe,
    as InSpec runs a control's own commands: a probe several checks read runs for each);
  - run_commands: the commands one after the other over one OpenSSH ControlMaster connection.
"""
import json
import os
import re
import shlex
import subprocess
import time


def script_files(folder, host_name):
    """The scripts cisscan dumped for HOST_NAME, in the order it sent them."""
    return [os.path.join(folder, name) for name in sorted(os.listdir(folder))
            if name.startswith(host_name + ".")]


def probe_commands(folder, record_path, host_name):
    """Every probe of the dumped scripts by id, as the command cisscan's script runs (a quoted
    command may span lines); and every probe cisscan answered from a fact (packages, unit
    states, kernel parameters: the record says "(answered from probe f-...) COMMAND"), as its
    own command: a per-command scanner runs each of those too."""
    commands = {}
    with open(record_path) as f:
        record = json.load(f)
    for probe in record["hosts"][0]["probes"]:
        answered = re.match(r"\(answered from probe [^)]*\) ", probe["command"])
        if answered:
            commands[probe["id"]] = probe["command"][answered.end():]
    for path in script_files(folder, host_name):
        lines = open(path).read().splitlines(keepends=True)
        i = 0
        while i < len(lines):
            if not lines[i].startswith(("cisscan_probe ", "cisscan_quick ")):
                i += 1
                continue
            text = lines[i]
            while True:
                try:
                    words = shlex.split(text)
                    commands[words[1]] = words[-1]
                    break
                except ValueError:
                    i += 1
                    text += lines[i]
            i += 1
    return commands


def check_commands(folder, record_path, host_name):
    """The per-check model: the facts once, then for every check the host assessed, the command
    of each probe it reads, a probe read by several checks run by each of them."""
    commands = probe_commands(folder, record_path, host_name)
    with open(record_path) as f:
        record = json.load(f)
    per_check = [command for probe_id, command in commands.items() if probe_id.startswith("f-")]
    for result in record["hosts"][0]["results"]:
        per_check += [commands[i] for i in result.get("probe_ids", []) if i in commands]
    return per_check


def run_commands(ssh, control, commands):
    """A ControlMaster (SSH: the ssh command line, options before the destination last), then
    one ssh per command over it; returns the wall seconds of all of it."""
    mux = ssh[:1] + ["-S", control] + ssh[1:]
    start = time.perf_counter()
    subprocess.run(mux[:1] + ["-M", "-f", "-N", "-o", "ControlPersist=120"] + mux[1:],
                   check=True, capture_output=True)
    for command in commands:
        subprocess.run(mux + [command], capture_output=True)
    wall = time.perf_counter() - start
    subprocess.run(mux[:1] + ["-O", "exit"] + mux[1:], capture_output=True)
    return wall
