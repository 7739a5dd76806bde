"""Each finished day's figures, kept (`report_days`): a day is final once it has ended — its tickets are settled and
no event is written for it again — so a month's report folds in 22 stored days instead of re-reading 100,000
events. The figures keep every wait and handling time, so a month's percentiles are exact, not averaged.

A day is rolled up by the caller's periodic check the day after, or by the first report that needs it."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from sqlalchemy import select

from caller.reports.figures import Figures, Tally
from caller.storage import tables as t

FORMAT = 1  # the figures' shape and definitions: a change of either bumps it, and older rollups are recomputed


def _tally(tally: Tally) -> list:
    return [tally.issued, tally.served, tally.no_show, tally.transferred, tally.abandoned, tally.waits_s,
            tally.handling_s]


def _untally(row: list) -> Tally:
    return Tally(*row[:5], waits_s=list(row[5]), handling_s=list(row[6]))


def dumps(figures: Figures) -> str:
    stamp = lambda moment: moment.timestamp()  # noqa: E731 - UTC seconds: compact and exact
    return json.dumps({
        "total": _tally(figures.total),
        **{name: {str(k): _tally(v) for k, v in getattr(figures, name).items()}
           for name in ("by_category", "by_window", "by_staff", "by_hour")},
        "open_s": {str(k): v for k, v in figures.open_s.items()},
        "busy_s": {str(k): v for k, v in figures.busy_s.items()},
        "openings": {str(k): [stamp(at) for at in v] for k, v in figures.openings.items()},
        "calls": [[stamp(at), wait] for at, wait in figures.calls],
    }, ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Figures:
    raw = json.loads(text)
    moment = lambda seconds: dt.datetime.fromtimestamp(seconds, dt.timezone.utc)  # noqa: E731
    whole = {"by_window": int, "by_hour": int, "by_category": str, "by_staff": str}
    figures = Figures(total=_untally(raw["total"]))
    for name, key in whole.items():
        target = getattr(figures, name)
        for k, v in raw[name].items():
            target[key(k)] = _untally(v)
    figures.open_s = defaultdict(float, {int(k): v for k, v in raw["open_s"].items()})
    figures.busy_s = defaultdict(float, {int(k): v for k, v in raw["busy_s"].items()})
    figures.openings = defaultdict(list, {int(k): [moment(s) for s in v] for k, v in raw["openings"].items()})
    figures.calls = [(moment(s), wait) for s, wait in raw["calls"]]
    return figures


def stored(conn, hall: str, first: dt.date, last: dt.date) -> dict[dt.date, Figures]:  # noqa: ANN001
    r = t.report_days.c
    rows = conn.execute(select(r.day, r.figures).where(r.hall == hall, r.day >= first, r.day <= last,
                                                       r.format == FORMAT))
    return {day: loads(text) for day, text in rows}


def stored_days(conn, hall: str, first: dt.date, last: dt.date) -> list[dt.date]:  # noqa: ANN001
    r = t.report_days.c
    return [day for (day,) in conn.execute(select(r.day).where(r.hall == hall, r.day >= first, r.day <= last,
                                                                r.format == FORMAT))]


def store(conn, hall: str, day: dt.date, figures: Figures, now: dt.datetime) -> None:  # noqa: ANN001
    """Keep a finished day's figures (replacing ones of an older format)."""
    r = t.report_days.c
    conn.execute(t.report_days.delete().where(r.hall == hall, r.day == day))
    conn.execute(t.report_days.insert().values(hall=hall, day=day, format=FORMAT, figures=dumps(figures),
                                               computed_at=now))
