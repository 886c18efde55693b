"""Holds a test host's own network namespace (started as `unshare --net python3 netns_holder.py
[tcp:PORT|udp:PORT|tcp6:PORT|udp6:PORT]...`): brings loopback up, opens the listening sockets a
fixture asks for (on all addresses, so they count as open ports), prints "ready", and lives until
its stdin closes, which also happens when the test that started it dies."""
import socket
import subprocess
import sys

subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
sockets = []
for spec in sys.argv[1:]:
    proto, port = spec.split(":")
    family = socket.AF_INET6 if proto.endswith("6") else socket.AF_INET
    kind = socket.SOCK_STREAM if proto.startswith("tcp") else socket.SOCK_DGRAM
    s = socket.socket(family, kind)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", int(port)))
    if kind == socket.SOCK_STREAM:
        s.listen(1)
    sockets.append(s)
print("ready", flush=True)
sys.stdin.read()
