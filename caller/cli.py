"""The `onewindow` command: run the caller, manage tokens, check a hall file."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from caller.hall import HallConfigError, load_hall
from caller.logs import configure_logging
from caller.settings import CallerSettings

DEMO_TOKENS = Path("var/demo-tokens.json")
DEMO_STAFF = ("8001", "演示员", "246813")  # ./dev hall: a demo account that may sign in to every window


def _settings(args: argparse.Namespace) -> CallerSettings:
    overrides = {}
    for name in ("database_url", "hall_file", "host", "port", "county_dir", "workers"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    if getattr(args, "demo", False):
        overrides["enforce_hours"] = False
        overrides["demo"] = True
    return CallerSettings(**overrides)


def _token_store(settings: CallerSettings):  # noqa: ANN202
    from caller.auth import TokenStore
    from caller.storage.database import make_engine, migrate

    hall = load_hall(settings.hall_file)
    engine = make_engine(settings.database_url)
    migrate(engine)
    return TokenStore(engine, hall.hall.id), hall


def _demo_tokens(settings: CallerSettings) -> dict:
    """Tokens for trying the hall out: one per role and one per window, kept in var/demo-tokens.json."""
    from caller.auth import Role

    if DEMO_TOKENS.exists():
        return json.loads(DEMO_TOKENS.read_text())
    store, hall = _token_store(settings)
    tokens = {
        "kiosk": store.create(Role.KIOSK, label="demo kiosk"),
        "display": store.create(Role.DISPLAY, label="demo display"),
        "admin": store.create(Role.ADMIN, label="demo admin"),
        "counter": {str(w.number): store.create(Role.COUNTER, w.number, "demo counter") for w in hall.windows},
    }
    DEMO_TOKENS.parent.mkdir(parents=True, exist_ok=True)
    DEMO_TOKENS.write_text(json.dumps(tokens, indent=2))
    os.chmod(DEMO_TOKENS, 0o600)
    return tokens


def _demo_staff(settings: CallerSettings) -> None:
    """The demo account for the counter console (工号 8001, PIN 246813), made once."""
    from caller.staff.book import StaffBook
    from caller.staff.rules import StaffRole, StaffRuleError

    store, hall = _token_store(settings)
    book = StaffBook(store.engine, hall.hall.id, store, store.clock)
    try:
        book.add(DEMO_STAFF[0], DEMO_STAFF[1], DEMO_STAFF[2], frozenset(StaffRole), None)
    except StaffRuleError:
        pass  # made at an earlier start


def _migrate_first(settings: CallerSettings) -> None:
    """Before the workers start: one process brings the schema up to date, not N at once (on SQLite they would
    race; a database that is down is left to the processes, which wait for it)."""
    from caller.storage.database import make_engine, migrate
    from caller.storage.faults import is_storage_fault

    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
    except Exception as exc:
        if not is_storage_fault(exc):
            raise
    finally:
        engine.dispose()


def run_caller(args: argparse.Namespace) -> int:
    from caller.api import server, workers
    from caller.api.app import create_app

    configure_logging(args.log_level)
    settings = _settings(args)
    if args.demo and args.listen_fd is None:  # a worker's first process made them
        from caller.storage.faults import describe, is_storage_fault

        try:
            tokens = _demo_tokens(settings)
            _demo_staff(settings)
        except Exception as exc:
            if not is_storage_fault(exc):
                raise
            print(f"OneWindow demo: no demo tokens, the database is unavailable ({describe(exc)})", file=sys.stderr)
        else:
            print(f"OneWindow demo: tokens for kiosk, display, admin and every window are in {DEMO_TOKENS}")
            print(f"  admin token: {tokens['admin']}")
            print(f"  counter console http://{settings.host}:{settings.port}/counter: 工号 {DEMO_STAFF[0]}, "
                  f"PIN {DEMO_STAFF[2]}, any window")
        print("  issuing hours are not enforced in demo mode")
    sock, others = None, None
    if args.listen_fd is not None:  # a worker of a first process (caller/api/workers.py)
        sock = workers.adopt(args.listen_fd)
    elif settings.workers > 1:
        _migrate_first(settings)
        sock = workers.listening_socket(settings.host, settings.port, server.ACCEPT_BURST)
        others = workers.Workers(settings.workers, sock, sys.argv[1:])
        others.start()  # before this process makes its threads and database connections
    if settings.county_dir is not None:  # a county: every hall of the folder, each at /h/<id>/
        from caller.county.app import create_county_app

        app = create_county_app(settings)
    else:
        app = create_app(settings)
    if args.listen_fd is None:
        scheme = "https" if settings.tls_cert else "http"
        where = "/county (every hall at /h/<id>/)" if settings.county_dir is not None else "/docs"
        processes = f", {settings.workers} processes" if settings.workers > 1 else ""
        print(f"OneWindow caller: {scheme}://{settings.host}:{settings.port}{where}  "
              f"(database {settings.database_url}{processes})")
    try:
        server.run(app, settings.host, settings.port, header_timeout_s=settings.header_timeout_s,
                   max_connections=settings.max_connections, keep_alive_s=settings.keep_alive_s,
                   access_log=args.access_log, tls_cert=settings.tls_cert, tls_key=settings.tls_key, sock=sock)
    finally:
        if others is not None:
            others.stop()
    return 0


def run_token(args: argparse.Namespace) -> int:
    from caller.auth import WINDOW_ROLES, Role

    settings = _settings(args)
    store, _hall = _token_store(settings)
    if args.token_command == "create":
        role = Role(args.role)
        if (role in WINDOW_ROLES) != (args.window is not None):
            print("error: --window is required for a counter or evaluator token and only for them", file=sys.stderr)
            return 2
        if role is Role.DEPARTMENT and not (args.label or "").strip():
            print("error: a department token needs --label, the department's name as cases are handed to it",
                  file=sys.stderr)
            return 2
        if args.window is not None and _hall.window(args.window) is None:
            print(f"error: the hall has no window {args.window}", file=sys.stderr)
            return 2
        print(store.create(role, args.window, args.label or ""))
    elif args.token_command == "list":
        for row in store.list():
            window = f" window {row['window']}" if row["window"] is not None else ""
            state = "revoked" if row["revoked"] else "active"
            print(f"{row['id']:>4}  {row['role']:<8}{window:<11} {state:<8} {row['created_at']}  {row['label']}")
    elif args.token_command == "revoke":
        if not store.revoke(args.id):
            print(f"error: no active token {args.id}", file=sys.stderr)
            return 1
        print(f"revoked token {args.id}")
    return 0


def run_check_config(args: argparse.Namespace) -> int:
    """The file's own problems; then, against the hall's database (given, or the default SQLite file if it exists),
    the waiting tickets the file would strand (a matter it no longer has)."""
    settings = CallerSettings()
    path = args.path or settings.hall_file
    hall = load_hall(path)  # a bad file is reported by main, like for every command
    url = args.database_url or (settings.database_url if _sqlite_file_exists(settings.database_url) else None)
    if url:
        found = _stranded(hall, url)
        if found is None:
            print(f"{path}: the database could not be read; waiting tickets not checked", file=sys.stderr)
        elif found:
            for category, count in found.items():
                print(f"{path}: categories: {count} ticket(s) wait for {category!r}, which this file no "
                      f"longer has; move them first: onewindow move-tickets --from {category} --to CATEGORY",
                      file=sys.stderr)
            return 1
    print(f"{path}: ok — {hall.hall.name}: {len(hall.categories)} categories, {len(hall.windows)} windows")
    return 0


def _sqlite_file_exists(url: str) -> bool:
    return url.startswith("sqlite:///") and Path(url.removeprefix("sqlite:///")).exists()


def _stranded(hall, url: str) -> dict[str, int] | None:  # noqa: ANN001 - a Hall
    from sqlalchemy.exc import SQLAlchemyError

    from caller.queue.service import QueueService
    from caller.queue.stranded import stranded
    from caller.storage.database import Database, make_engine

    engine = make_engine(url)
    try:
        return stranded(QueueService(hall, Database(engine, hall.hall.id)))
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def run_move_tickets(args: argparse.Namespace) -> int:
    """The waiting tickets of a matter the hall file no longer has, moved to another, keeping their age."""
    from caller.engine.model import QueueError
    from caller.queue.service import QueueService
    from caller.queue.stranded import move_waiting
    from caller.storage.database import Database, make_engine, migrate

    settings = _settings(args)
    hall = load_hall(settings.hall_file)
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        moved = move_waiting(QueueService(hall, Database(engine, hall.hall.id)), args.source, args.target)
    except QueueError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"moved {moved} waiting ticket(s) from {args.source!r} to {args.target!r}, each keeping its place in time")
    return 0


def db_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: var/onewindow.sqlite of the installation)")
    parser.add_argument("--hall", dest="hall_file", type=Path, help="hall file (default: the installation's "
                        "config/hall.toml)")


def open_hall_database(args: argparse.Namespace):  # noqa: ANN201 - (Hall, Engine)
    """The hall file and its migrated database, as `--hall` and `--database-url` say (else the installation's):
    what the capability commands (staff, report, office) start from."""
    from caller.storage.database import make_engine, migrate

    overrides = {k: v for k in ("database_url", "hall_file") if (v := getattr(args, k, None)) is not None}
    settings = CallerSettings(**overrides)
    hall = load_hall(settings.hall_file)
    engine = make_engine(settings.database_url)
    migrate(engine)
    return hall, engine


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onewindow", description="OneWindow (一窗) hall software")
    sub = parser.add_subparsers(dest="command", required=True)

    caller = sub.add_parser("caller", help="run the queue engine and HTTP service")
    db_options(caller)
    caller.add_argument("--host")
    caller.add_argument("--port", type=int)
    caller.add_argument("--demo", action="store_true", help="create demo tokens and issue at any hour")
    caller.add_argument("--county-dir", type=Path, help="serve every hall file of this folder (a county, on "
                        "PostgreSQL): each hall at /h/<id>/, the county's view at /county")
    caller.add_argument("--log-level", default="INFO")
    caller.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True)
    caller.add_argument("--workers", type=int, help="processes serving this caller on one port (default 1; more "
                        "use more cores: caller/api/workers.py)")
    caller.add_argument("--listen-fd", type=int, help=argparse.SUPPRESS)  # a worker: its first process's socket
    caller.set_defaults(func=run_caller)

    token = sub.add_parser("token", help="create, list or revoke access tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="print a new token")
    create.add_argument("--role", required=True,
                        choices=["kiosk", "counter", "display", "admin", "evaluator", "department"])
    create.add_argument("--window", type=int, help="the window a counter token acts on")
    create.add_argument("--label", help="who or what holds it")
    listing = token_sub.add_parser("list", help="list tokens (never their values)")
    revoke = token_sub.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("id", type=int)
    for p in (create, listing, revoke):
        db_options(p)
    token.set_defaults(func=run_token)

    check = sub.add_parser("check-config", help="validate a hall file and print every problem")
    check.add_argument("path", nargs="?", type=Path)
    check.add_argument("--database-url", help="also check the hall's database for tickets the file would strand "
                       "(default: the installation's SQLite file, if there is one)")
    check.set_defaults(func=run_check_config)
    move = sub.add_parser("move-tickets", help="move the waiting tickets of a removed matter to another one")
    move.add_argument("--from", dest="source", required=True, help="the category id the hall file no longer has")
    move.add_argument("--to", dest="target", required=True, help="a category id of the hall file")
    db_options(move)
    move.set_defaults(func=run_move_tickets)
    from caller import tls
    from caller.county import cli as county_cli
    from caller.simulation import cli as simulation_cli
    from caller.office import cli as office_cli
    from display import cli as display_cli
    from kiosk import cli as kiosk_cli
    from caller.reports import cli as report_cli
    from caller.staff import cli as staff_cli

    tls.add_commands(sub)
    staff_cli.add_commands(sub)
    report_cli.add_commands(sub)
    office_cli.add_commands(sub)
    county_cli.add_commands(sub)
    simulation_cli.add_commands(sub)
    kiosk_cli.add_commands(sub)
    display_cli.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except HallConfigError as exc:  # every problem of the hall file, each with its key; no traceback
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
