"""好差评: one rating per finished service (一事一评), from the tablet at the window or the slip's QR, and
their aggregates by window, category and day."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import and_, func, insert, select

from caller.engine.model import EventType, NotFound, QueueError
from caller.queue.service import QueueService
from caller.ratings.codes import PhoneCodes
from caller.ratings.rules import LEVEL_NAMES, REASONS, Invalid, Level, checked
from caller.storage import tables as t
from caller.queue.hall_swap import FollowsHall


@dataclass(frozen=True)
class Rating:
    number: str
    category: str
    window: int | None
    staff: str | None
    level: int
    reasons: tuple[str, ...]
    reason: str | None
    channel: str
    rated_at: dt.datetime


@dataclass(frozen=True)
class LastService:
    """What the tablet at a window shows: the ticket it served last, and whether that service was rated."""

    ticket_id: str
    number: str
    category: str
    finished_at: dt.datetime
    rated: bool
    staff: str | None  # who served (the counter token's label), shown to the citizen rating it


@dataclass(frozen=True)
class Aggregate:
    key: str
    count: int
    levels: dict[int, int]
    mean: float
    satisfied_share: float  # 基本满意 or better


class RatingBook(FollowsHall):
    def __init__(self, service: QueueService):
        self.service = service
        self.tx = service.tx
        self.codes = PhoneCodes(service.tx, service.hall.hall.id)
        self.on_bad_rating = None  # the follow-ups' 整改 (caller/followups), given by the app
        self.export = None  # the 好差评 platform's outbox (caller/ratings/platform.py), given by the app

    def _last_finish(self, conn, ticket_pk: int):  # noqa: ANN001, ANN202
        """The ticket's latest ticket-finished event: a transferred ticket is served, and rated, once more."""
        e = t.events.c
        query = select(t.events).where(e.hall == self.hall.hall.id, e.type == EventType.TICKET_FINISHED.value,
                                       e.ticket_pk == ticket_pk)
        return conn.execute(query.order_by(e.id.desc()).limit(1)).first()

    def rate_by_code(self, code: str, level: int, reasons: list[str] | None, text: str | None) -> Rating:
        """A rating from the slip's QR (the phone page): the ticket's latest finished service, once."""
        level, picked, text = checked(level, reasons, text)
        ticket_id = self.codes.ticket_id(code)

        def work(repo, now):  # noqa: ANN001, ANN202
            ticket = repo.ticket(ticket_id)
            if ticket is None:
                raise NotFound("unknown_ticket", "没有这个号 / no such ticket")
            finish = self._last_finish(repo.conn, ticket.pk)
            if finish is None:
                raise QueueError("not_finished", "该号尚未办结，办结后再评价 / the service has not finished yet")
            return self._record(repo, now, ticket, finish, level, picked, text, "phone")

        return self.tx.write(work)

    def rate_at_window(self, window: int, level: int, reasons: list[str] | None, text: str | None,
                       ticket_id: str | None = None) -> Rating:
        """A rating from the window's evaluator tablet: only the service this window finished last today (and, if
        the tablet names it, only that one: a stale screen cannot rate the next citizen's service)."""
        level, picked, text = checked(level, reasons, text)

        def work(repo, now):  # noqa: ANN001, ANN202
            finish = self._window_last_finish(repo.conn, window, self.hall.service_day(now))
            if finish is None:
                raise QueueError("not_finished", "本窗口今天还没有办结的业务 / nothing finished at this window today")
            ticket = repo.ticket_by_pk(finish.ticket_pk)
            if ticket_id is not None and ticket.id != ticket_id:
                raise QueueError("not_the_last_service", "这不是本窗口刚办结的业务 / not the service this window "
                                 "finished last")
            return self._record(repo, now, ticket, finish, level, picked, text, "tablet")

        return self.tx.write(work)

    def _record(self, repo, now, ticket, finish, level, picked, text, channel) -> Rating:  # noqa: ANN001, PLR0913
        r = t.ratings.c
        if repo.conn.execute(select(r.pk).where(r.finish_event_id == finish.id)).first() is not None:
            raise QueueError("already_rated", "这次服务已经评价过，感谢您的参与 / this service was already rated")
        data = json.loads(finish.data or "{}")
        if data.get("reason") == "day-end":  # nobody served it: the day-end sweep closed it
            raise QueueError("not_served", "该号由系统在日终结束，未经窗口办结，不能评价 / "
                             "closed by the day-end sweep, not served: it cannot be rated")
        rating = Rating(ticket.number, finish.category or ticket.category, finish.window, data.get("staff"),
                        int(level), picked, text, channel, now)
        # two taps at once: the unique finish_event_id refuses the second, and its retry sees already_rated
        pk = repo.conn.execute(insert(t.ratings).values(
            hall=self.hall.hall.id, finish_event_id=finish.id, ticket_pk=ticket.pk, number=ticket.number,
            service_day=finish.service_day, category=rating.category, window=rating.window, staff=rating.staff,
            level=rating.level, reason=text, reason_codes=",".join(picked) or None, channel=channel, rated_at=now,
        )).inserted_primary_key[0]
        if self.export is not None:  # kept for the provincial 好差评 platform, in the rating's own transaction
            self.export.enqueue(repo, now, pk)
        if rating.level <= 2 and self.on_bad_rating is not None:  # 整改, in the rating's own transaction
            reasons = "、".join([REASONS.get(c, c) for c in picked] + ([text] if text else []))
            self.on_bad_rating(repo, now, pk, window=rating.window, staff=rating.staff,
                               level_name=LEVEL_NAMES[rating.level], reasons=reasons)
        return rating

    def _window_last_finish(self, conn, window: int, day: dt.date):  # noqa: ANN001, ANN202
        e = t.events.c
        return conn.execute(
            select(t.events).where(e.hall == self.hall.hall.id, e.type == EventType.TICKET_FINISHED.value,
                                   e.window == window, e.service_day == day)
            .order_by(e.id.desc()).limit(1)
        ).first()

    def last_service(self, window: int) -> LastService | None:
        self.service.window_spec(window)

        def work(repo, now):  # noqa: ANN001, ANN202
            finish = self._window_last_finish(repo.conn, window, self.hall.service_day(now))
            if finish is None or json.loads(finish.data or "{}").get("reason") == "day-end":
                return None
            ticket = repo.ticket_by_pk(finish.ticket_pk)
            rated = repo.conn.execute(select(t.ratings.c.pk).where(t.ratings.c.finish_event_id == finish.id)).first()
            return LastService(ticket.id, ticket.number, finish.category, finish.at, rated is not None,
                               json.loads(finish.data or "{}").get("staff"))

        return self.tx.read(work)

    def state_by_code(self, code: str):  # noqa: ANN201 - (TicketView, rating state)
        """The phone page: where the ticket stands, and whether its latest service may be rated ("open"), was
        ("rated"), or cannot be ("not_served"); None while not finished."""
        ticket_id = self.codes.ticket_id(code)
        view = self.service.ticket(ticket_id)

        def work(repo, now):  # noqa: ANN001, ANN202
            finish = self._last_finish(repo.conn, view.ticket.pk)
            if finish is None:
                return None
            if json.loads(finish.data or "{}").get("reason") == "day-end":
                return "not_served"
            r = t.ratings.c
            rated = repo.conn.execute(select(r.pk).where(r.finish_event_id == finish.id)).first()
            return "rated" if rated else "open"

        return view, self.tx.read(work)

    def summary(self, by: str, day_from: dt.date, day_to: dt.date) -> list[Aggregate]:
        r = t.ratings.c
        column = {"window": r.window, "category": r.category, "day": r.service_day, "staff": r.staff}.get(by)
        if column is None:
            raise Invalid("invalid_grouping", "by is window, category, day or staff")

        def work(repo, now):  # noqa: ANN001, ANN202
            rows = repo.conn.execute(
                select(column, r.level, func.count())
                .where(and_(r.hall == self.hall.hall.id, r.service_day >= day_from, r.service_day <= day_to))
                .group_by(column, r.level)
            )
            grouped: dict[str, dict[int, int]] = {}
            for key, level, count in rows:
                grouped.setdefault(str(key), {lvl: 0 for lvl in LEVEL_NAMES})[level] = count
            out = []
            for key in sorted(grouped):
                levels = grouped[key]
                count = sum(levels.values())
                mean = sum(level * n for level, n in levels.items()) / count
                satisfied = sum(n for level, n in levels.items() if level >= Level.BASICALLY_SATISFIED) / count
                out.append(Aggregate(key, count, levels, round(mean, 2), round(satisfied, 4)))
            return out

        return self.tx.read(work)
