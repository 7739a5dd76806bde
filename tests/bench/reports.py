"""How long the manager's report and the live monitor take on a month of one hall's data (issue 12).

Generated working days of the sample hall (519 citizens a day, the simulator's arrivals and fates) are played
through the real engine in-process, on a virtual clock, into a scratch SQLite file and a scratch PostgreSQL
database. Then, each the median of 3 runs: the report of the whole month, the report of one day, and the
monitor's view at the end of the last day. A `GET /health`-sized baseline is the time of one indexed read of the
same database.

    .venv/bin/python -m tests.bench.reports --days 22
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from caller.engine.model import QueueError
from caller.hall import load_hall
from caller.notices.book import NoticeBook
from caller.queue.service import IssueRequest, QueueService, rules_from_hall
from caller.reports.book import ReportBook
from caller.reports.monitor import Monitor
from caller.settings import CallerSettings
from caller.simulation.generator import draw_fates, generate_day
from caller.simulation.policies import policies
from caller.simulation.simulator import simulate_day
from caller.storage.database import Database, make_engine, migrate
from tests.bench.harness import postgres_database, sqlite_database


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


def play_day(service: QueueService, clock: Clock, day: dt.date, seed: int) -> int:
    """One generated day through the service's own use cases; returns how many actions it took."""
    hall = service.hall
    opens = dt.datetime.combine(day, hall.hours.open, hall.zone)
    rules = rules_from_hall(hall)
    arrivals = generate_day(seed)
    result = simulate_day(arrivals, draw_fates(seed, arrivals), policies(hall, rules, day)["ours"], rules,
                          {c.id: c.service_minutes * 60 for c in hall.categories})
    clock.now = opens - dt.timedelta(minutes=30)  # the morning: yesterday settled, every window logged out
    service.housekeeping.close_past_days()
    for spec in hall.windows:
        try:
            service.close(spec.number)
        except QueueError:
            pass  # closed already
    ids: dict[str, str] = {}
    for a in result.actions:
        clock.now = opens + dt.timedelta(seconds=a.at_s)
        if a.kind == "issue":
            ids[a.ticket] = service.issue(IssueRequest(a.value, a.extra)).ticket.id
        elif a.kind in ("open", "close", "pause", "resume"):
            getattr(service, a.kind)(a.window)
        elif a.kind == "call":
            service.call_next(a.window)
        elif a.kind in ("recall", "finish"):
            getattr(service, a.kind)(a.window, ids.get(a.ticket))
        elif a.kind == "no-show":
            service.no_show(a.window, ids.get(a.ticket))
        elif a.kind == "transfer":
            service.transfer(a.window, a.value, ids.get(a.ticket))
        elif a.kind == "return":
            service.return_after_no_show(ids[a.ticket])
        elif a.kind == "cancel":
            service.cancel(ids[a.ticket])
    return len(result.actions)


def working_days(hall, first: dt.date, count: int) -> list[dt.date]:  # noqa: ANN001
    days, day = [], first
    while len(days) < count:
        if hall.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def median_s(call, runs: int = 3) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(url: str, days_count: int) -> dict:
    hall = load_hall(CallerSettings().hall_file)
    engine = make_engine(url)
    migrate(engine)
    clock = Clock()
    service = QueueService(hall, Database(engine, hall.hall.id), clock=clock)
    service.setup()
    days = working_days(hall, dt.date(2026, 3, 2), days_count)  # March: out of the 医保 season
    started = time.perf_counter()
    actions = sum(play_day(service, clock, day, seed) for seed, day in enumerate(days, start=1))
    generated_s = time.perf_counter() - started
    reports = ReportBook(service)
    monitor = Monitor(service, reports, NoticeBook(service))
    clock.now = dt.datetime.combine(days[-1], hall.hours.close, hall.zone)
    with engine.connect() as conn:
        tickets = conn.exec_driver_sql("SELECT count(*) FROM tickets").scalar_one()
        events = conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
    figures = {
        "days": len(days), "tickets": tickets, "events": events, "actions": actions,
        "generate_s": round(generated_s, 1),
        "baseline_ms": 1000 * median_s(lambda: service.last_event_id()),
        "report_month_ms": 1000 * median_s(lambda: reports.report(days[0], days[-1])),
        "report_day_ms": 1000 * median_s(lambda: reports.report(days[-1], days[-1])),
        "monitor_ms": 1000 * median_s(monitor.view),
    }
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=22, help="working days to generate (a month: 22)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    backends = {"sqlite": sqlite_database, "postgresql": postgres_database}
    for name, database in backends.items():
        if args.backend not in (name, "both"):
            continue
        with database() as url:
            f = measure(url, args.days)
        print(f"{name}: {f['days']} days, {f['tickets']} tickets, {f['events']} events (generated in "
              f"{f['generate_s']} s); report of the month {f['report_month_ms']:.0f} ms, of one day "
              f"{f['report_day_ms']:.0f} ms, monitor {f['monitor_ms']:.0f} ms; one indexed read "
              f"{f['baseline_ms']:.2f} ms (ratio month/read {f['report_month_ms'] / f['baseline_ms']:.0f})")


if __name__ == "__main__":
    main()
