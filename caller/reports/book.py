"""A report of a range of service days: the events read in id order (indexed by hall and day), the figures
computed, and each row named as the hall names it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select

from caller.engine.model import QueueError
from caller.queue.service import QueueService
from caller.reports.figures import EventRow, Figures, compute, spread
from caller.storage import tables as t

MAX_DAYS = 366
PAGE = 5000


class BadRange(QueueError):
    status = 422


@dataclass(frozen=True)
class Report:
    first: dt.date
    last: dt.date
    threshold_s: float
    total: dict
    by_category: list[dict]
    by_window: list[dict]
    by_staff: list[dict]
    by_hour: list[dict]
    busy_spread: list[dict]  # 忙闲: per group of windows serving the same matters


class ReportBook:
    def __init__(self, service: QueueService):
        self.service = service
        self.hall = service.hall

    def report(self, first: dt.date, last: dt.date) -> Report:
        if last < first:
            raise BadRange("invalid_range", "结束日期不能早于开始日期 / `to` is before `from`")
        if (last - first).days >= MAX_DAYS:
            raise BadRange("invalid_range", f"一次最多统计 {MAX_DAYS} 天 / at most {MAX_DAYS} days at once")
        figures = compute(self._events(first, last), lambda at: self.hall.local(at).hour,
                          until=min(self.service.tx.clock(), self.hall.day_start(last + dt.timedelta(days=1))))
        return self._named(first, last, figures)

    def _events(self, first: dt.date, last: dt.date):  # noqa: ANN202 - an iterator of EventRow
        e = t.events.c
        after = 0
        while True:
            def page(repo, now, after=after):  # noqa: ANN001, ANN202
                query = (select(e.id, e.type, e.at, e.ticket_pk, e.category, e.window, e.data)
                         .where(e.hall == self.hall.hall.id, e.service_day >= first, e.service_day <= last, e.id > after)
                         .order_by(e.id).limit(PAGE))
                return repo.conn.execute(query).all()

            rows = self.service.tx.read(page)
            for r in rows:
                yield EventRow(r.id, r.type, r.at, r.ticket_pk, r.category, r.window, json.loads(r.data or "{}"))
            if len(rows) < PAGE:
                return
            after = rows[-1].id

    def _named(self, first: dt.date, last: dt.date, figures: Figures) -> Report:
        threshold = self.hall.reports.wait_threshold_minutes * 60
        categories = {c.id: c.name for c in self.hall.categories}
        utilisation = figures.utilisation()
        groups: dict[frozenset, list[int]] = {}
        for spec in self.hall.windows:
            groups.setdefault(frozenset(self.hall.serves(spec)), []).append(spec.number)
        return Report(
            first, last, threshold,
            total=figures.total.summary(threshold),
            by_category=[{"category": c, "name": categories.get(c, c), **tally.summary(threshold)}
                         for c, tally in sorted(figures.by_category.items())],
            by_window=[{"window": w, "name": spec.name if (spec := self.hall.window(w)) else str(w),
                        "open_s": round(figures.open_s.get(w, 0.0)), "busy_s": round(figures.busy_s.get(w, 0.0)),
                        "utilisation": utilisation.get(w), **figures.by_window[w].summary(threshold)}
                       for w in sorted(set(figures.by_window) | set(figures.open_s))],
            by_staff=[{"staff": s, **tally.summary(threshold)} for s, tally in sorted(figures.by_staff.items())],
            by_hour=[{"hour": h, **tally.summary(threshold)} for h, tally in sorted(figures.by_hour.items())],
            busy_spread=spread(utilisation, [g for g in groups.values() if len(g) > 1]),
        )
