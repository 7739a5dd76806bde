"""`onewindow office`: the running hall's versions from the command line — the history, and the hall file of a
version written out to keep in version control (`export`), the same as the back office page gives."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_commands(sub: argparse._SubParsersAction) -> None:
    from caller.cli import db_options

    office = sub.add_parser("office", help="the hall's versions kept by the back office: history, export")
    commands = office.add_subparsers(dest="office_command", required=True)
    history = commands.add_parser("history", help="every version: who made it, when, what it changed")
    db_options(history)
    history.set_defaults(func=run_history)
    export = commands.add_parser("export", help="write the running hall (or --version N) as a hall file")
    export.add_argument("--version", type=int, help="an earlier version (default: the newest)")
    export.add_argument("--out", type=Path, required=True, help="the file to write, e.g. config/hall.toml")
    db_options(export)
    export.set_defaults(func=run_export)


def _book(args: argparse.Namespace):  # noqa: ANN202
    from caller.cli import open_hall_database
    from caller.office.book import OfficeBook
    from caller.queue.service import QueueService
    from caller.storage.database import Database

    hall, engine = open_hall_database(args)
    return OfficeBook(QueueService(hall, Database(engine, hall.hall.id))), engine


def run_history(args: argparse.Namespace) -> int:
    book, engine = _book(args)
    try:
        versions = book.history(500)
    finally:
        engine.dispose()
    if not versions:
        print("no version kept yet: the caller keeps the hall file as version 1 when it starts")
    for v in versions:
        print(f"{v.version:>4}  {v.at:%Y-%m-%d %H:%M}Z  {v.action:<8} {v.author}  {v.note or ''}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from caller.engine.model import QueueError

    book, engine = _book(args)
    try:
        versions = book.history(1)
        number = args.version or (versions[0].version if versions else None)
        if number is None:
            print("error: no version kept yet: the hall file is the hall", file=sys.stderr)
            return 2
        text = book.text_of(number)
    except QueueError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: version {number}")
    return 0
