"""Looks for personal data and secrets where none belong: unmasked ID numbers (18 characters with a valid check
digit), mainland mobile numbers, and given secrets (tokens), in any files — a database, a log, a recorded event
stream.

    python -m tests.pii_scan FILE [FILE …] [--secret S …]

Prints one line per finding (the file, the kind, the value masked) and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from caller.engine.identity import check_digit, mask_id_number, mask_phone

# whole runs only: a digit run inside a hex digest or a longer number is not a person's number
ID_NUMBER = re.compile(rb"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
MOBILE = re.compile(rb"(?<![0-9A-Za-z+])(1[3-9]\d{9})(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Finding:
    path: Path
    kind: str
    shown: str  # masked: the report itself must not leak

    def __str__(self) -> str:
        return f"{self.path}: {self.kind} {self.shown}"


def scan_bytes(path: Path, data: bytes, secrets: Iterable[str] = ()) -> list[Finding]:
    found: list[Finding] = []
    for match in ID_NUMBER.finditer(data):
        value = match.group(1).decode().upper()
        if check_digit(value[:17]) == value[17]:
            found.append(Finding(path, "ID number", mask_id_number(value)))
    for match in MOBILE.finditer(data):
        found.append(Finding(path, "mobile number", mask_phone(match.group(1).decode())))
    for secret in secrets:
        if secret and secret.encode() in data:
            found.append(Finding(path, "secret", secret[:4] + "…"))
    return found


def scan(paths: Iterable[Path], secrets: Iterable[str] = ()) -> list[Finding]:
    secrets = list(secrets)
    found: list[Finding] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            found += scan_bytes(file, file.read_bytes(), secrets)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--secret", action="append", default=[], help="a token or code that must appear nowhere")
    args = parser.parse_args(argv)
    found = scan(args.files, args.secret)
    for finding in found:
        print(finding)
    print(f"pii_scan: {len(found)} finding(s) in {len(args.files)} path(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
