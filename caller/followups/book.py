"""Follow-ups in the database: opened by a complaint or by a bad rating, assigned, replied to within the hall's
working days, and closed with the call-back's result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from caller.engine.calendar import CalendarError, due_day
from caller.engine.identity import mask_name, mask_text
from caller.engine.model import NotFound, QueueError
from caller.queue.hall_swap import FollowsHall
from caller.queue.service import QueueService
from caller.queue.transactions import Conflict
from caller.storage import tables as t
from caller.storage.repository import Repository

STATE_NAMES = {"open": "待处理", "replied": "已答复", "closed": "已回访"}
CALLBACK_NAMES = {"satisfied": "满意", "basic": "基本满意", "dissatisfied": "不满意"}


@dataclass(frozen=True)
class FollowUp:
    id: int
    kind: str
    kind_name: str
    state: str
    state_name: str
    what: str
    complainant: str | None
    case_no: str | None
    window: int | None
    staff: str | None
    owner: str | None
    due_day: dt.date
    overdue: bool
    created_at: dt.datetime
    created_by: str
    reply: str | None
    callback: str | None
    callback_note: str | None

    @property
    def summary(self) -> str:
        """As the reports' 跟进情况 column says it."""
        if self.state == "closed":
            return f"已回访（{CALLBACK_NAMES.get(self.callback or '', '')}）"
        return STATE_NAMES[self.state] + ("，已超期" if self.overdue else "")


class FollowUpBook(FollowsHall):
    def __init__(self, service: QueueService):
        self.service = service

    @property
    def hall_id(self) -> str:
        return self.hall.hall.id

    def _due(self, now: dt.datetime) -> dt.date:
        try:
            return due_day(self.hall.service_day(now), self.hall.cases.followup_working_days,
                           self.hall.is_working_day)
        except CalendarError as exc:
            raise QueueError(exc.code, exc.message) from None

    def complaint(self, *, what: str, by: str, complainant: str | None = None, window: int | None = None,
                  case_no: str | None = None) -> FollowUp:
        def work(repo: Repository, now: dt.datetime) -> int:
            return repo.conn.execute(t.followups.insert().values(
                hall=self.hall_id, kind="complaint", case_no=case_no, window=window, what=mask_text(what)[:300],
                complainant=mask_name(complainant) if complainant else None, state="open", due_day=self._due(now),
                created_at=now, created_by=by[:64])).inserted_primary_key[0]

        return self.get(self.service.tx.write(work))

    def for_bad_rating(self, repo: Repository, now: dt.datetime, rating_pk: int, *, window: int | None,
                       staff: str | None, level_name: str, reasons: str) -> None:
        """整改: every 不满意 / 非常不满意 rating opens one, in the rating's own transaction."""
        repo.conn.execute(t.followups.insert().values(
            hall=self.hall_id, kind="rating", rating_pk=rating_pk, window=window, staff=staff,
            what=mask_text(f"{level_name}：{reasons}")[:300], state="open", due_day=self._due(now), created_at=now,
            created_by="好差评"))

    def assign(self, pk: int, owner: str) -> FollowUp:
        return self._change(pk, {"open", "replied"}, owner=owner[:64])

    def reply(self, pk: int, text: str, by: str) -> FollowUp:
        return self._change(pk, {"open"}, state="replied", reply=mask_text(text)[:300],
                            owner_if_none=by[:64], stamp="replied_at")

    def close(self, pk: int, callback: str, note: str | None) -> FollowUp:
        return self._change(pk, {"replied"}, state="closed", callback=callback,
                            callback_note=mask_text(note)[:200] if note else None, stamp="closed_at")

    def _change(self, pk: int, allowed: set[str], *, owner_if_none: str | None = None, stamp: str | None = None,
                **values: str | None) -> FollowUp:
        def work(repo: Repository, now: dt.datetime) -> None:
            row = self._row(repo, pk)
            if row.state not in allowed:
                raise QueueError("invalid_transition", f"跟进事项当前为“{STATE_NAMES[row.state]}”，不能这样处理 / "
                                                       f"not allowed while {row.state}")
            changes = dict(values)
            if owner_if_none and not row.owner:
                changes["owner"] = owner_if_none
            if stamp:
                changes[stamp] = now
            f = t.followups.c
            done = repo.conn.execute(update(t.followups).where(f.pk == pk, f.state == row.state).values(**changes))
            if done.rowcount != 1:
                raise Conflict

        self.service.tx.write(work)
        return self.get(pk)

    def get(self, pk: int) -> FollowUp:
        return self.service.tx.read(lambda repo, now: self._view(self._row(repo, pk), now))

    def listed(self, state: str | None = None, limit: int = 500) -> list[FollowUp]:
        """Follow-ups, the nearest deadline first; `state` = open, replied, closed or overdue."""
        def work(repo: Repository, now: dt.datetime) -> list[FollowUp]:
            f = t.followups.c
            query = select(t.followups).where(f.hall == self.hall_id)
            if state in ("open", "replied", "closed"):
                query = query.where(f.state == state)
            rows = repo.conn.execute(query.order_by(f.state == "closed", f.due_day, f.pk).limit(limit)).all()
            found = [self._view(row, now) for row in rows]
            return [x for x in found if x.overdue] if state == "overdue" else found

        return self.service.tx.read(work)

    def of_ratings(self, conn, rating_pks: list[int], now: dt.datetime) -> dict[int, FollowUp]:  # noqa: ANN001
        f = t.followups.c
        rows = conn.execute(select(t.followups).where(f.rating_pk.in_(rating_pks))) if rating_pks else []
        return {row.rating_pk: self._view(row, now) for row in rows}

    def _row(self, repo: Repository, pk: int):  # noqa: ANN202
        row = repo.conn.execute(select(t.followups).where(t.followups.c.hall == self.hall_id,
                                                          t.followups.c.pk == pk)).first()
        if row is None:
            raise NotFound("unknown_followup", f"没有第 {pk} 号跟进事项 / no such follow-up")
        return row

    def _view(self, row, now: dt.datetime) -> FollowUp:  # noqa: ANN001
        overdue = row.state == "open" and self.hall.service_day(now) > row.due_day  # a reply is what is due
        return FollowUp(row.pk, row.kind, "投诉" if row.kind == "complaint" else "差评整改", row.state,
                        STATE_NAMES[row.state], row.what, row.complainant, row.case_no, row.window, row.staff,
                        row.owner, row.due_day, overdue, self.hall.local(row.created_at), row.created_by, row.reply,
                        row.callback, row.callback_note)
