"""Jump hosts inside cisscan: a direct-tcpip channel through the bastion's verified session, one
bastion connection for every host behind it, chains of two, and bad jump settings."""
import os

import pytest

from conftest import cisscan, scan_sleeps, slow_catalog, testbed


@pytest.fixture(scope="module")
def bastions(bed):
    return {"bastion": bed.add_host("bastion"), "inner": bed.add_host("inner-bastion")}


def logins(host):
    return host.log_text().count("Accepted publickey")


def forwards(host):
    return host.log_text().count("server_input_channel_open: ctype direct-tcpip")


def test_hosts_behind_a_bastion_share_its_one_connection(bed, hosts, bastions, out):
    bastion = bastions["bastion"]
    before = (logins(bastion), forwards(bastion))
    inventory = bed.inventory([
        bastion.inventory_entry(),
        hosts["hardened"].inventory_entry(jump="bastion"),
        hosts["unhardened"].inventory_entry(jump="bastion"),
    ])
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out,
                  out=out)
    assert run.code == 1, run.stderr
    for name in ("hardened", "unhardened", "bastion"):
        assert run.host(name)["status"] == "ok", run.host(name)["reason"]
    assert run.statuses("hardened")["deb12-sshd-permit-root-login"] == "pass"
    # The bastion is scanned itself (one login) and carries both hosts (one more login, two
    # forwarded channels): one connection to the bastion, whatever the number behind it.
    assert logins(bastion) - before[0] == 2
    assert forwards(bastion) - before[1] == 2


def test_user_at_host_port_and_a_chain_of_two(bed, hosts, bastions, out):
    bastion, inner = bastions["bastion"], bastions["inner"]
    before = forwards(bastion), forwards(inner)
    inventory = bed.inventory([
        {"name": "inner-bastion", "address": inner.address, "port": inner.port,
         "jump": f"root@{bastion.address}:{bastion.port}"},
        hosts["hardened"].inventory_entry(jump="inner-bastion"),
    ])
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out,
                  out=out)
    assert run.host("hardened")["status"] == "ok", run.host("hardened")["reason"]
    assert run.host("inner-bastion")["status"] == "ok"
    # bastion forwarded to inner-bastion twice (inner scanned, and as the hop for hardened);
    # inner-bastion forwarded once, to hardened.
    assert forwards(bastion) - before[0] == 2
    assert forwards(inner) - before[1] == 1


def test_a_bastion_with_a_wrong_host_key_stops_every_host_behind_it(bed, hosts, bastions,
                                                                   tmp_path, out):
    bastion = bastions["bastion"]
    known = tmp_path / "known_hosts"
    lines = open(bed.known_hosts).read().splitlines(keepends=True)
    wrong = testbed.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                         str(tmp_path / "other")])
    del wrong
    other = open(tmp_path / "other.pub").read().split()
    prefix = f"[{bastion.address}]:{bastion.port} "
    known.write_text("".join(
        prefix + f"{other[0]} {other[1]}\n" if line.startswith(prefix) else line
        for line in lines))
    before = forwards(bastion)
    inventory = bed.inventory([
        hosts["hardened"].inventory_entry(jump="bastion-alias"),
        hosts["unhardened"].inventory_entry(jump="bastion-alias"),
        {"name": "bastion-alias", "address": bastion.address, "port": bastion.port},
    ])
    run = cisscan("scan", "-i", inventory, "--known-hosts", str(known), "--out", out, out=out)
    assert run.code == 3
    for name in ("hardened", "unhardened"):
        host = run.host(name)
        assert host["status"] == "error"
        assert "jump host bastion-alias" in host["reason"]
        assert "does not match" in host["reason"]
    assert forwards(bastion) == before  # nothing was forwarded through an unverified bastion


