"""The manager's report and the live monitor on a county's year of data (issue 12): 13 halls × 250 working days of
the sample hall, about 1.7 M tickets and 13 M events, in SQLite and in PostgreSQL.

Five working days are played through the real engine (the simulator's arrivals and fates, as in
tests/bench/reports.py); every other day of every hall is a copy of one of them, its ids renumbered and its times
moved to that day (PostgreSQL by COPY, SQLite by batched inserts). Then, each the median of 3 runs, for the sample
hall: the report of a month before any day is rolled up (it rolls the month's days up), of the same month after, of
the whole year rolled up, of one day, and the monitor's view at the end of the last day; and the time to roll up a
month. The baseline is one indexed read of the same database.

    .venv/bin/python -m tests.bench.county_year --halls 13 --days 250
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from sqlalchemy import select, text

from caller.hall import load_hall
from caller.notices.book import NoticeBook
from caller.queue.service import QueueService
from caller.reports.book import ReportBook
from caller.reports.monitor import Monitor
from caller.settings import CallerSettings
from caller.storage import tables as t
from caller.storage.database import Database, make_engine, migrate
from tests.bench.harness import postgres_database, sqlite_database
from tests.bench.reports import Clock, median_s, play_day, working_days

TEMPLATES = 5
BATCH = 20_000


def copies(template_rows, hall_ids, days, template_days, next_pk):  # noqa: ANN001, ANN201
    """Yield (tickets, events) of one hall's day at a time: the template day's rows renumbered and moved."""
    tickets_by_day, events_by_day = template_rows
    for hall_id in hall_ids:
        for index, day in enumerate(days):
            source = template_days[index % len(template_days)]
            if hall_id == "sample" and day in template_days:
                continue  # played through the engine
            shift = dt.timedelta(days=(day - source).days)
            pks = {}
            tickets = []
            for row in tickets_by_day[source]:
                pk = pks[row["pk"]] = next_pk()
                tickets.append({**{k: (v + shift if isinstance(v, dt.datetime) else v) for k, v in row.items()},
                                "pk": pk, "hall": hall_id, "service_day": day, "public_id": f"c{pk:x}"})
            events = [{**row, "hall": hall_id, "service_day": day, "at": row["at"] + shift,
                       "ticket_pk": pks.get(row["ticket_pk"]) if row["ticket_pk"] is not None else None}
                      for row in events_by_day[source]]
            yield tickets, events


def read_templates(engine, template_days):  # noqa: ANN001, ANN201
    with engine.connect() as conn:
        tickets = {day: [dict(r._mapping) for r in conn.execute(
            select(t.tickets).where(t.tickets.c.service_day == day).order_by(t.tickets.c.pk))] for day in template_days}
        columns = [c for c in t.events.c if c.name != "id"]
        events = {day: [dict(r._mapping) for r in conn.execute(
            select(*columns).where(t.events.c.service_day == day).order_by(t.events.c.id))] for day in template_days}
    return tickets, events


def naive(value):  # noqa: ANN001, ANN201 - UtcDateTime's stored form
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def load_postgres(engine, batches) -> None:  # noqa: ANN001
    ticket_cols = [c.name for c in t.tickets.c]
    event_cols = [c.name for c in t.events.c if c.name != "id"]
    quoted = lambda cols: ", ".join(f'"{c}"' for c in cols)  # noqa: E731 - "window" is a keyword
    with engine.begin() as conn:  # the events' indexes are built once, after the load
        for index in t.events.indexes:
            conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY tickets ({quoted(ticket_cols)}) FROM STDIN") as tickets_copy:
            for tickets, _ in batches():
                for row in tickets:
                    tickets_copy.write_row([naive(row[c]) for c in ticket_cols])
        with cursor.copy(f"COPY events ({quoted(event_cols)}) FROM STDIN") as events_copy:
            for _, events in batches():  # the same copies again (the same ids): the tickets are in first
                for row in events:
                    events_copy.write_row([naive(row[c]) for c in event_cols])
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for index in t.events.indexes:
            index.create(conn)
        conn.execute(text("SELECT setval(pg_get_serial_sequence('tickets', 'pk'), (SELECT max(pk) FROM tickets))"))
        conn.execute(text("ANALYZE"))


def load_sqlite(engine, batches) -> None:  # noqa: ANN001
    pending_t, pending_e = [], []

    def flush() -> None:
        with engine.begin() as conn:
            if pending_t:
                conn.execute(t.tickets.insert(), pending_t)
            if pending_e:
                conn.execute(t.events.insert(), pending_e)
        pending_t.clear()
        pending_e.clear()

    for tickets, events in batches():
        pending_t.extend(tickets)
        pending_e.extend(events)
        if len(pending_e) >= BATCH:
            flush()
    flush()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def measure(url: str, halls: int, days_count: int) -> dict:
    hall = load_hall(CallerSettings().hall_file)
    engine = make_engine(url)
    migrate(engine)
    clock = Clock()
    service = QueueService(hall, Database(engine, hall.hall.id), clock=clock)
    service.setup()
    days = working_days(hall, dt.date(2026, 1, 5), days_count)
    template_days = days[:TEMPLATES]
    started = time.perf_counter()
    for seed, day in enumerate(template_days, start=1):
        play_day(service, clock, day, seed)
    played_s = time.perf_counter() - started
    with engine.connect() as conn:
        last_pk = conn.execute(select(t.tickets.c.pk).order_by(t.tickets.c.pk.desc()).limit(1)).scalar_one()
    hall_ids = ["sample"] + [f"town-{i:02d}" for i in range(1, halls)]
    templates = read_templates(engine, template_days)

    def batches():  # noqa: ANN202 - every call yields the same copies with the same ids
        counter = iter(range(last_pk + 1, 10**12))
        return copies(templates, hall_ids, days, template_days, lambda: next(counter))

    started = time.perf_counter()
    (load_postgres if engine.dialect.name == "postgresql" else load_sqlite)(engine, batches)
    loaded_s = time.perf_counter() - started
    with engine.connect() as conn:
        tickets = conn.execute(text("SELECT count(*) FROM tickets")).scalar_one()
        events = conn.execute(text("SELECT count(*) FROM events")).scalar_one()
    reports = ReportBook(service)
    monitor = Monitor(service, reports, NoticeBook(service))
    clock.now = dt.datetime.combine(days[-1], dt.time(16, 0), hall.zone)  # the last day, still running
    month = [d for d in days if (d.year, d.month) == (days[len(days) // 2].year, days[len(days) // 2].month)]
    started = time.perf_counter()
    reports.report(month[0], month[-1])  # rolls the month's days up
    month_cold_ms = 1000 * (time.perf_counter() - started)
    started = time.perf_counter()
    reports.report(days[0], days[-2])  # rolls the rest of the year up
    year_cold_s = time.perf_counter() - started
    figures = {
        "halls": halls, "days": len(days), "tickets": tickets, "events": events,
        "played_s": round(played_s, 1), "loaded_s": round(loaded_s, 1),
        "baseline_ms": 1000 * median_s(lambda: service.last_event_id()),
        "month_cold_ms": month_cold_ms, "year_cold_s": year_cold_s,
        "month_ms": 1000 * median_s(lambda: reports.report(month[0], month[-1])),
        "year_ms": 1000 * median_s(lambda: reports.report(days[0], days[-1])),
        "day_ms": 1000 * median_s(lambda: reports.report(days[-1], days[-1])),
        "monitor_ms": 1000 * median_s(monitor.view),
    }
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--halls", type=int, default=13)
    parser.add_argument("--days", type=int, default=250, help="working days a year")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    backends = {"postgresql": postgres_database, "sqlite": sqlite_database}
    for name, database in backends.items():
        if args.backend not in (name, "both"):
            continue
        with database() as url:
            f = measure(url, args.halls, args.days)
        print(f"{name}: {f['halls']} halls × {f['days']} days = {f['tickets']:,} tickets, {f['events']:,} events "
              f"(5 days played in {f['played_s']} s, the rest loaded in {f['loaded_s']} s)\n"
              f"  one hall's report of a month: {f['month_cold_ms']:.0f} ms the first time (it rolls the days up), "
              f"{f['month_ms']:.0f} ms after; of the year {f['year_ms']:.0f} ms (rolling it up took "
              f"{f['year_cold_s']:.1f} s); of the running day {f['day_ms']:.0f} ms; monitor {f['monitor_ms']:.0f} ms; "
              f"one indexed read {f['baseline_ms']:.2f} ms (month/read {f['month_ms'] / f['baseline_ms']:.0f})",
              flush=True)


if __name__ == "__main__":
    main()
