"""A simulated ID card reader at the far end of a pty pair: it answers the SAM protocol like the device.

The kiosk opens the pty's other end as if it were the reader's serial port, so the driver's code path is
the one a real reader sees. Used by `./dev hall` when no reader is attached, and by the tests, which also
make it tear frames, send noise and go away.
"""

from __future__ import annotations

import datetime as dt
import os
import select
import threading
import time
import tty

from kiosk.hardware.sam_protocol import (
    FIND_CARD,
    READ_BASE_INFO,
    SELECT_CARD,
    FrameParser,
    Status,
    answer,
    encode_base_info,
)

# a made-up resident: the ID number has a valid check digit, the name is a common placeholder
DEMO_CARD = dict(name="张三", sex="男", birth=dt.date(1950, 3, 7), id_number="110105195003070019", valid_to=None)


class SimulatedCardReader:
    """`demo_hand`: a simulated citizen places the demo card while the kiosk waits for one (after it found the
    reader empty a few times) and takes it away a few seconds after it was read — for `./dev hall`."""

    def __init__(self, *, demo_hand: bool = False) -> None:
        self.master, slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        self._slave = slave  # kept open so the pty survives the driver closing and reopening its end
        self.card: bytes | None = None
        self.noise_before = b""  # sent before every answer (a torn frame, garbage)
        self.silent = False  # no answers at all (a hung reader)
        self.requests: list[bytes] = []
        self.demo_hand = demo_hand
        self._empty_finds = 0
        self._read_at: float | None = None
        self._parser = FrameParser()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="simulated-card-reader", daemon=True)
        self._thread.start()

    def insert(self, **card: object) -> None:
        self.card = encode_base_info(**{**DEMO_CARD, **card})

    def remove(self) -> None:
        self.card = None

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            for payload in self._parser.feed(data):
                self.requests.append(payload)
                reply = self._reply(payload[:2])
                if reply is not None and not self.silent:
                    os.write(self.master, self.noise_before + reply)

    def _reply(self, command: bytes) -> bytes | None:
        if self.demo_hand:
            self._move_demo_card(command)
        if command == FIND_CARD:
            return answer(Status.CARD_FOUND, bytes(4)) if self.card else answer(Status.NO_CARD)
        if command == SELECT_CARD:
            return answer(Status.OK, bytes(8)) if self.card else answer(Status.SELECT_FAILED)
        if command == READ_BASE_INFO:
            return answer(Status.OK, self.card) if self.card else answer(Status.READ_FAILED)
        return answer(Status.UNKNOWN_COMMAND)

    def _move_demo_card(self, command: bytes) -> None:
        if command == READ_BASE_INFO and self.card:
            self._read_at = time.monotonic()
        elif command == FIND_CARD and self.card is None:
            self._empty_finds += 1
            if self._empty_finds >= 4:  # the kiosk has asked for a card for a while: the citizen places it
                self.insert()
                self._empty_finds = 0
        elif command == FIND_CARD and self._read_at is not None and time.monotonic() - self._read_at > 4:
            self.remove()  # the citizen takes the card back
            self._read_at = None

    def close(self) -> None:
        """Unplug the reader; closing it again does nothing (its file numbers may belong to others by then)."""
        self._stop.set()
        self._thread.join(timeout=2)
        fds, self.master, self._slave = (self.master, self._slave), -1, -1
        for fd in fds:
            if fd >= 0:
                os.close(fd)
