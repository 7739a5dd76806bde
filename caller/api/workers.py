"""Several processes of one caller on one listening socket (`onewindow caller --workers N`).

One Python process runs the Python of one request at a time, so on a machine with more cores a busy hall is served
faster by more processes. They already share everything that must be shared through the database (numbers, event
ids, claims of reminders and day-end work; two processes on one database are what the race tests run), so the
first process only opens the socket, starts the others with it (`--listen-fd`, by exec, not fork) and serves too.
It starts a worker again that died, and stops them all when it stops; a worker whose first process is gone
(killed) stops by itself.

What a process keeps in memory counts per process: with N workers, the public lookups' miss limit, the code texts
per address and day and the reminders per phone and hour allow up to N times as many (a production install has
nginx's per-address limits in front, config/nginx/).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
RESTARTS_PER_MINUTE = 5


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def adopt(fd: int) -> socket.socket:
    """In a worker: the socket its first process opened; and the promise to stop when that process is gone."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the first process's stop() still ends it
        pass
    if os.getppid() == 1:  # the first process died before the promise was made
        sys.exit(0)
    return socket.socket(fileno=fd)


class Workers:
    """The other N-1 processes, started from this one's command line with `--listen-fd`."""

    def __init__(self, count: int, sock: socket.socket, argv: list[str]) -> None:
        self.count = count
        self.sock = sock
        self.argv = argv
        self.processes: list[subprocess.Popen] = []
        self._stopping = threading.Event()
        self._restarts: list[float] = []

    def _spawn(self) -> subprocess.Popen:
        fd = self.sock.fileno()
        return subprocess.Popen([sys.executable, "-m", "caller.cli", *self.argv, "--listen-fd", str(fd)],
                                pass_fds=(fd,))

    def start(self) -> None:
        self.processes = [self._spawn() for _ in range(self.count - 1)]
        threading.Thread(target=self._watch, name="workers", daemon=True).start()

    def _watch(self) -> None:
        while not self._stopping.wait(1.0):
            for i, process in enumerate(self.processes):
                if process.poll() is None or self._stopping.is_set():
                    continue
                now = time.monotonic()
                self._restarts = [t for t in self._restarts if now - t < 60]
                if len(self._restarts) >= RESTARTS_PER_MINUTE:
                    continue  # a worker that dies at once, again and again: the log says so once a minute
                self._restarts.append(now)
                log.warning("worker process %d ended (exit code %s): started again", process.pid, process.returncode)
                self.processes[i] = self._spawn()

    def stop(self, timeout_s: float = 15) -> None:
        self._stopping.set()
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + timeout_s
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
