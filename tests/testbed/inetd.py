"""sshd for a host with a network namespace of its own (fixture key `netns`): listens where the
host's sshd would (in the namespace the host was started in) and runs `sshd -i` for each
connection, with the connection as its standard input and output, in the host's own network
namespace (the command given after ADDRESS PORT, an nsenter). Every session, whoever logs in and
whatever sudo does next, then sees that namespace's network and kernel tables.

    inetd.py ADDRESS PORT COMMAND...
"""
import signal
import socket
import subprocess
import sys

address, port, command = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
server = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((address, port))
server.listen(128)
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the sessions are reaped by the kernel
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
sys.stderr.write(f"Server listening on {address} port {port} (sshd -i per connection).\n")
sys.stderr.flush()
while True:
    connection, _ = server.accept()
    subprocess.Popen(command, stdin=connection.fileno(), stdout=connection.fileno())
    connection.close()
