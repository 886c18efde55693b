#!/usr/bin/env python3
"""A TCP relay that adds latency: every byte is released in each direction DELAY ms after it
arrived, so a round trip through it costs at least 2 × DELAY more. This kernel has no netem; the
test bed puts one of these in front of a host's sshd, inside that host's network namespace.

  relay.py --listen ADDR:PORT --target ADDR:PORT --delay MS

Bounded: at most --max-connections at once, and each direction stops reading while more than
--max-pending bytes wait to be released (TCP then pushes back on the sender). It stops by itself
when its standard input closes (the test bed holds the other end of a pipe, so the relay ends with
the test bed, even if that is killed) and in any case after --lifetime seconds.
"""
import argparse
import asyncio
import sys
import time

CHUNK = 65536


class Pending:
    """Bytes read on one side, each chunk stamped with the time it may be released."""

    def __init__(self, limit):
        self.limit = limit
        self.chunks = asyncio.Queue()
        self.size = 0
        self.room = asyncio.Event()
        self.room.set()

    async def put(self, release_at, data):
        await self.room.wait()
        self.size += len(data)
        if self.size > self.limit:
            self.room.clear()
        self.chunks.put_nowait((release_at, data))

    async def get(self):
        release_at, data = await self.chunks.get()
        return release_at, data

    def done(self, data):
        self.size -= len(data)
        if self.size <= self.limit:
            self.room.set()


async def read_side(reader, pending, delay):
    while True:
        data = await reader.read(CHUNK)
        await pending.put(time.monotonic() + delay, data)
        if not data:
            return


async def write_side(writer, pending):
    while True:
        release_at, data = await pending.get()
        wait = release_at - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        pending.done(data)
        if not data:
            if writer.can_write_eof():
                writer.write_eof()
            return
        writer.write(data)
        await writer.drain()


async def pipe(reader, writer, delay, limit):
    pending = Pending(limit)
    await asyncio.gather(read_side(reader, pending, delay), write_side(writer, pending))


class Relay:
    def __init__(self, target, delay, max_connections, max_pending):
        self.target = target
        self.delay = delay
        self.slots = asyncio.Semaphore(max_connections)
        self.max_pending = max_pending

    async def handle(self, client_reader, client_writer):
        if self.slots.locked():
            client_writer.close()
            return
        async with self.slots:
            try:
                up_reader, up_writer = await asyncio.open_connection(*self.target)
            except OSError:
                client_writer.close()
                return
            try:
                await asyncio.gather(
                    pipe(client_reader, up_writer, self.delay, self.max_pending),
                    pipe(up_reader, client_writer, self.delay, self.max_pending))
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                for writer in (client_writer, up_writer):
                    writer.close()


async def stdin_closed():
    """Returns when standard input reaches end of file (the test bed went away)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.read(4096):
        pass


def address(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", type=address, required=True)
    parser.add_argument("--target", type=address, required=True)
    parser.add_argument("--delay", type=float, required=True, help="milliseconds, each direction")
    parser.add_argument("--max-connections", type=int, default=256)
    parser.add_argument("--max-pending", type=int, default=1 << 20)
    parser.add_argument("--lifetime", type=float, default=6 * 3600)
    args = parser.parse_args()
    relay = Relay(args.target, args.delay / 1000, args.max_connections, args.max_pending)
    server = await asyncio.start_server(relay.handle, *args.listen, backlog=512)
    print("listening", flush=True)
    async with server:
        await asyncio.wait([asyncio.create_task(stdin_closed())], timeout=args.lifetime)


if __name__ == "__main__":
    asyncio.run(main())
