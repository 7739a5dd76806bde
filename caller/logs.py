"""How the caller's processes log: ID numbers masked, and a message that repeats let through a few times a
minute, then counted.

The storage outage log already says a fault once; RepeatLimit bounds everything else that can repeat per
request or per accepted connection (asyncio's "Too many open files" with its traceback was written 157,512
times in 30 s).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

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


class MaskingFilter(logging.Filter):
    """A log filter that masks ID numbers in every record's rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr with ID numbers masked, whichever library writes the record, and a message that repeats
    (asyncio's accept errors when files run out, say) at most a few times a minute."""
    handler = logging.StreamHandler()
    handler.addFilter(MaskingFilter())
    handler.addFilter(RepeatLimit())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
