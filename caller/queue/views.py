"""What the queue's use cases take and give back: an issuing request, a window after an action, the queue at a
glance, and the hook a remote number's rules plug into (caller/queue/service.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from caller.engine.model import Priority, Ticket, Window
from caller.hall import WindowSpec
from caller.queue.standing import CategoryView
from caller.storage.repository import Personal, Repository


@dataclass(frozen=True)
class IssueRequest:
    category: str
    priority: str = Priority.NORMAL.value
    name: str | None = None
    id_number: str | None = None
    source: str | None = None
    reason: str | None = None  # why the 咨询台 gave it this priority (a green-channel reason); kept, never streamed
    issued_by: str | None = None  # the member at the 咨询台 who issued it (姓名（工号）); kept, never streamed


class RemoteJoin(Protocol):
    """A number taken from the phone (caller/public/remote.py): its limits, checked in the issuing transaction, and
    what is kept of it (the phone for its reminders)."""

    def check(self, repo: Repository, category: str, day: dt.date, now: dt.datetime) -> None: ...

    def keep(self, repo: Repository, ticket: Ticket, now: dt.datetime) -> None: ...


@dataclass(frozen=True)
class WindowView:
    """A window after an action: the ticket the action was about, and what the window holds now."""

    spec: WindowSpec
    window: Window
    ticket: Ticket | None = None  # called, finished, transferred…: the subject of the action
    held: Ticket | None = None  # held now (with 自动叫号, after a finish it may be the next citizen)
    personal: Personal | None = None  # the held ticket's masked name and ID
    advice: str | None = None  # tidal windows: "open" / "close" while the caller advises it
    handover: str | None = None  # the note of the transfer that sent the held ticket here (its own counter only)


@dataclass(frozen=True)
class QueueSnapshot:
    categories: list[CategoryView]
    windows: list[WindowView]
    last_event_id: int
