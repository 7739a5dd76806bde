"""The receipt printer: opened from a URL, asked for its real-time status before and after each slip.

URLs: `tcp://host:9100`, `serial:///dev/ttyUSB0?baudrate=115200` (any pyserial URL after `serial://`),
`usb://04b8:0e15`, `file:///path/slips.bin` (appends the bytes: the demo and tests), `dummy://` (keeps
them in memory). Slips are rendered once (kiosk.hardware.ticket_slip) and the bytes go through whichever
transport the URL chose. Status is ESC/POS `DLE EOT` 1/2/4; a transport that cannot answer says so, and
the slip then counts as printed if it was written without error.
"""

from __future__ import annotations

import socket
import time
import urllib.parse
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import serial

DLE_EOT = b"\x10\x04"


class PrinterFault(StrEnum):
    PAPER_OUT = "paper-out"
    COVER_OPEN = "cover-open"
    OFFLINE = "offline"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class PrinterStatus:
    known: bool  # False: the transport cannot be asked (a file, a printer that does not answer)
    fault: PrinterFault | None = None
    paper_low: bool = False

    @property
    def ready(self) -> bool:
        return self.fault is None


class PrintError(Exception):
    def __init__(self, fault: PrinterFault, detail: str = ""):
        super().__init__(f"{fault.value}{': ' + detail if detail else ''}")
        self.fault = fault


def decode_status(printer: int, offline_cause: int, paper: int) -> PrinterStatus:
    """The three DLE EOT answers (n = 1, 2, 4) as one status."""
    if paper & 0x60 or offline_cause & 0x20:
        fault = PrinterFault.PAPER_OUT
    elif offline_cause & 0x04:
        fault = PrinterFault.COVER_OPEN
    elif printer & 0x08:
        fault = PrinterFault.OFFLINE
    else:
        fault = None
    return PrinterStatus(True, fault, paper_low=bool(paper & 0x0C))


class _Transport:
    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def ask(self, query: bytes, timeout_s: float) -> bytes | None:
        """Send a real-time query and return its one-byte answer; None when the transport cannot answer."""
        return None

    def close(self) -> None:
        pass


class _Memory(_Transport):
    def __init__(self) -> None:
        self.output = bytearray()

    def write(self, data: bytes) -> None:
        self.output += data


class _File(_Transport):
    def __init__(self, path: Path):
        self.path = path

    def write(self, data: bytes) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("ab") as out:
                out.write(data)
        except OSError as exc:
            raise PrintError(PrinterFault.UNREACHABLE, str(exc)) from None


class _Stream(_Transport):
    """A byte stream both ways: a TCP socket or a serial port."""

    def __init__(self, opener, timeout_s: float):  # noqa: ANN001 - returns an object with send/recv
        self.opener = opener
        self.timeout_s = timeout_s
        self.conn = None

    def _conn(self):  # noqa: ANN202
        if self.conn is None:
            try:
                self.conn = self.opener()
            except (OSError, serial.SerialException) as exc:
                raise PrintError(PrinterFault.UNREACHABLE, str(exc)) from None
        return self.conn

    def write(self, data: bytes) -> None:
        try:
            self._conn().send(data)
        except (OSError, serial.SerialException) as exc:
            self.close()
            raise PrintError(PrinterFault.UNREACHABLE, str(exc)) from None

    def ask(self, query: bytes, timeout_s: float) -> bytes | None:
        try:
            conn = self._conn()
            conn.drain()
            conn.send(query)
            return conn.recv_one(timeout_s)
        except (OSError, serial.SerialException) as exc:
            self.close()
            raise PrintError(PrinterFault.UNREACHABLE, str(exc)) from None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class _Socket:
    def __init__(self, host: str, port: int, timeout_s: float):
        self.sock = socket.create_connection((host, port), timeout=timeout_s)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def drain(self) -> None:
        self.sock.setblocking(False)
        try:
            while self.sock.recv(4096):
                pass
        except BlockingIOError:
            pass
        finally:
            self.sock.setblocking(True)

    def recv_one(self, timeout_s: float) -> bytes | None:
        self.sock.settimeout(timeout_s)
        try:
            data = self.sock.recv(1)
        except TimeoutError:
            return None
        if not data:
            raise ConnectionResetError("the printer closed the connection")
        return data

    def close(self) -> None:
        self.sock.close()


