"""A private PostgreSQL server for tests, from Debian's `postgresql` binaries (no server needs to be running).

PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user that
Debian's package creates. pytest-postgresql starts servers too, but only as the calling user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def find_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PrivatePostgres:
    url: str
    base: Path
    bindir: Path
    as_user: list[str]

    port: int = 0

    def stop(self) -> None:
        """Stop the server and remove its files."""
        self.halt()
        shutil.rmtree(self.base, ignore_errors=True)

    def halt(self) -> None:
        """Stop the server at once (as a crash or a power cut would), keeping its data for `start`."""
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.base / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.base / "data"), "-o", options, "-l",
             str(self.base / "log"), "-w", "start"],
            capture_output=True,
            check=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the private PostgreSQL server did not start")


def start_private_postgres(port: int | None = None, start: bool = True) -> PrivatePostgres:
    """A new server in a temporary folder on `port` (a free one if not given); with `start=False`, only its
    files: nothing listens until `start()`."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found: install Debian's 'postgresql' package (./dev test does)")
    base = Path(tempfile.mkdtemp(prefix="onewindow-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    os.chmod(base, 0o755)
    data = base / "data"
    subprocess.run(
        [*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"],
        capture_output=True,
        check=True,
    )
    port = port or free_port()
    server = PrivatePostgres(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", base, bindir, as_user, port)
    if start:
        try:
            server.start()
        except (RuntimeError, subprocess.CalledProcessError):
            server.stop()
            raise
    return server


PG_ENV = "ONEWINDOW_TEST_PG_URL"


def _psycopg_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@contextmanager
def postgres_server() -> Iterator[str]:
    """The admin URL of $ONEWINDOW_TEST_PG_URL's server if set, else of a private server started here."""
    given = os.environ.get(PG_ENV)
    if given:
        yield _psycopg_url(given)
        return
    server = start_private_postgres()
    try:
        yield server.url
    finally:
        server.stop()


@contextmanager
def scratch_database(admin_url: str, name: str, template: str | None = None) -> Iterator[str]:
    """A database created for the block (copied from `template` if given) and dropped after it."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
