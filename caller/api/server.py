"""Serving the caller's app with uvicorn, held against slow and many clients.

Three measures, each cheap, together enough for the embedded default (a reverse proxy, config/nginx/,
does the same and more in a production install):
- the soft limit of open files is raised to the hard one (Debian's default soft limit, 1024, is what
  1,100 slow-loris connections exhausted: after that every kiosk and counter was refused);
- a request's line and headers must arrive within `header_timeout_s` of the connection or of the previous
  response (uvicorn has no such limit, and a byte now and then kept a connection forever);
- beyond `max_connections` open connections a new one is closed at once, so the file limit is never met.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import resource
import socket
import sys
from pathlib import Path

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger(__name__)
OPEN_FILES_WANTED = 65536


def raise_open_file_limit(wanted: int = OPEN_FILES_WANTED) -> int:
    """Raise this process's soft limit of open files towards `wanted` (up to the hard limit); the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for each request's headers and a cap on open connections.

    Over the cap, the connection that has waited longest without sending a complete request is closed to make
    room (a slow-loris or idle one: a real client sends its headers at once); only if there is none is the
    new one closed. (httptools, the C parser, rather than h11: h11's pure-Python parsing was a tenth of a
    request's Python on the hot path, issue 15.)"""

    header_timeout_s = 10.0
    max_connections = 4096
    waiting: dict  # per server: connections without a complete request yet, oldest first

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            oldest = next(iter(self.waiting), None)
            _refused.note()
            if oldest is None:
                transport.abort()
                return
            oldest._disarm()  # out of the waiting list at once: the next newcomer evicts the next oldest
            oldest.transport.abort()
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._too_slow)
        self.waiting[self] = None

    def _disarm(self) -> None:
        self.waiting.pop(self, None)
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        self.waiting.pop(self, None)
        if not self.transport.is_closing():
            self.transport.abort()  # no complete request line and headers in time (slow loris, idle socket)

    def on_headers_complete(self) -> None:
        self._disarm()  # the headers are in: the request is being served
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        pipelined = bool(self.pipeline)  # a request already read starts now: its headers are in
        super().on_response_complete()
        if not pipelined and not self.transport.is_closing():
            self._arm()  # keep-alive: the next request's headers get the same deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


class _Refusals:
    """Counts connections closed over the cap; says so at most once a minute."""

    def __init__(self) -> None:
        self.count = 0
        self._said = -1e9

    def note(self) -> None:
        self.count += 1
        loop = asyncio.get_running_loop()
        if loop.time() - self._said >= 60:
            self._said = loop.time()
            log.warning("over the cap of open connections: the longest waiting without a request are closed "
                        "(%d so far)", self.count)


_refused = _Refusals()


def guarded_protocol(header_timeout_s: float, max_connections: int) -> type[GuardedProtocol]:
    """The protocol class for one server (its own cap and its own list of waiting connections)."""
    return type("CallerHttpProtocol", (GuardedProtocol,),
                {"header_timeout_s": header_timeout_s, "max_connections": max_connections, "waiting": {}})


FILES_KEPT = 256  # open files kept for the database, logs and the rest, beyond the connections
ACCEPT_BURST = 64  # the listen backlog, which is also how many connections asyncio accepts at one go
IN_FLIGHT = 4 * ACCEPT_BURST  # accepted before the cap closes the longest waiting: a few bursts, measured


def connection_cap(max_connections: int) -> int:
    """`max_connections`, after raising the open-file limit, but never so many that the files run out: the
    cap closes the longest-waiting connections a few event-loop turns after more were accepted."""
    limit = raise_open_file_limit(max(OPEN_FILES_WANTED, max_connections + FILES_KEPT + IN_FLIGHT))
    room = limit - FILES_KEPT - IN_FLIGHT
    if room < max_connections:
        log.warning("only %d open files allowed (ulimit -n, hard limit): at most %d connections at once",
                    limit, max(16, room))
    return max(16, min(max_connections, room))


def run(app, host: str, port: int, *, header_timeout_s: float, max_connections: int,  # noqa: ANN001
        keep_alive_s: float, access_log: bool, tls_cert: Path | None = None, tls_key: Path | None = None,
        sock: socket.socket | None = None) -> None:
    """Serve `app`; with `tls_cert` and `tls_key` over HTTPS only (caller/tls.py makes them); on `sock` if given
    (a listening socket shared by the workers, caller/api/workers.py), else on `host` and `port`."""
    cap = connection_cap(max_connections)
    tls = {"ssl_certfile": str(tls_cert), "ssl_keyfile": str(tls_key)} if tls_cert else {}
    config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=access_log,
                            http=guarded_protocol(header_timeout_s, cap), timeout_keep_alive=int(keep_alive_s),
                            backlog=ACCEPT_BURST, **tls)
    server = uvicorn.Server(config)
    # The objects made so far (modules, the app, its routes and statements) live as long as the process: kept out
    # of the garbage collector's passes, a full pass no longer walks them all in the middle of a request (about
    # 170,000 objects, 30-60 ms on this machine: the 8-windows-at-once p99, issue 15).
    gc.collect()
    gc.freeze()
    server.run(sockets=[sock] if sock is not None else None)
    if not server.started:
        sys.exit(3)  # as uvicorn.run: the port taken, the certificate unreadable
