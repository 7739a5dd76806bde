"""`onewindow staff add|list|disable|reset-pin`: a hall's staff accounts from the command line. A PIN is read
from the terminal without echo, or from standard input when it is not a terminal (a script) — never from the
command line, where `ps` and the shell's history would keep it."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from collections.abc import Callable

from caller.staff.rules import StaffRuleError, format_windows, parse_roles, parse_windows


def _book(args: argparse.Namespace):  # noqa: ANN202
    from caller.auth import TokenStore
    from caller.cli import open_hall_database
    from caller.staff.book import StaffBook

    hall, engine = open_hall_database(args)
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)  # noqa: E731
    return StaffBook(engine, hall.hall.id, TokenStore(engine, hall.hall.id, clock), clock)


def _read_pin() -> str:
    if sys.stdin.isatty():
        pin = getpass.getpass("密码（6–12 位数字）/ PIN: ")
        if getpass.getpass("再输入一次 / again: ") != pin:
            raise StaffRuleError("pin_mismatch", "两次输入的密码不一致 / the PINs differ")
        return pin
    return sys.stdin.readline().strip()


def run_staff(args: argparse.Namespace) -> int:
    try:
        book = _book(args)
        if args.staff_command == "add":
            member = book.add(args.staff_no, args.name, _read_pin(), parse_roles(args.roles),
                              parse_windows(args.windows), args.department)
            print(f"added {member.staff_no} {member.name}: {', '.join(sorted(r.value for r in member.roles))}, "
                  f"windows {format_windows(member.windows) or '-'}")
        elif args.staff_command == "list":
            for m in book.list():
                state = "disabled" if m.disabled else "active"
                roles = ",".join(sorted(r.value for r in m.roles))
                print(f"{m.staff_no:<8} {m.name:<10} {roles:<20} windows {format_windows(m.windows) or '-':<12} {state}")
        elif args.staff_command == "disable":
            print(f"disabled {book.disable(args.staff_no).staff_no}: its sessions have ended")
        elif args.staff_command == "reset-pin":
            print(f"new PIN set for {book.reset_pin(args.staff_no, _read_pin()).staff_no}")
    except StaffRuleError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help="staff accounts: add, list, disable, reset-pin")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="a new account; the PIN is asked for (or read from standard input)")
    add.add_argument("staff_no", help="工号")
    add.add_argument("--name", required=True)
    add.add_argument("--roles", default="window", help="window,desk,help,manager,admin,department (comma-separated)")
    add.add_argument("--windows", default="", help="the windows it may sign in to: 1-6,9 or *")
    add.add_argument("--department", help="a department member's back office, as cases are handed to it")
    listing = staff_sub.add_parser("list", help="the accounts (no PINs)")
    disable = staff_sub.add_parser("disable", help="no more sign-ins; open sessions end at once")
    disable.add_argument("staff_no")
    reset = staff_sub.add_parser("reset-pin", help="a new PIN (asked for, or read from standard input)")
    reset.add_argument("staff_no")
    from caller.cli import db_options

    for parser in (add, listing, disable, reset):
        db_options(parser)
    staff.set_defaults(func=run_staff)
