"""The lobby board's own `onewindow` subcommand, `display`. Registered by caller/cli.py, which owns only the entry
point."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_commands(sub: argparse._SubParsersAction) -> None:
    board = sub.add_parser("display", help="run the lobby board (Kivy) that shows and speaks the calls")
    board.add_argument("--caller-url", dest="caller_url")
    board.add_argument("--token")
    board.add_argument("--token-file", dest="token_file", type=Path)
    board.add_argument("--window", type=int, help="window mode: the small screen above one window")
    board.add_argument("--announcer", help="play:// (default), wav:///dir or none://")
    board.add_argument("--clips", type=Path, help="a folder of recorded clips to speak with")
    board.add_argument("--fullscreen", action="store_true", default=None)
    board.set_defaults(func=run_display)


def run_display(args: argparse.Namespace) -> int:
    from display.runner import run_display as run
    from display.settings import DisplaySettings

    overrides = {k: v for k, v in vars(args).items() if k in DisplaySettings.model_fields and v is not None}
    return run(DisplaySettings(**overrides))
