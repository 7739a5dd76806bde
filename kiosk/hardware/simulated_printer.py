"""A simulated network receipt printer on 127.0.0.1: it keeps what it printed and answers DLE EOT status.

The kiosk reaches it through `tcp://127.0.0.1:PORT`, the same transport as a real network printer, so
the status checks and the paper-out handling run exactly as they would. It can run out of paper after a
number of bytes (mid-slip), have its cover open, or refuse connections.
"""

from __future__ import annotations

import socket
import threading

DLE_EOT = b"\x10\x04"


class SimulatedPrinter:
    def __init__(self, port: int = 0) -> None:
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self.printed = bytearray()  # bytes that reached paper
        self.paper_left: int | None = None  # bytes until the roll ends; None: endless
        self.paper_low = False
        self.cover_open = False
        self.answers_status = True
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="simulated-printer", daemon=True)
        self._thread.start()

    @property
    def paper_out(self) -> bool:
        return self.paper_left is not None and self.paper_left <= 0

    def load_paper(self) -> None:
        with self._lock:
            self.paper_left = None

    def _status(self, n: int) -> bytes:
        value = 0x12  # bits 1 and 4 are always set
        if n == 1 and (self.paper_out or self.cover_open):
            value |= 0x08  # offline
        if n == 2:
            value |= (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0)
        if n == 4:
            value |= (0x60 if self.paper_out else 0) | (0x0C if self.paper_low else 0)
        return bytes([value])

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        pending = b""
        with conn:
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not data:
                    return
                pending += data
                while pending:
                    at = pending.find(DLE_EOT)
                    if at < 0 or at + 2 >= len(pending):
                        keep = 2 if at >= 0 else (1 if pending.endswith(b"\x10") else 0)
                        self._take(pending[: len(pending) - keep])
                        pending = pending[len(pending) - keep :]
                        break
                    self._take(pending[:at])
                    n = pending[at + 2]
                    pending = pending[at + 3 :]
                    if n in (1, 2, 3, 4) and self.answers_status:
                        try:
                            conn.sendall(self._status(n))
                        except OSError:
                            return

    def _take(self, data: bytes) -> None:
        with self._lock:
            if self.cover_open:
                return
            if self.paper_left is None:
                self.printed += data
                return
            room = max(0, self.paper_left)
            self.printed += data[:room]
            self.paper_left -= len(data)

    def close(self) -> None:
        self._stop.set()
        self.server.close()
        self._thread.join(timeout=2)