def test_a_bastion_with_nothing_to_carry_leaves_the_scanner_asleep(bed, hosts, bastions,
                                                                  tmp_path):
    """The bastion's forwarder sleeps until the bastion or a tunnel has bytes for the other
    side: while a host behind it works for 3 s, the scanner wakes about as often as when it
    reaches that host directly (a forwarder that looked every 5 ms woke ~600 times more). The
    bastion is scanned in both runs, so both open the same sessions but for the tunnel."""
    checks = slow_catalog(str(tmp_path), 3)
    target = hosts["hardened"]
    bastion = bastions["bastion"].inventory_entry()
    direct = scan_sleeps(bed, [bastion, target.inventory_entry()], checks, str(tmp_path))
    behind = scan_sleeps(bed, [bastion, target.inventory_entry(jump="bastion")], checks,
                         str(tmp_path))
    assert behind - direct < 150, (direct, behind)


@pytest.mark.parametrize("hosts_yaml,words", [
    ([{"name": "a", "jump": "b"}, {"name": "b", "jump": "a"}], "loop"),
    ([{"name": "a", "jump": "nowhere"}], "not a host of the inventory"),
    ([{"name": "a", "jump": "root@host:99999"}], "user@host[:port]"),
    ([{"name": "a", "jump": "b"}, {"name": "b", "jump": "c"}, {"name": "c", "jump": "d"},
      {"name": "d"}], "more than 2 jump hosts"),
])
def test_bad_jump_settings_are_one_line_and_exit_2(bed, tmp_path, hosts_yaml, words):
    inventory = bed.inventory(hosts_yaml, path=str(tmp_path / "inventory.yaml"))
    run = cisscan("scan", "-i", inventory, "--out", str(tmp_path / "out"))
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "inventory.yaml:" in lines[0], run.stderr
    assert not os.path.exists(tmp_path / "out" / "report.json")


def test_a_bastion_that_cannot_reach_the_host_makes_it_unreachable(bed, bastions, out):
    dead = testbed.free_port()
    inventory = bed.inventory([
        bastions["bastion"].inventory_entry(),
        {"name": "behind", "address": "127.0.0.1", "port": dead, "jump": "bastion"},
    ])
    run = cisscan("scan", "-i", inventory, "--known-hosts", bed.known_hosts, "--out", out,
                  out=out)
    assert run.code == 3
    behind = run.host("behind")
    assert behind["status"] == "unreachable"
    assert "jump host bastion" in behind["reason"] and f"127.0.0.1:{dead}" in behind["reason"]
    assert run.host("bastion")["status"] == "ok"


def test_ssh_config_aliases_and_proxyjump(bed, hosts, bastions, tmp_path, out):
    """Hosts named only by an alias of an OpenSSH config: HostName, Port, User, IdentityFile,
    ProxyJump and UserKnownHostsFile come from it; the inventory's own settings win."""
    bastion, target = bastions["bastion"], hosts["hardened"]
    config = tmp_path / "ssh_config"
    config.write_text(f"""# as an operator writes it
Host jumpbox
    HostName {bastion.address}
    Port {bastion.port}
Host web-direct
    ProxyJump none
Host web-*
    HostName {target.address}
    Port {target.port}
    ProxyJump jumpbox
Host *
    User root
    IdentityFile {bed.client_key}
    UserKnownHostsFile {bed.known_hosts}
    Match exec "true"
""")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text("hosts:\n  - {name: web-1}\n  - {name: web-direct}\n"
                         "  - {name: web-wrong-port, port: 1}\n")
    before = forwards(bastion)
    run = cisscan("scan", "-i", str(inventory), "--ssh-config", str(config), "--out", out,
                  out=out)
    assert run.host("web-1")["status"] == "ok", run.host("web-1")["reason"]
    assert run.host("web-direct")["status"] == "ok", run.host("web-direct")["reason"]
    # The inventory's port wins over the config's.
    assert run.host("web-wrong-port")["status"] == "unreachable"
    assert forwards(bastion) - before == 2  # web-1 and web-wrong-port went through the bastion
    warnings = [line for line in run.stderr.splitlines() if "ssh_config:" in line]
    assert len(warnings) == 1 and f"{config}:" in warnings[0] and "Match" in warnings[0]
