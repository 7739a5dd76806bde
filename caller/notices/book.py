"""Notices stored: help requests raised, taken and finished; device reports and the offline sweep. Each change is
one transaction of the queue's, with its event, so the desk page and the manager follow it live."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from caller.engine import model
from caller.engine.model import EventType, NotFound, QueueError, WindowState
from caller.hall import WindowKind
from caller.notices.rules import (
    HELP,
    OFFLINE,
    NoticeKind,
    after_report,
    checked_conditions,
    escalates,
    is_offline,
)
from caller.queue.service import QueueService
from caller.storage import tables as t
from caller.storage.repository import Repository
from caller.queue.hall_swap import FollowsHall

RECOVERED = "device"  # cleared_by when the device itself reported it recovered


@dataclass(frozen=True)
class Notice:
    id: int
    kind: NoticeKind
    source: str
    condition: str
    note: str | None
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    escalated_at: dt.datetime | None
    cleared_at: dt.datetime | None
    cleared_by: str | None


@dataclass(frozen=True)
class HelpAnswer:
    notice: Notice
    on_duty: bool  # the help window is open
    helper: str | None  # the name of the member signed in there, if any


def _notice(row) -> Notice:  # noqa: ANN001 - a result row
    return Notice(row.id, NoticeKind(row.kind), row.source, row.condition, row.note, row.raised_at,
                  row.acknowledged_at, row.acknowledged_by, row.escalated_at, row.cleared_at, row.cleared_by)


class NoticeBook(FollowsHall):
    def __init__(self, service: QueueService):
        self.service = service
        self.tx = service.tx
        self.hall_id = service.hall.hall.id

    # ---- help requests
    def request_help(self, source: str, note: str | None) -> HelpAnswer:
        """帮办代办: a kiosk's help button raises a task. The answer says whether the help window is open and who is
        signed in there, so the kiosk tells the truth."""
        help_window = next((w.number for w in self.hall.windows if w.kind is WindowKind.HELP), None)

        def work(repo: Repository, now: dt.datetime) -> HelpAnswer:
            notice = self._raise(repo, now, NoticeKind.HELP, source, HELP, note)
            window = repo.window(help_window) if help_window is not None else None
            on_duty = window is not None and window.state is WindowState.OPEN
            helper = repo.signed_in_name(help_window) if on_duty and help_window is not None else None
            return HelpAnswer(notice, on_duty, helper)

        return self.tx.write(work)

    def acknowledge(self, notice_id: int, by: str) -> Notice:
        """接单: a named member takes the notice (a help request, or a device fault they go to fix)."""

        def work(repo: Repository, now: dt.datetime) -> Notice:
            notice = self._open_or_refuse(repo.conn, notice_id)
            if notice.acknowledged_by is not None:
                raise QueueError("already_taken", f"{notice.acknowledged_by} 已接单 / already taken")
            repo.conn.execute(update(t.notices).where(t.notices.c.id == notice_id)
                              .values(acknowledged_at=now, acknowledged_by=by[:64]))
            self._event(repo, now, EventType.NOTICE_ACKNOWLEDGED, notice, staff=by)
            return self._get(repo.conn, notice_id)

        return self.tx.write(work)

    def finish(self, notice_id: int, by: str) -> Notice:
        """办结 a help request. A device notice clears by itself when the device reports it has recovered."""

        def work(repo: Repository, now: dt.datetime) -> Notice:
            notice = self._open_or_refuse(repo.conn, notice_id)
            if notice.kind is NoticeKind.DEVICE:
                raise QueueError("clears_by_itself", "设备恢复后提示自动消除 / a device notice clears when the device "
                                 "recovers (retire a device that is gone)")
            self._clear(repo, now, notice, by)
            return self._get(repo.conn, notice_id)

        return self.tx.write(work)

    # ---- devices
    def report(self, device: str, role: str, reported: list[str]) -> list[Notice]:
        """A device's report, which is also its heartbeat: new conditions are raised, recovered ones cleared (offline
        among them). Returns the device's open notices."""
        conditions = checked_conditions(reported)

        def work(repo: Repository, now: dt.datetime) -> list[Notice]:
            self._seen(repo.conn, device, role, now)
            open_ = {n.condition: n for n in self._open_of(repo.conn, device, NoticeKind.DEVICE)}
            change = after_report(frozenset(open_), conditions)
            for condition in sorted(change.clear):
                self._clear(repo, now, open_[condition], RECOVERED)
            for condition in sorted(change.raise_):
                self._raise(repo, now, NoticeKind.DEVICE, device, condition)
            return self._open_of(repo.conn, device, NoticeKind.DEVICE)

        return self.tx.write(work)

    def retire(self, device: str) -> int:
        """A device taken out of the hall: it is forgotten and its notices cleared. Returns how many were open."""

        def work(repo: Repository, now: dt.datetime) -> int:
            c = t.devices.c
            gone = repo.conn.execute(delete(t.devices).where(c.hall == self.hall_id, c.name == device)).rowcount
            open_ = self._open_of(repo.conn, device, NoticeKind.DEVICE)
            if not gone and not open_:
                raise NotFound("unknown_device", f"没有名为 {device} 的设备 / no such device")
            for notice in open_:
                self._clear(repo, now, notice, "retired")
            return len(open_)

        return self.tx.write(work)

    # ---- the periodic sweep
    def sweep(self) -> tuple[list[str], list[int]]:
        """Devices silent past the hall's offline time get an `offline` notice (once per silence); help requests
        nobody took in time are escalated to the manager (once). Returns (devices gone offline, notices escalated).
        Any caller process may run it: the device rows are locked while it looks."""
        offline_after = dt.timedelta(seconds=self.hall.desk.device_offline_seconds)
        escalate_after = dt.timedelta(minutes=self.hall.desk.help_escalate_minutes)

        def work(repo: Repository, now: dt.datetime) -> tuple[list[str], list[int]]:
            c = t.devices.c
            devices = repo.conn.execute(select(t.devices).where(c.hall == self.hall_id).order_by(c.name)
                                        .with_for_update()).all()
            gone = []
            for device in devices:
                if not is_offline(device.last_seen, now, offline_after):
                    continue
                if any(n.condition == OFFLINE for n in self._open_of(repo.conn, device.name, NoticeKind.DEVICE)):
                    continue
                self._raise(repo, now, NoticeKind.DEVICE, device.name, OFFLINE)
                gone.append(device.name)
            escalated = []
            for notice in self.open_notices(repo.conn):
                if notice.kind is NoticeKind.HELP and escalates(notice.raised_at, notice.acknowledged_by is not None,
                                                                 notice.escalated_at is not None, now, escalate_after):
                    repo.conn.execute(update(t.notices).where(t.notices.c.id == notice.id).values(escalated_at=now))
                    self._event(repo, now, EventType.NOTICE_ESCALATED, notice)
                    escalated.append(notice.id)
            return gone, escalated

        return self.tx.write(work)

    # ---- reading
    def open_notices(self, conn: Connection | None = None) -> list[Notice]:
        def read(conn: Connection) -> list[Notice]:
            c = t.notices.c
            rows = conn.execute(select(t.notices).where(c.hall == self.hall_id, c.cleared_at.is_(None)).order_by(c.id))
            return [_notice(r) for r in rows]

        return read(conn) if conn is not None else self.tx.read(lambda repo, now: read(repo.conn))

    def notice(self, notice_id: int) -> Notice:
        def work(repo: Repository, now: dt.datetime) -> Notice:
            notice = self._get(repo.conn, notice_id)
            if notice is None:
                raise NotFound("unknown_notice", "没有这条提示 / no such notice")
            return notice

        return self.tx.read(work)

    # ---- storage
    def _get(self, conn: Connection, notice_id: int) -> Notice | None:
        c = t.notices.c
        row = conn.execute(select(t.notices).where(c.hall == self.hall_id, c.id == notice_id)).first()
        return _notice(row) if row is not None else None

    def _open_or_refuse(self, conn: Connection, notice_id: int) -> Notice:
        c = t.notices.c
        row = conn.execute(select(t.notices).where(c.hall == self.hall_id, c.id == notice_id).with_for_update()).first()
        if row is None:
            raise NotFound("unknown_notice", "没有这条提示 / no such notice")
        notice = _notice(row)
        if notice.cleared_at is not None:
            raise QueueError("already_cleared", "这条提示已处理完毕 / the notice is already cleared")
        return notice

    def _open_of(self, conn: Connection, source: str, kind: NoticeKind) -> list[Notice]:
        c = t.notices.c
        rows = conn.execute(select(t.notices).where(c.hall == self.hall_id, c.source == source, c.kind == kind.value,
                                                    c.cleared_at.is_(None)).order_by(c.id))
        return [_notice(r) for r in rows]

    def _seen(self, conn: Connection, device: str, role: str, now: dt.datetime) -> None:
        c = t.devices.c
        found = conn.execute(select(c.name).where(c.hall == self.hall_id, c.name == device).with_for_update()).first()
        if found is None:
            conn.execute(insert(t.devices).values(hall=self.hall_id, name=device, role=role, last_seen=now))
        else:
            conn.execute(update(t.devices).where(c.hall == self.hall_id, c.name == device)
                         .values(last_seen=now, role=role))

    def _raise(self, repo: Repository, now: dt.datetime, kind: NoticeKind, source: str, condition: str,
               note: str | None = None) -> Notice:
        notice_id = repo.conn.execute(insert(t.notices).values(
            hall=self.hall_id, kind=kind.value, source=source[:32], condition=condition, note=note,
            raised_at=now).returning(t.notices.c.id)).scalar_one()
        notice = self._get(repo.conn, notice_id)
        assert notice is not None
        self._event(repo, now, EventType.NOTICE_RAISED, notice)
        return notice

    def _clear(self, repo: Repository, now: dt.datetime, notice: Notice, by: str) -> None:
        repo.conn.execute(update(t.notices).where(t.notices.c.id == notice.id).values(cleared_at=now,
                                                                                    cleared_by=by[:64]))
        staff = {} if by in (RECOVERED, "retired") else {"staff": by}
        self._event(repo, now, EventType.NOTICE_CLEARED, notice, **staff)

    def _event(self, repo: Repository, now: dt.datetime, kind: EventType, notice: Notice, **private: str) -> None:
        """The event names the notice, its kind, condition and source; who took or finished it is kept with the
        event (`staff`, never streamed). A help request's note stays on the notice only."""
        data = {"notice": notice.id, "kind": notice.kind.value, "condition": notice.condition,
                "source": notice.source, **private}
        self.tx.record(repo, [model.Event(kind, now, data=data)], now)
