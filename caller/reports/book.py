"""A report of a range of service days: the events read in id order (indexed by hall and day), the figures
computed, and each row named as the hall names it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from caller.engine.model import QueueError
from caller.queue.service import QueueService
from caller.ratings.rules import LEVEL_NAMES, REASONS
from caller.hall import WindowKind
from caller.reports import rollup
from caller.reports.figures import EventRow, Figures, Tally, around_openings, compute, spread
from caller.storage import tables as t
from caller.queue.hall_swap import FollowsHall

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
    tidal: list[dict] = ()  # tidal and seasonal windows: openings, time open, the wait before and after opening
    ratings_by_day: list[dict] = ()  # 好差评 per day: count, mean level, dissatisfied
    hall_name: str = ""
    bad_ratings: list[dict] = ()  # 不满意 and 非常不满意, with their reasons, for 考核 and follow-up
    cases: list[dict] = ()  # 办件 per kind: received, decided on time or late, overdue, picked up, mailed


class ReportBook(FollowsHall):
    def __init__(self, service: QueueService):
        self.service = service
        self.followups = None  # the follow-ups (caller/followups), given by the app: the 整改 of each bad rating
        self.cases = None  # the cases (caller/cases), given by the app: the 办件 table

    @staticmethod
    def _check_range(first: dt.date, last: dt.date) -> None:
        if last < first:
            raise BadRange("invalid_range", "结束日期不能早于开始日期 / `to` is before `from`")
        if (last - first).days >= MAX_DAYS:
            raise BadRange("invalid_range", f"一次最多统计 {MAX_DAYS} 天 / at most {MAX_DAYS} days at once")

    def total(self, first: dt.date, last: dt.date) -> Tally:
        """The days' tickets in one tally (every wait and handling time kept): what a county adds up."""
        self._check_range(first, last)
        return self.figures(first, last, self.service.tx.clock()).total

    def report(self, first: dt.date, last: dt.date) -> Report:
        self._check_range(first, last)
        now = self.service.tx.clock()
        until = min(now, self.hall.day_start(last + dt.timedelta(days=1)))
        figures = self.figures(first, last, now)
        report = self._named(first, last, figures)
        signed_in, by_level, by_day, bad = self.service.tx.read(
            lambda repo, now: self._staff_and_ratings(repo.conn, first, last, until))
        staff = {row["staff"]: row for row in report.by_staff}
        empty = Tally().summary(report.threshold_s)
        by_staff = [{**staff.get(label, {"staff": label, **empty}), "signed_in_s": round(signed_in.get(label, 0.0)),
                     "signed_in_h": round(signed_in.get(label, 0.0) / 3600, 2),
                     **{LEVEL_NAMES[lvl]: by_level.get(label, {}).get(lvl, 0) for lvl in LEVEL_NAMES}}
                    for label in sorted(set(staff) | set(signed_in) | set(by_level))]
        cases = self.service.tx.read(lambda repo, at: self.cases.figures(repo.conn, first, last, at)) \
            if self.cases else []
        return dataclasses.replace(report, by_staff=by_staff, ratings_by_day=by_day, bad_ratings=bad,
                                   hall_name=self.hall.hall.name, cases=cases)

    def figures(self, first: dt.date, last: dt.date, now: dt.datetime) -> Figures:
        """The finished days' figures as rolled up (each computed and kept the first time it is asked for), and
        today's (or later's) from the events."""
        today = self.hall.service_day(now)
        figures = Figures()
        finished_until = min(last, today - dt.timedelta(days=1))
        if first <= finished_until:
            kept = self.service.tx.read(lambda repo, _: rollup.stored(repo.conn, self.hall.hall.id, first,
                                                                      finished_until))
            day = first
            while day <= finished_until:
                figures.add(kept.get(day) or self.roll_up(day))
                day += dt.timedelta(days=1)
        if last >= today:
            start = max(first, today)
            until = min(now, self.hall.day_start(last + dt.timedelta(days=1)))
            figures.add(compute(self._events(start, last), self._hour, until=until, closes=self._closes(last)))
        return figures

    def _closes(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.hall.hours.close, self.hall.zone)

    def _hour(self, at: dt.datetime) -> int:
        return self.hall.local(at).hour

    def roll_up(self, day: dt.date) -> Figures:
        """Compute a finished day's figures from its events and keep them."""
        figures = compute(self._events(day, day), self._hour, until=self.hall.day_start(day + dt.timedelta(days=1)),
                          closes=self._closes(day))
        try:
            self.service.tx.write(lambda repo, now: rollup.store(repo.conn, self.hall.hall.id, day, figures, now))
        except IntegrityError:
            pass  # another process kept the same day meanwhile
        return figures

    def roll_up_recent(self, days: int = 7) -> int:
        """The periodic check: keep the figures of the last `days` finished days that have none yet; returns how
        many it kept."""
        today = self.hall.service_day(self.service.tx.clock())
        first = today - dt.timedelta(days=days)
        kept = self.service.tx.read(lambda repo, _: set(rollup.stored_days(repo.conn, self.hall.hall.id, first,
                                                                           today - dt.timedelta(days=1))))
        missing = [first + dt.timedelta(days=i) for i in range(days) if first + dt.timedelta(days=i) not in kept]
        for day in missing:
            self.roll_up(day)
        return len(missing)

    def _staff_and_ratings(self, conn, first: dt.date, last: dt.date, until: dt.datetime):  # noqa: ANN001, ANN202
        """Signed-in seconds per member within the range (考勤: counters and the desk alike), ratings per member by
        level, per day, and every 不满意 / 非常不满意 with its reasons."""
        s, m, r = t.staff_sessions.c, t.staff.c, t.ratings.c
        start, end = self.hall.day_start(first), until
        signed_in: dict[str, float] = {}
        for name, staff_no, began, ended in conn.execute(
                select(m.name, m.staff_no, s.started_at, s.ended_at).join(t.staff, s.staff_id == m.id)
                .where(s.hall == self.hall.hall.id, s.started_at < end)):
            seconds = (min(ended or end, end) - max(began, start)).total_seconds()
            if seconds > 0:
                label = f"{name}（{staff_no}）"
                signed_in[label] = signed_in.get(label, 0.0) + seconds
        in_range = (r.hall == self.hall.hall.id, r.service_day >= first, r.service_day <= last)
        by_level: dict[str, dict[int, int]] = {}
        for staff, level, count in conn.execute(select(r.staff, r.level, func.count()).where(*in_range)
                                                .group_by(r.staff, r.level)):
            if staff:
                by_level.setdefault(staff, {lvl: 0 for lvl in LEVEL_NAMES})[level] = count
        by_day = [{"day": day.isoformat(), "count": count, "mean_level": round(float(mean), 2),
                   "dissatisfied": int(bad or 0)}
                  for day, count, mean, bad in conn.execute(
                      select(r.service_day, func.count(), func.avg(r.level), func.sum(case((r.level <= 2, 1), else_=0)))
                      .where(*in_range).group_by(r.service_day).order_by(r.service_day))]
        rows = conn.execute(select(t.ratings).where(*in_range, r.level <= 2).order_by(r.rated_at)).all()
        followed = self.followups.of_ratings(conn, [row.pk for row in rows], until) if self.followups else {}
        bad = [{"day": row.service_day.isoformat(), "number": row.number, "window": row.window, "staff": row.staff,
                "level": LEVEL_NAMES[row.level], "reasons": "、".join(REASONS.get(c, c) for c in
                                                                     (row.reason_codes or "").split(",") if c),
                "reason": row.reason,
                "follow_up": followed[row.pk].summary if row.pk in followed else "未跟进"}  # its 整改 and 回访
               for row in rows]
        return signed_in, by_level, by_day, bad

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
            tidal=around_openings(figures, [w.number for w in self.hall.windows
                                            if w.kind in (WindowKind.TIDAL, WindowKind.SEASONAL)]),
        )
