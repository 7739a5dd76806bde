"""Storage faults: which database errors mean "the storage cannot serve now" (a full disk, a read-only file, a
server that is down or a database that was dropped), the 503 they become, and an outage log that says so a
bounded number of times instead of once per failed request."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import exc as sa

from caller.engine.model import QueueError

log = logging.getLogger("caller.storage")

# PostgreSQL states that mean the database is not there to serve: no such database, no such table (the schema
# went with a dropped database), and the classes of connection, resource and operator intervention errors
_UNAVAILABLE_STATES = ("3D000", "42P01")
_UNAVAILABLE_CLASSES = ("08", "53", "57", "58")


class StorageUnavailable(QueueError):
    """The database cannot be written (or reached) now: 503, and the client may try again later."""

    status = 503

    def __init__(self, reason: str):
        super().__init__(
            "storage_unavailable",
            "系统存储暂不可用，请稍后重试（已受理的业务不受影响） / the database cannot be written now, try again later",
        )
        self.reason = reason


def is_storage_fault(error: BaseException) -> bool:
    """True for errors that say the storage cannot serve, not that the request was wrong."""
    if isinstance(error, (sa.OperationalError, sa.InterfaceError, sa.TimeoutError, OSError)):
        return True
    if isinstance(error, sa.DBAPIError):
        if error.connection_invalidated:
            return True
        state = getattr(error.orig, "sqlstate", None) or ""
        if state in _UNAVAILABLE_STATES or state[:2] in _UNAVAILABLE_CLASSES:
            return True
        return "no such table" in str(error.orig)
    return False


def classify(error: BaseException) -> str:
    """What kind of storage fault, in a word the health check may show anyone (the driver's message, with its
    host names and paths, goes to the log only): full, read_only, unreachable, missing or failing."""
    text = str(getattr(error, "orig", None) or error).lower()
    state = getattr(getattr(error, "orig", None), "sqlstate", None) or ""
    if "full" in text or "no space" in text:
        return "full"
    if "readonly" in text or "read-only" in text or "read only" in text:
        return "read_only"
    if state in _UNAVAILABLE_STATES or "no such table" in text or "does not exist" in text:
        return "missing"
    if state[:2] == "08" or "connect" in text or "unable to open" in text or isinstance(error, sa.InterfaceError):
        return "unreachable"
    return "failing"


def describe(error: BaseException) -> str:
    """One line: the driver's error class and the first line of its message, never the statement or its values."""
    inner = getattr(error, "orig", None) or error
    first = (str(inner).strip().splitlines() or [""])[0]
    return f"{type(inner).__name__}: {first[:200]}"


class Outage:
    """Says that storage failed when it first fails, at most every `every_s` while it keeps failing (with how
    many failures), and once when it works again. Thread-safe; one per caller process."""

    def __init__(self, every_s: float = 60.0, monotonic: Callable[[], float] = time.monotonic):
        self.every_s = every_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self.since: float | None = None  # when the current outage began
        self.failures = 0
        self.last_reason = ""
        self._said_at = 0.0

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def failed(self, where: str, error: BaseException) -> None:
        reason = describe(error)
        now = self._monotonic()
        with self._lock:
            self.failures += 1
            self.last_reason = reason
            if self.since is None:
                self.since, self._said_at = now, now
                say = f"storage unavailable ({where}): {reason}"
            elif now - self._said_at >= self.every_s:
                self._said_at = now
                say = (f"storage still unavailable after {now - self.since:.0f} s, {self.failures} failures so far; "
                       f"last ({where}): {reason}")
            else:
                return
        log.error(say)

    def succeeded(self) -> None:
        if self.since is None:  # the common case: no lock taken
            return
        with self._lock:
            if self.since is None:
                return
            lasted, failures = self._monotonic() - self.since, self.failures
            self.since, self.failures = None, 0
        log.warning("storage available again after %.0f s (%d failures)", lasted, failures)
