"""QR codes from the camera: an OpenCV capture opened from a URL, frames decoded by zxing-cpp or pyzbar.

URLs: `camera://0` (a device index), or a video file / image sequence that `cv2.VideoCapture` reads
(`/path/clip.mp4`, `/path/frame_%03d.png`) — the demo and tests use those. zxing-cpp is the default
decoder: on the same frames it reads more codes and is several times faster than pyzbar
(`python -m tests.bench.qr_decode`, figures in docs/benchmarks.md); pyzbar stays selectable.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable

import cv2
import numpy as np

Decoder = Callable[[np.ndarray], list[str]]


def decode_zxing(gray: np.ndarray) -> list[str]:
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode) if r.valid]


def decode_pyzbar(gray: np.ndarray) -> list[str]:
    from pyzbar import pyzbar

    found = []
    for symbol in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        try:
            found.append(symbol.data.decode("utf-8"))
        except UnicodeDecodeError:
            continue  # not text: not one of our codes
    return found


DECODERS: dict[str, Decoder] = {"zxing-cpp": decode_zxing, "pyzbar": decode_pyzbar}


class CameraError(Exception):
    pass


def _source(url: str) -> int | str:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme == "camera":
        return int(parsed.netloc or "0")
    if parsed.scheme == "file":
        return urllib.parse.unquote(parsed.path)
    if parsed.scheme == "":
        return url
    raise ValueError(f"unknown camera URL {url!r}: use camera://N or a video / image-sequence path")


class QrScanner:
    def __init__(self, url: str, decoder: str = "zxing-cpp", *, loop: bool = True):
        self.url = url
        self.source = _source(url)
        self.decode_frame = DECODERS[decoder]
        self.loop = loop  # a file source starts over at its end, like a camera that keeps seeing
        self.capture: cv2.VideoCapture | None = None

    def _open(self) -> cv2.VideoCapture:
        if self.capture is None:
            capture = cv2.VideoCapture(self.source)
            if not capture.isOpened():
                capture.release()
                raise CameraError(f"camera not available: {self.url}")
            self.capture = capture
        return self.capture

    def read_frame(self) -> np.ndarray | None:
        capture = self._open()
        ok, frame = capture.read()
        if not ok and self.loop and not isinstance(self.source, int):
            self.close()  # a file source at its end: start over (image sequences cannot seek back)
            ok, frame = self._open().read()
        if not ok:
            self.close()  # a camera that stopped giving frames (unplugged): reopened on the next read
            return None
        return frame

    def scan(self, timeout_s: float = 5.0, stop: Callable[[], bool] | None = None) -> str | None:
        """The first QR text seen within the timeout; None when nothing was read."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not (stop and stop()):
            frame = self.read_frame()
            if frame is None:
                raise CameraError(f"the camera gives no picture: {self.url}")
            texts = self.decode(frame)
            if texts:
                return texts[0]
        return None

    def decode(self, frame: np.ndarray) -> list[str]:
        gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        return self.decode_frame(np.ascontiguousarray(gray))

    def close(self) -> None:
        if self.capture is not None:
            self.capture.release()
            self.capture = None
