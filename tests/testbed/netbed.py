"""A test bed that looks like a network: test hosts in network namespaces of their own.

    bed = netbed.Netbed()                       # owns a core namespace with two bridges
    web = bed.add_host("web1", "hardened")      # its own namespace, address and hostname
    slow = bed.add_host("slow1", delay_ms=10)   # behind a relay adding 10 ms each way
    bastion = bed.add_bastion("bastion")        # on both networks
    inner = bed.add_host("db1", network="b")    # reachable only through the bastion
    ...
    bed.cleanup()                               # nothing left: namespaces, links, routes, processes

Network "a" is the scanner's: the root namespace gets one veth onto its bridge, so cisscan reaches
those hosts by address. Network "b" hangs off a second bridge; only the bastion has an address on
both, and it does not forward. The root namespace gets an `unreachable` route for network "b", so a
connection to it fails at once with "No route to host" and no packet ever leaves for any other
address. Every address is in a private range, and exists only inside namespaces made here.

Each host is a testbed.Host (the same sshd, fixture binds and logs), started under
`ip netns exec NS unshare --uts` with its hostname set, listening on port 22 of its own address.
Everything made is written to a state file under /run/cisscan-netbed/ first; cleanup() removes it
(also from atexit), and sweep_stale() removes what a killed test bed left behind.
Needs root.
"""
import atexit
import fcntl
import ipaddress
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import testbed  # noqa: E402

STATE_DIR = "/run/cisscan-netbed"
PREFIX = "cnb"  # every namespace and root link made here starts with it
NETWORKS = {"a": "10.231.{k}.0/24", "b": "10.232.{k}.0/24"}
FIRST_HOST = 10  # .1 is the root namespace's, .2 the bastion's
_counter = itertools.count()


def ip(*args, check=True):
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_namespace_processes(netns):
    """SIGKILLs what still runs in a namespace made here (sshd sessions, relays)."""
    for _ in range(50):
        pids = [int(p) for p in ip("netns", "pids", netns, check=False).stdout.split()]
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)


def _remove(state):
    """Removes everything a state file names; safe to repeat."""
    for netns in state.get("namespaces", []):
        _kill_namespace_processes(netns)
    for netns in reversed(state.get("namespaces", [])):
        ip("netns", "del", netns, check=False)
    for link in state.get("links", []):
        if ip("link", "show", "dev", link, check=False).returncode == 0:
            ip("link", "del", "dev", link, check=False)
    for route in state.get("routes", []):
        ip("route", "del", *route.split(), check=False)


def sweep_stale():
    """Removes what test beds of processes that no longer run left behind (after a SIGKILL)."""
    if not os.path.isdir(STATE_DIR):
        return
    for name in os.listdir(STATE_DIR):
        path = os.path.join(STATE_DIR, name)
        try:
            with open(path) as f:
                state = json.load(f)
        except (OSError, ValueError):
            continue
        if not _pid_alive(state.get("pid", 0)):
            _remove(state)
            if state.get("dir", "").startswith("/tmp/cisscan-testbed-"):
                shutil.rmtree(state["dir"], ignore_errors=True)
            os.unlink(path)


def _free_subnet_index():
    """A k for which neither 10.231.k.0/24 nor 10.232.k.0/24 is used in the root namespace."""
    used = ip("-4", "route", "show", "table", "all").stdout + ip("-4", "addr").stdout
    taken = {int(m.group(1)) for m in re.finditer(r"\b10\.23[12]\.(\d+)\.", used)}
    for k in range(1, 250):
        if k not in taken:
            return k
    raise RuntimeError("no free 10.231.k.0/24 subnet for the test bed")


