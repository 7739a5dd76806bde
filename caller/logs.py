"""How the caller's processes log: ID and phone numbers masked in everything written, and a message that
repeats let through a few times a minute, then counted.

The storage outage log already says a fault once; RepeatLimit bounds everything else that can repeat per
request or per accepted connection (asyncio's "Too many open files" with its traceback was written 157,512
times in 30 s).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TextIO

from caller.engine.identity import mask_text


class RepeatLimit(logging.Filter):
    def __init__(self, burst: int = 5, window_s: float = 60.0, monotonic: Callable[[], float] = time.monotonic):
        super().__init__()
        self.burst = burst
        self.window_s = window_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, int, str], list] = {}  # key → [window start, passed, held back]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access":
            return True  # one template for every request: limiting it would keep 5 requests a minute of the log
        key = (record.name, record.levelno, str(record.msg))
        now = self._monotonic()
        with self._lock:
            seen = self._seen.get(key)
            if seen is None or now - seen[0] >= self.window_s:
                held = seen[2] if seen else 0
                self._seen[key] = [now, 1, 0]
                if len(self._seen) > 1000:  # many distinct messages: forget the oldest windows
                    for old in sorted(self._seen, key=lambda k: self._seen[k][0])[:500]:
                        del self._seen[old]
                if held:
                    record.msg = f"{record.getMessage()} [{held} more like this in the last minute not logged]"
                    record.args = None
                return True
            if seen[1] < self.burst:
                seen[1] += 1
                return True
            seen[2] += 1
            return False


class MaskingFormatter(logging.Formatter):
    """Formats a record, then masks ID and phone numbers in all of it: the message, the traceback of an
    exception (a driver error may quote a statement's values) and the stack."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))


class AccessPathOnly(logging.Filter):
    """Drops the query string from uvicorn's access-log lines: an address may carry what does not belong in a log
    (a token, a code), and the path says what was asked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            if isinstance(args[2], str) and "?" in args[2]:
                args[2] = args[2].split("?", 1)[0] + "?…"
                record.args = tuple(args)
        return True


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Log to stderr (or `stream`) with ID and phone numbers masked in everything written (tracebacks too),
    whichever library writes the record, and a message that repeats (asyncio's accept errors when files run
    out, say) at most a few times a minute."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(AccessPathOnly())
    handler.addFilter(RepeatLimit())
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
