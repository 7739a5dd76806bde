"""Real storage faults for tests: a small tmpfs that fills up, and a database file made read-only by a
read-only bind mount."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def need_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs or a read-only bind needs root (CI runs as root)")


def _run(command: str) -> None:
    subprocess.run(command, shell=True, check=True, capture_output=True)


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "3M") -> Iterator[Path]:
    need_root()
    path.mkdir(parents=True, exist_ok=True)
    _run(f"mount -t tmpfs -o size={size} onewindow-test {path}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path) -> Path:
    """Write a file until the file system is full; deleting it frees the space."""
    filler = folder / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


class ReadOnly:
    """A file made read-only by a read-only bind mount over it (root ignores file permissions)."""

    def __init__(self, path: Path):
        need_root()
        self.path = path
        _run(f"mount --bind {path} {path} && mount -o remount,ro,bind {path}")

    def make_writable(self) -> None:
        _run(f"mount -o remount,rw,bind {self.path}")

    def remove(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)
