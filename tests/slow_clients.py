"""Slow and idle clients for the tests and the benchmark: connections that send nothing, or a header line now and
then and never finish (slow loris). Each reconnects when closed, until the time is up; all on 127.0.0.1."""

from __future__ import annotations

import asyncio
import resource
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Attack:
    host: str
    port: int
    connections: int = 2000
    trickle_share: float = 0.5  # the rest are idle: connected, silent
    trickle_every_s: float = 1.0
    seconds: float = 20.0
    opened: int = 0
    closed_by_server: int = 0
    refused: int = 0
    open_now: int = 0
    peak_open: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Attack:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # this process needs a socket per connection
        want = self.connections + 512
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), name="slow-clients", daemon=True)
        self._thread.start()
        return self

    def wait_open(self, share: float = 0.9, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while self.peak_open < self.connections * share and time.monotonic() < deadline:
            time.sleep(0.1)

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=30)

    async def _run(self) -> None:
        deadline = time.monotonic() + self.seconds
        trickling = int(self.connections * self.trickle_share)
        tasks = [asyncio.create_task(self._client(n < trickling, deadline)) for n in range(self.connections)]
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _client(self, trickle: bool, deadline: float) -> None:
        while time.monotonic() < deadline and not self._stop.is_set():
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), 5)
            except (OSError, asyncio.TimeoutError):
                self.refused += 1
                await asyncio.sleep(0.2)
                continue
            self.opened += 1
            self.open_now += 1
            self.peak_open = max(self.peak_open, self.open_now)
            try:
                if trickle:
                    writer.write(b"GET /api/v1/categories HTTP/1.1\r\nHost: hall\r\n")
                while time.monotonic() < deadline and not self._stop.is_set():
                    if trickle:
                        writer.write(b"X-Slow: 1\r\n")
                        await writer.drain()
                    try:
                        if await asyncio.wait_for(reader.read(1024), self.trickle_every_s) == b"":
                            self.closed_by_server += 1
                            break
                    except asyncio.TimeoutError:
                        pass
            except (OSError, ConnectionError):
                self.closed_by_server += 1
            finally:
                self.open_now -= 1
                writer.close()


if __name__ == "__main__":  # python -m tests.slow_clients HOST PORT CONNECTIONS SECONDS: an attack in its own process
    import json
    import signal
    import sys

    host, port, connections, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    attack = Attack(host, port, connections=connections, seconds=seconds).start()
    signal.signal(signal.SIGTERM, lambda *_: attack._stop.set())  # stop early, and still say what happened
    while attack._thread.is_alive():
        attack._thread.join(timeout=0.2)
    print(json.dumps({"opened": attack.opened, "peak_open": attack.peak_open,
                      "closed_by_server": attack.closed_by_server, "refused": attack.refused}))
