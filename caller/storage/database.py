"""Opening the database: engines for SQLite (WAL, one writer) and PostgreSQL, migrations and transactions."""

from __future__ import annotations

import datetime as dt
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from caller.storage import tables
from caller.storage.faults import classify

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    """An engine for a SQLite file or a PostgreSQL server, tuned for the caller's write pattern."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _tune_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_when_idle(engine)
    return engine


IDLE_BEFORE_PING_S = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled PostgreSQL connection before use only if it sat idle `IDLE_BEFORE_PING_S` (a server restarted
    overnight, a firewall that dropped it): pinging at every checkout cost a round trip in each of a request's
    transactions (issue 15). A connection broken since its last use fails its first statement instead; SQLAlchemy
    then renews the whole pool, and a write retries once on a fresh connection (Transactions.write)."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):  # noqa: ANN001
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):  # noqa: ANN001
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)  # the dialect's own ping, outside any transaction
        except Exception as exc:  # noqa: BLE001 - any failure means this connection is unusable
            raise DisconnectionError(f"a pooled connection idle since a while no longer answers: {exc}") from exc


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy emit BEGIN itself, so that writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """Transactions over one engine. Writers are serialised per hall so that event ids commit in order."""

    def __init__(self, engine: Engine, hall_id: str):
        self.engine = engine
        self.hall_id = hall_id
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._local_writer = threading.Lock()  # SQLite has one writer; don't make threads spin on busy
        self._hall_lock_key = zlib.crc32(f"onewindow:{hall_id}".encode())

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed on success, rolled back on any exception."""
        if self.is_sqlite:
            with self._local_writer, self.engine.connect() as conn:
                conn.execution_options(write=True)
                with conn.begin():
                    yield conn
        else:
            with self.engine.connect() as conn, conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @property
    def event_lock(self) -> int | None:
        """The hall's event lock on PostgreSQL (an advisory lock held to the commit, taken as a transaction stores
        its events: caller/storage/event_rows.py), so event ids become visible in id order; None on SQLite, where
        one writer at a time holds the database."""
        return None if self.is_sqlite else self._hall_lock_key

    def recycle(self) -> None:
        """Drop the pooled connections after a storage fault: a SQLite connection opened on a read-only file
        stays read-only, and a PostgreSQL one may point at a server that restarted. New ones are opened as
        needed; connections in use are closed when they come back."""
        self.engine.dispose()

    def probe(self, now: dt.datetime) -> StorageState:
        """Whether the database answers a read and takes a write now (the write touches one row of
        `health_probes`: a full disk or a read-only file refuses it)."""
        try:
            with self.read() as conn:
                conn.execute(select(tables.health_probes.c.hall).limit(1)).first()
        except Exception as exc:  # noqa: BLE001 - health reports any failure, as a kind of fault
            self.recycle()
            return StorageState(False, False, classify(exc))
        try:
            with self.write() as conn:
                table = tables.health_probes
                moved = conn.execute(update(table).where(table.c.hall == self.hall_id).values(probed_at=now))
                if moved.rowcount == 0:
                    conn.execute(insert(table).values(hall=self.hall_id, probed_at=now))
        except Exception as exc:  # noqa: BLE001
            self.recycle()
            return StorageState(True, False, classify(exc))
        return StorageState(True, True, None)


@dataclass(frozen=True)
class StorageState:
    readable: bool
    writable: bool
    error: str | None  # when not both: full, read_only, unreachable, missing or failing (the log says more)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (safe to run from several processes on PostgreSQL).

    On SQLite, foreign keys are off while migrating (a column change copies the table, and dropping the old
    copy would fail the events that refer to it) and checked before the commit."""
    url = engine.url.render_as_string(hide_password=False)
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:  # a PRAGMA that only works outside a transaction
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(7301)"))
                config = alembic_config(url)
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("a migration left rows whose foreign keys point nowhere; nothing was changed")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
