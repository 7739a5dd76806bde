"""`onewindow hall add|list` and `onewindow county token`: the county's halls (one file each in the county
folder) and the county administrator's token. `onewindow caller --county-dir DIR` serves them all."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_DIR = Path("config/county")


def add_commands(sub: argparse._SubParsersAction) -> None:
    hall = sub.add_parser("hall", help="the county's halls: add a hall file, list them")
    commands = hall.add_subparsers(dest="hall_command", required=True)
    add = commands.add_parser("add", help="check a hall file and place it in the county folder")
    add.add_argument("file", type=Path)
    listing = commands.add_parser("list", help="the county's halls: id, name, windows, matters, where they are")
    for parser in (add, listing):
        parser.add_argument("--county-dir", type=Path, default=DEFAULT_DIR, help=f"default: {DEFAULT_DIR}")
    add.set_defaults(func=run_add)
    listing.set_defaults(func=run_list)

    county = sub.add_parser("county", help="the county above its halls")
    county_commands = county.add_subparsers(dest="county_command", required=True)
    token = county_commands.add_parser("token", help="print a new county-admin token (the county's view, reports)")
    token.add_argument("--label", default="", help="who holds it")
    token.add_argument("--database-url", help="the county's database (default: the installation's)")
    token.set_defaults(func=run_token)


def run_add(args: argparse.Namespace) -> int:
    from caller.county.halls import CountyError, add_hall
    from caller.hall import HallConfigError

    try:
        hall = add_hall(args.county_dir, args.file)
    except (CountyError, HallConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"added {hall.hall.id} ({hall.hall.name}): served at /h/{hall.hall.id}/ once the callers restart")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from caller.county.halls import CountyError, load_county
    from caller.hall import HallConfigError

    try:
        halls = load_county(args.county_dir)
    except (CountyError, HallConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for hall in halls:
        print(f"{hall.hall.id:<16} {hall.hall.name}  {len(hall.windows)} windows, {len(hall.categories)} matters, "
              f"/h/{hall.hall.id}/")
    return 0


def run_token(args: argparse.Namespace) -> int:
    from caller.auth import Role, TokenStore
    from caller.county.halls import COUNTY
    from caller.settings import CallerSettings
    from caller.storage.database import make_engine, migrate

    settings = CallerSettings(**({"database_url": args.database_url} if args.database_url else {}))
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        print(TokenStore(engine, COUNTY).create(Role.COUNTY_ADMIN, label=args.label))
    finally:
        engine.dispose()
    return 0
