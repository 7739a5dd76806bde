"""The ID card reader: opened from a URL (a serial port, `socket://`, `loop://`), read with timeouts, and
reopened by itself after it was unplugged and plugged back."""

from __future__ import annotations

import logging
import termios
import time
from collections.abc import Callable
from enum import StrEnum

import serial

from kiosk.hardware.sam_protocol import (
    FIND_CARD,
    READ_BASE_INFO,
    SELECT_CARD,
    BadCardData,
    FrameParser,
    IdentityCard,
    Status,
    parse_base_info,
    request,
    status_of,
)

log = logging.getLogger(__name__)


class ReadFailure(StrEnum):
    NO_CARD = "no-card"  # nothing on the reader: keep waiting
    READ_FAILED = "read-failed"  # the card moved or could not be read: try again
    TIMEOUT = "timeout"  # the reader did not answer in time
    DISCONNECTED = "disconnected"  # the port is gone (unplugged); it is reopened on the next attempt
    BAD_DATA = "bad-data"  # an answer that is not a card's base info


class CardReadError(Exception):
    def __init__(self, failure: ReadFailure, detail: str = ""):
        super().__init__(f"{failure.value}{': ' + detail if detail else ''}")
        self.failure = failure


class CardReader:
    """One reader. `read_card()` finds, selects and reads a card; every failure is a CardReadError."""

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 1.0,
        baudrate: int = 115200,
        opener: Callable[..., serial.SerialBase] = serial.serial_for_url,
    ):
        self.url = url
        self.timeout_s = timeout_s
        self.baudrate = baudrate
        self.opener = opener
        self.port: serial.SerialBase | None = None
        self.parser = FrameParser()

    def _open(self) -> serial.SerialBase:
        if self.port is None:
            try:
                self.port = self.opener(self.url, baudrate=self.baudrate, timeout=0.05, write_timeout=self.timeout_s)
            except (serial.SerialException, OSError, ValueError) as exc:
                raise CardReadError(ReadFailure.DISCONNECTED, str(exc)) from None
            self.parser.reset()
        return self.port

    def close(self) -> None:
        if self.port is not None:
            try:
                self.port.close()
            except (serial.SerialException, OSError):
                pass
            self.port = None

    def transact(self, command: bytes) -> tuple[int, bytes]:
        """Send one request and wait for one whole answer; stale bytes from before are thrown away."""
        port = self._open()
        try:
            port.reset_input_buffer()
            self.parser.reset()
            port.write(request(command))
            deadline = time.monotonic() + self.timeout_s
            while time.monotonic() < deadline:
                chunk = port.read(port.in_waiting or 1)
                for payload in self.parser.feed(chunk):
                    try:
                        return status_of(payload)
                    except ValueError:
                        continue  # a request echoed back or a runt: not an answer
        except (serial.SerialException, OSError, termios.error) as exc:  # termios.error: the tty went away
            self.close()
            raise CardReadError(ReadFailure.DISCONNECTED, str(exc)) from None
        raise CardReadError(ReadFailure.TIMEOUT, f"no answer to {command.hex()} in {self.timeout_s:.1f} s")

    def card_present(self) -> bool:
        """Whether a card lies on the reader (find only: nothing is read)."""
        status, _ = self.transact(FIND_CARD)
        return status in (Status.CARD_FOUND, Status.OK)

    def read_card(self) -> IdentityCard:
        status, _ = self.transact(FIND_CARD)
        if status == Status.NO_CARD:
            raise CardReadError(ReadFailure.NO_CARD)
        if status not in (Status.CARD_FOUND, Status.OK):
            raise CardReadError(ReadFailure.READ_FAILED, f"find: status {status:#x}")
        status, _ = self.transact(SELECT_CARD)
        if status != Status.OK:
            raise CardReadError(ReadFailure.READ_FAILED, f"select: status {status:#x}")
        status, data = self.transact(READ_BASE_INFO)
        if status != Status.OK:
            raise CardReadError(ReadFailure.READ_FAILED, f"read: status {status:#x}")
        try:
            card = parse_base_info(data)
        except BadCardData as exc:
            raise CardReadError(ReadFailure.BAD_DATA, str(exc)) from None
        log.info("card read: %s", card)  # masked by IdentityCard's repr
        return card
