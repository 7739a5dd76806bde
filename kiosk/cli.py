"""The kiosk's own `onewindow` subcommands: `kiosk` runs the touchscreen, `devices test` is the installer's
self-test. Registered by caller/cli.py, which owns only the entry point."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_commands(sub: argparse._SubParsersAction) -> None:
    kiosk = sub.add_parser("kiosk", help="run the self-service kiosk (Kivy); devices from ONEWINDOW_KIOSK_* or options")
    kiosk.add_argument("--caller-url", dest="caller_url")
    kiosk.add_argument("--token")
    kiosk.add_argument("--token-file", dest="token_file", type=Path)
    kiosk.add_argument("--printer")
    kiosk.add_argument("--card-reader", dest="card_reader")
    kiosk.add_argument("--camera")
    kiosk.add_argument("--speech")
    kiosk.add_argument("--paper-mm", dest="paper_mm", type=int, choices=[58, 80])
    kiosk.add_argument("--simulated", action="store_true", default=None,
                       help="simulated devices for whatever is not given: demo card reader, slips to a file, …")
    kiosk.add_argument("--fullscreen", action="store_true", default=None)
    kiosk.set_defaults(func=run_kiosk)
    devices = sub.add_parser("devices", help="the installer's device self-test")
    devices_sub = devices.add_subparsers(dest="devices_command", required=True)
    self_test = devices_sub.add_parser("test", help="print a test slip, read a card, decode the camera, speak")
    self_test.add_argument("--printer")
    self_test.add_argument("--card-reader", dest="card_reader")
    self_test.add_argument("--camera")
    self_test.add_argument("--speech")
    self_test.add_argument("--paper-mm", dest="paper_mm", type=int, choices=[58, 80], default=80)
    self_test.add_argument("--simulated", action="store_true", help="test against the simulated devices")
    self_test.set_defaults(func=run_devices_test)


def run_kiosk(args: argparse.Namespace) -> int:
    from kiosk.runner import run_kiosk as run
    from kiosk.settings import KioskSettings

    overrides = {k: v for k, v in vars(args).items() if k in KioskSettings.model_fields and v is not None}
    return run(KioskSettings(**overrides))


def run_devices_test(args: argparse.Namespace) -> int:
    from kiosk.self_test import run_self_test

    return run_self_test(printer=args.printer, card_reader=args.card_reader, camera=args.camera, speech=args.speech,
                         paper_mm=args.paper_mm, simulated=args.simulated)