class _Serial:
    def __init__(self, url: str, timeout_s: float):
        self.port = serial.serial_for_url(url, timeout=timeout_s, write_timeout=timeout_s * 10)

    def send(self, data: bytes) -> None:
        self.port.write(data)
        self.port.flush()

    def drain(self) -> None:
        self.port.reset_input_buffer()

    def recv_one(self, timeout_s: float) -> bytes | None:
        self.port.timeout = timeout_s
        return self.port.read(1) or None

    def close(self) -> None:
        self.port.close()


class _Usb(_Transport):
    def __init__(self, vendor: int, product: int):
        from escpos.printer import Usb

        self.vendor, self.product = vendor, product
        self.device: Usb | None = None

    def _device(self):  # noqa: ANN202
        if self.device is None:
            from escpos.printer import Usb

            try:
                self.device = Usb(self.vendor, self.product)
                self.device.open()
            except Exception as exc:  # noqa: BLE001 - pyusb raises many kinds; all mean "not reachable"
                self.device = None
                raise PrintError(PrinterFault.UNREACHABLE, str(exc)) from None
        return self.device

    def write(self, data: bytes) -> None:
        try:
            self._device()._raw(data)
        except PrintError:
            raise
        except Exception as exc:  # noqa: BLE001
            self.close()
            raise PrintError(PrinterFault.UNREACHABLE, str(exc)) from None

    def ask(self, query: bytes, timeout_s: float) -> bytes | None:
        try:
            device = self._device()
            device._raw(query)
            answer = device._read()
        except PrintError:
            raise
        except Exception:  # noqa: BLE001 - many USB printers do not answer: status unknown
            return None
        return bytes(answer[:1]) or None

    def close(self) -> None:
        if self.device is not None:
            try:
                self.device.close()
            except Exception:  # noqa: BLE001
                pass
            self.device = None


def _transport(url: str, timeout_s: float) -> _Transport:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "dummy":
        return _Memory()
    if parsed.scheme == "file":
        return _File(Path(urllib.parse.unquote(parsed.path)))
    if parsed.scheme == "tcp":
        host, port = parsed.hostname or "127.0.0.1", parsed.port or 9100
        return _Stream(lambda: _Socket(host, port, timeout_s), timeout_s)
    if parsed.scheme == "serial":
        rest = url[len("serial://") :]
        query = urllib.parse.parse_qs(parsed.query)
        baudrate = int(query.get("baudrate", ["9600"])[0])

        def open_serial() -> _Serial:
            port = _Serial(rest.split("?", 1)[0], timeout_s)
            port.port.baudrate = baudrate
            return port

        return _Stream(open_serial, timeout_s)
    if parsed.scheme == "usb":
        vendor, _, product = parsed.netloc.partition(":")
        return _Usb(int(vendor, 16), int(product, 16))
    raise ValueError(f"unknown printer URL {url!r}: use tcp://, serial://, usb://, file:// or dummy://")


class Printer:
    def __init__(self, url: str, *, paper_mm: int = 80, timeout_s: float = 1.0):
        self.url = url
        self.paper_mm = paper_mm
        self.timeout_s = timeout_s
        self.transport = _transport(url, timeout_s)

    def status(self) -> PrinterStatus:
        answers = []
        for n in (1, 2, 4):
            answer = self.transport.ask(DLE_EOT + bytes([n]), self.timeout_s)
            if answer is None:
                return PrinterStatus(known=False)
            answers.append(answer[0])
        return decode_status(*answers)

    def print_slip(self, data: bytes) -> PrinterStatus:
        """Print, or raise PrintError: refused before printing when the printer reports a fault, and failed
        after printing when paper ran out (or the cover opened) during the slip. Returns the status after."""
        try:
            before = self.status()
        except PrintError:
            self.transport.close()
            before = self.status()  # one reconnect: a printer power-cycled since the last slip
        if before.fault is not None:
            raise PrintError(before.fault, "before printing")
        self.transport.write(data)
        if before.known:
            time.sleep(0.05)  # let a real printer take the bytes in before asking again
        after = self.status()
        if after.fault is not None:
            raise PrintError(after.fault, "during printing")
        return after

    @property
    def output(self) -> bytes:
        """What a dummy:// printer received (for tests and the self-test)."""
        return bytes(getattr(self.transport, "output", b""))

    def close(self) -> None:
        self.transport.close()


def open_printer(url: str, *, paper_mm: int = 80, timeout_s: float = 1.0) -> Printer:
    return Printer(url, paper_mm=paper_mm, timeout_s=timeout_s)
