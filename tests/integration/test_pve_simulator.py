"""The simulated Proxmox VE node answers exactly like the real tools: every sample in
../shared/reference/pve-outputs.md that the simulator can produce is parsed out of that file and
diffed against the simulator's answer for the state of the example cluster those samples describe
(tests/testbed/pve/variants/reference.yaml). The /etc/pve files the testbed writes are diffed
against the file samples too."""
import copy
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import SOURCE

PVE_DIR = os.path.join(SOURCE, "tests", "testbed", "pve")
sys.path.insert(0, PVE_DIR)
import node  # noqa: E402

REFERENCE = os.path.abspath(os.path.join(SOURCE, "..", "shared", "reference", "pve-outputs.md"))
BEFORE_ROOT_LOCK_ENDS = 1735000000  # the samples show root@pam's TFA lock (until 1735693200) active


def samples():
    """(heading, lead, text) of every fenced block: the heading it is under, the prose before it."""
    with open(REFERENCE) as f:
        lines = f.read().split("\n")
    blocks, heading, lead, i = [], "", [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading, lead = line.lstrip("# ").strip(), []
        elif line.startswith("```"):
            body = []
            i += 1
            while not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append((heading, "\n".join(lead).strip(), "\n".join(body) + "\n"))
            lead = []
        else:
            lead.append(line)
        i += 1
    return blocks


def sample(heading, lead=None, index=0):
    found = [text for h, l, text in samples()
             if h.startswith(heading) and (lead is None or l.rstrip().endswith(lead))]
    assert len(found) > index, f"no sample under '{heading}' after '{lead}' in {REFERENCE}"
    return found[index]


def state(major=8, **changes):
    data = node.state_for("reference", major)
    data.update(copy.deepcopy(changes))
    return data


def standalone():
    return state(cluster=None, nodes=[{"name": "pve1", "nodeid": 0, "ip": "192.168.1.10",
                                       "level": ""}])


def simulate(tmp_path, data, tool, *args, now=BEFORE_ROOT_LOCK_ENDS):
    path = tmp_path / "state.json"
    path.write_text(json.dumps(data))
    env = dict(os.environ, PVESIM_STATE=str(path), PVESIM_NOW=str(now))
    return subprocess.run([sys.executable, os.path.join(PVE_DIR, "pvesim.py"), tool, *args],
                          capture_output=True, text=True, env=env)


def answer(tmp_path, data, tool, *args, **kw):
    proc = simulate(tmp_path, data, tool, *args, **kw)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


JSON = ("--output-format", "json")

CASES = [  # (heading, lead the sample follows, index, state, tool and arguments)
    ("1. Cluster status", "3-node cluster, pve3 offline (`json`)**", 0, state,
     ("pvesh", "get", "/cluster/status", *JSON)),
    ("1. Cluster status", "**Sample — standalone node**", 0, standalone,
     ("pvesh", "get", "/cluster/status", *JSON)),
    ("0.1", "`pvesh get /cluster/status --output-format json-pretty`):", 0, standalone,
     ("pvesh", "get", "/cluster/status", "--output-format", "json-pretty")),
    ("2. Guest resources", "**Sample (PVE 8)** — running VM, running CT, stopped CT, stopped VM "
     "template:", 0, state, ("pvesh", "get", "/cluster/resources", "--type", "vm", *JSON)),
    ("3. QEMU guest agent", "**Sample (success)**", 0, state,
     ("pvesh", "get", "/nodes/pve1/qemu/100/agent/network-get-interfaces", *JSON)),
    ("4.1", "**Sample**", 0, state, ("pveum", "user", "list", "--full", "1", *JSON)),
    ("4.2", "inherits all of the user's privileges.", 0, state,
     ("pveum", "user", "token", "list", "root@pam", *JSON)),
    ("4.3", "* `/access/tfa/<userid>` returns only the entries array.", 0, state,
     ("pvesh", "get", "/access/tfa", *JSON)),
    ("4.3", None, 2, state, ("pvesh", "get", "/access/tfa/alice@pve", *JSON)),
    ("4.3", "and empty for a single user:", 0, state, ("pveum", "user", "tfa", "list")),
    ("5.1", "is **never** listed (it is not stored).", 0, state, ("pveum", "acl", "list", *JSON)),
    ("10. Node certificates", "* Public exporter captures confirm the subject strings.", 0, state,
     None),
    ("11.1", None, 1, state,
     ("pvesh", "get", "/cluster/backup-info/not-backed-up", *JSON)),
    ("14. pveversion", "Related: `pvesh get /version --output-format json`:", 0, state,
     ("pvesh", "get", "/version", *JSON)),
    ("15.3", "Without a subscription (pve-manager `PVE/API2/Subscription.pm`):", 0, state,
     ("pvesubscription", "get")),
    ("15.3", "* JSON form: `pvesh get /nodes/<node>/subscription --output-format json`:", 0,
     state, ("pvesh", "get", "/nodes/pve1/subscription", *JSON)),
]


@pytest.mark.parametrize("heading,lead,index,make,command", CASES,
                         ids=[f"{c[0]}-{c[2]}-{(c[4] or ('pvenode',))[0]}" for c in CASES])
def test_answer_equals_the_sample(tmp_path, heading, lead, index, make, command):
    if command is None:  # the certificate sample: pvenode and its API path answer alike
        expected = sample(heading, lead, index)
        assert answer(tmp_path, make(), "pvenode", "cert", "info", *JSON) == expected
        command = ("pvesh", "get", "/nodes/pve1/certificates/info", *JSON)
    expected = sample(heading, lead, index)
    assert answer(tmp_path, make(), *command) == expected


def test_pve9_resources_add_memhost(tmp_path):
    expected = sample("2. Guest resources", "PVE 9 sample (first two entries):")
    entries = json.loads(answer(tmp_path, state(9), "pvesh", "get", "/cluster/resources",
                                "--type", "vm", *JSON))
    first_two = json.dumps(entries[:2], sort_keys=True, separators=(",", ":")) + "\n"
    assert first_two == expected
    assert all("memhost" in e for e in entries)


def test_users_without_full_drop_groups_and_tokens(tmp_path):
    # That sample shows two users and no active locks: the state of that moment.
    expected = sample("4.1", "Without `--full`:")
    data = state(users=[u for u in state()["users"] if u["userid"] != "backup@pve"])
    for user in data["users"]:
        user.pop("totp-locked", None)
    got = answer(tmp_path, data, "pvesh", "get", "/access/users", *JSON, now=1735693200 + 1)
    assert got == expected


def test_json_pretty_answer_of_a_guest_agent(tmp_path):
    # qm guest cmd prints only `result`, in the 3-space pretty style of 0.1.
    result = json.loads(sample("3. QEMU guest agent", "**Sample (success)**"))["result"]
    got = answer(tmp_path, state(), "qm", "guest", "cmd", "100", "network-get-interfaces")
    assert json.loads(got) == result
    pretty_rules = sample("0.1", "`pvesh get /cluster/status --output-format json-pretty`):")
    assert got.startswith("[\n   {\n      \"") and "\" : " in got and got.endswith("]\n")
    assert pretty_rules.startswith("[\n   {\n      \"")


def test_agent_errors_have_the_real_texts(tmp_path):
    table = sample_table("3. QEMU guest agent")
    data = state()
    data["guests"].append({"vmid": 105, "type": "qemu", "node": "pve1", "status": "stopped",
                           "name": "off", "config": {"agent": "1"}})
    data["guests"].append({"vmid": 106, "type": "qemu", "node": "pve1", "status": "running",
                           "name": "noagent", "config": {"agent": "0"}})
    cases = {"VMID does not exist": "999", "no `agent:` key in config at all": "9000",
             "VM not running": "105", "agent configured": "106"}
    for condition, vmid in cases.items():
        message = next(m for c, m in table if c.startswith(condition))
        message = message.replace("<node>", "pve1").replace("<vmid>", vmid)
        proc = simulate(tmp_path, data, "pvesh", "get",
                        f"/nodes/pve1/qemu/{vmid}/agent/network-get-interfaces", *JSON)
        assert proc.returncode != 0 and proc.stdout == ""
        assert proc.stderr == message + "\n", condition


def sample_table(heading):
    with open(REFERENCE) as f:
        text = f.read()
    section = text[text.index("## " + heading):]
    section = section[:section.index("\n## ", 1)]
    return re.findall(r"^\| (.+?) \| `(.+?)` \|$", section, re.M)


def test_unknown_path_and_bad_arguments_fail_as_documented(tmp_path):
    with open(REFERENCE) as f:
        text = f.read()
    no_handler = re.search(r"gives `(No 'get' handler defined for '/foo')` on stderr and "
                           r"\*\*exit (\d+)\*\*", text)
    proc = simulate(tmp_path, state(), "pvesh", "get", "/foo", *JSON)
    assert (proc.stderr, proc.returncode) == (no_handler[1] + "\n", int(no_handler[2]))
    usage = re.search(r"Bad arguments print `(USAGE: [^`]+)` on stderr and\s+exit (\d+)", text)
    proc = simulate(tmp_path, state(), "pveversion", "--bogus")
    assert (proc.stderr, proc.returncode) == (usage[1] + "\n", int(usage[2]))
    missing = re.search(r"A guest that does not exist gives `(Configuration file '[^`]+)`", text)
    missing = [None, re.sub(r"\s+", " ", missing[1])]
    proc = simulate(tmp_path, state(), "qm", "config", "4242")
    assert proc.stderr == missing[1].replace("<node>", "pve1").replace("<vmid>", "4242") + "\n"


def test_pveversion_lines(tmp_path):
    kernel = os.uname().release
    block = sample("14. pveversion", None, 0).replace("6.8.12-2-pve", kernel)
    assert "$ pveversion\n" + answer(tmp_path, state(), "pveversion") == block
    verbose = sample("14. pveversion", None, 1).replace("6.8.12-2-pve", kernel).split("\n")
    assert answer(tmp_path, state(), "pveversion", "-v").split("\n")[:2] == verbose[:2]


def test_firewall_status_line(tmp_path):
    assert answer(tmp_path, state(), "pve-firewall", "status") == sample(
        "7. Firewall", "**`pve-firewall status`** (`src/PVE/Service/pve_firewall.pm`) prints a "
        "single line:")


@pytest.mark.parametrize("heading,lead,render", [
    ("5.2", "Sample (writer-exact form):", lambda s: node.user_cfg(s)),
    ("11.2", None, lambda s: node.jobs_cfg(s)),
    ("13.1", None, lambda s: node.guest_conf(next(g for g in s["guests"] if g["vmid"] == 101))),
    ("13.2", None, lambda s: node.guest_conf(next(g for g in s["guests"] if g["vmid"] == 100))),
])
def test_etc_pve_files_equal_the_samples(heading, lead, render):
    expected = sample(heading, lead, 1 if heading == "5.2" and lead is None else 0)
    assert render(state()).rstrip("\n") == expected.rstrip("\n")
