"""`onewindow report`: the manager's figures of a range of days as XLSX, CSV or JSON, straight from the database."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path


def add_commands(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="the manager's figures of a range of days (XLSX, CSV, PNG charts or JSON)")
    report.add_argument("--from", dest="first", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD")
    report.add_argument("--to", dest="last", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD")
    report.add_argument("--format", choices=("xlsx", "csv", "png", "json"), default="xlsx")
    report.add_argument("--out", type=Path, required=True, help="the file to write")
    from caller.cli import db_options

    db_options(report)
    report.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    from caller.engine.model import QueueError
    from caller.queue.service import QueueService
    from caller.reports.book import ReportBook
    from caller.reports.export import write_csv, write_xlsx
    from caller.cli import open_hall_database
    from caller.storage.database import Database

    hall, engine = open_hall_database(args)
    try:
        report = ReportBook(QueueService(hall, Database(engine, hall.hall.id))).report(args.first, args.last)
    except QueueError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if args.format == "xlsx":
        write_xlsx(report, args.out)
    elif args.format == "csv":
        write_csv(report, args.out)
    elif args.format == "png":
        from caller.reports.charts import write_png

        write_png(report, args.out)
    else:
        body = dataclasses.asdict(report) | {"first": args.first.isoformat(), "last": args.last.isoformat()}
        args.out.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{args.out}: {report.total['issued']} issued, {report.total['served']} served "
          f"({args.first} – {args.last})")
    return 0