class NetHost(testbed.Host):
    """A test host in its own network namespace, optionally behind a latency relay."""

    start_timeout = 120  # hundreds start at once on a loaded machine

    def __init__(self, bed, name, fixture, address, network, delay_ms=0, relay_port=22):
        super().__init__(bed, name, fixture, port=22, address=address)
        self.netns = f"{bed.tag}-{name}"
        self.network = network
        self.delay_ms = delay_ms
        self.relay_port = relay_port
        self.relay = None
        if delay_ms and relay_port == 22:
            # sshd listens on the namespace's loopback; the relay takes the host's address.
            self.listen_address = "127.0.0.1"

    def start(self):
        super().start()
        if self.delay_ms:
            self.relay = subprocess.Popen(
                ["ip", "netns", "exec", self.netns, sys.executable,
                 os.path.join(HERE, "relay.py"), "--listen", f"{self.address}:{self.relay_port}",
                 "--target", f"{self.listen_address}:22", "--delay", str(self.delay_ms)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            if self.relay.stdout.readline().strip() != b"listening":
                raise RuntimeError(f"the latency relay for {self.name} did not start")
            if self.relay_port != 22:  # both ways in: direct on 22, delayed on relay_port
                key = self.known_hosts_line.split(" ", 1)[1]
                self.known_hosts_line += f"[{self.address}]:{self.relay_port} {key}"
                # A fixture with a firewall (hardened: input policy drop, ssh on 22 only)
                # would drop the relay's port: open it, as an admin would for a second sshd.
                subprocess.run(["ip", "netns", "exec", self.netns, "nft", "insert", "rule",
                                "inet", "filter", "input", "tcp", "dport",
                                str(self.relay_port), "accept"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self

    def stop(self):
        if self.relay and self.relay.poll() is None:
            self.relay.stdin.close()  # the relay ends when its stdin closes
            try:
                self.relay.wait(5)
            except subprocess.TimeoutExpired:
                self.relay.kill()
                self.relay.wait()
        super().stop()

    def run(self, *cmd, **kw):
        """Runs a command inside this host's network namespace (not its mount namespace)."""
        return subprocess.run(["ip", "netns", "exec", self.netns, *cmd], capture_output=True,
                              text=True, **kw)


class Netbed(testbed.Testbed):
    """Hosts on network "a" (reachable from the root namespace) and "b" (behind the bastion)."""

    def __init__(self):
        sweep_stale()
        super().__init__()
        self.tag = f"{PREFIX}-{os.getpid()}-{next(_counter)}"
        self.core = f"{self.tag}-core"
        self.root_link = f"{PREFIX}{os.getpid()}n{self.tag.rsplit('-', 1)[1]}"[:15]
        self.state = {"pid": os.getpid(), "dir": self.dir, "namespaces": [], "links": [],
                      "routes": []}
        self.state_file = os.path.join(STATE_DIR, self.tag + ".json")
        self.lock = threading.Lock()
        self.next_address = {"a": FIRST_HOST, "b": FIRST_HOST}
        self.bastion = None
        self._down = False
        atexit.register(self.cleanup)
        try:
            self._up()
        except BaseException:
            self.cleanup()
            raise

    # --- the bookkeeping that makes cleanup complete ------------------------------------------
    def _record(self, kind, value):
        with self.lock:
            self.state[kind].append(value)
            os.makedirs(STATE_DIR, exist_ok=True)
            tmp = self.state_file + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.state, f)
            os.replace(tmp, self.state_file)

    def _netns(self, name):
        self._record("namespaces", name)
        ip("netns", "add", name)
        ip("-n", name, "link", "set", "lo", "up")

    def _up(self):
        os.makedirs(STATE_DIR, exist_ok=True)
        # Test beds of other processes choose subnets too: one at a time, each holding the lock
        # until its address and route are in the root namespace for the next to see.
        with open(os.path.join(STATE_DIR, ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            k = _free_subnet_index()
            self.subnets = {net: ipaddress.ip_network(pattern.format(k=k))
                            for net, pattern in NETWORKS.items()}
            self.state["subnets"] = [str(net) for net in self.subnets.values()]
            self._netns(self.core)
            for net in self.subnets:
                ip("-n", self.core, "link", "add", f"br{net}", "type", "bridge")
                ip("-n", self.core, "link", "set", f"br{net}", "up")
            # The scanner's way in: a veth from the root namespace onto bridge "a", and nothing
            # towards "b" but a route that refuses at once.
            unreachable = f"unreachable {self.subnets['b']}"
            self._record("links", self.root_link)
            self._record("routes", unreachable)
            ip("link", "add", self.root_link, "address", self.mac("a", 1), "type", "veth",
               "peer", "name", "root", "netns", self.core)
            ip("-n", self.core, "link", "set", "root", "master", "bra", "up")
            # A switch forwards frames; it does not run the firewall over them. Bridged traffic
            # through netfilter (net.bridge.bridge-nf-call-*, per namespace) would cost the
            # scanner's CPU a route lookup per frame that no real network charges it.
            for family in ("iptables", "ip6tables", "arptables"):
                ip("netns", "exec", self.core, "sysctl", "-q", "-w",
                   f"net.bridge.bridge-nf-call-{family}=0", check=False)
            ip("addr", "add", f"{self.address('a', 1)}/24", "dev", self.root_link)
            ip("link", "set", self.root_link, "up")
            ip("route", "add", *unreachable.split())

    def address(self, net, index):
        return str(self.subnets[net].network_address + index)

    def mac(self, net, index):
        """The fixed MAC of address .index of `net`: a locally administered one, unique among
        test beds (their k differ)."""
        k = self.subnets[net].network_address.packed[2]
        return f"02:cb:{k:02x}:{'ab'.index(net):02x}:{index:02x}:00"

    def _plug(self, netns, net, inside, index):
        """A veth from `netns` (named `inside`, address .index) onto the bridge of `net`.

        On network "a", the host and the root namespace know each other's MAC from the start
        (permanent neighbour entries): with hundreds of hosts, the kernel's neighbour cache
        drops idle entries, and each ARP request the scanner then broadcasts is received by
        every namespace on the bridge in the scanner's own softirq time (~0.9 ms of its CPU a
        host at 200 hosts), which on a real network the other machines' CPUs would pay."""
        port = f"p{net}{index}"
        ip("-n", self.core, "link", "add", port, "type", "veth", "peer", "name", inside,
           "address", self.mac(net, index), "netns", netns)
        ip("-n", self.core, "link", "set", port, "master", f"br{net}", "up")
        address = self.address(net, index)
        ip("-n", netns, "addr", "add", f"{address}/24", "dev", inside)
        ip("-n", netns, "link", "set", inside, "up")
        if net == "a":
            ip("neigh", "replace", address, "lladdr", self.mac(net, index), "dev",
               self.root_link, "nud", "permanent")
            ip("-n", netns, "neigh", "replace", self.address("a", 1), "lladdr",
               self.mac("a", 1), "dev", inside, "nud", "permanent")

    def netns_prefix(self, host):
        """How Host.start runs sshd: in the host's namespace, with its own hostname."""
        return ["ip", "netns", "exec", host.netns, "unshare", "--uts", "sh", "-c",
                'hostname "$0" && exec "$@"', host.name]

    def netns_holder_prefix(self, host):
        """A fixture's own network namespace (`netns`) is the one the host already has."""
        return ["ip", "netns", "exec", host.netns]

    def sshd_in_host_netns(self, host):
        return True  # sshd is started in the host's namespace (netns_prefix)

    # --- hosts --------------------------------------------------------------------------------
    def add_host(self, name, fixture="hardened", network="a", delay_ms=0, relay_port=22,
                 known=True):
        """A host on `network`; with delay_ms, a relay adding that much each way listens on
        relay_port (22: the host's only way in; another port: beside sshd's own port 22)."""
        with self.lock:
            index = self.next_address[network]
            if index > 250:
                raise RuntimeError(f"network {network} of the test bed is full")
            self.next_address[network] += 1
        host = NetHost(self, name, fixture, self.address(network, index), network, delay_ms,
                       relay_port)
        self._netns(host.netns)
        ip("netns", "exec", host.netns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0")
        self._plug(host.netns, network, "eth0", index)
        with self.lock:
            self.hosts.append(host)
        host.start()
        if known:
            with self.lock, open(self.known_hosts, "a") as f:
                f.write(host.known_hosts_line)
        return host

    def add_hosts(self, names, workers=8, **kw):
        """Starts several hosts at once (threads; each start mostly waits on sshd)."""
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda n: self.add_host(n, **kw), names))

    def add_bastion(self, name="bastion", fixture="hardened"):
        """The one host on both networks: the only way into network "b". It does not route."""
        host = NetHost(self, name, fixture, self.address("a", 2), "a")
        self._netns(host.netns)
        ip("netns", "exec", host.netns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=0")
        self._plug(host.netns, "a", "eth0", 2)
        self._plug(host.netns, "b", "eth1", 2)
        host.inner_address = self.address("b", 2)
        with self.lock:
            self.hosts.append(host)
        host.start()
        with self.lock, open(self.known_hosts, "a") as f:
            f.write(host.known_hosts_line)
        self.bastion = host
        return host

    # --- down ---------------------------------------------------------------------------------
    def made(self):
        """What this test bed made, as cleanup() will remove it."""
        with self.lock:
            return json.loads(json.dumps(self.state))

    def cleanup(self):
        if self._down:
            return
        self._down = True
        try:
            super().stop()
        finally:
            _remove(self.state)
            if os.path.exists(self.state_file):
                os.unlink(self.state_file)
            super().cleanup()
            atexit.unregister(self.cleanup)
