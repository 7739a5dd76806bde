"""The schema as migrated matches the tables the code uses, on both databases."""

import os

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from caller.engine.identity import NAME_MAX_CHARS
from caller.queue.service import IssueRequest, QueueService
from caller.storage.database import Database, alembic_config, make_engine, migrate
from caller.storage.tables import metadata
from tests.pg_server import scratch_database


def test_migrations_produce_exactly_the_declared_schema(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)  # running it again is harmless
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_full_sync(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """An empty database (not copied from the migrated template)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    admin = request.getfixturevalue("pg_admin_url")
    with scratch_database(admin, f"onewindow_upgrade_{os.getpid()}") as url:
        yield url


def test_upgrading_a_database_that_holds_a_day_keeps_every_ticket_and_event(hall, empty_url, clock):
    engine = make_engine(empty_url)
    with engine.begin() as conn:  # the schema as it was before masked names grew to 64 characters
        config = alembic_config(empty_url)
        config.attributes["connection"] = conn
        command.upgrade(config, "0006")
        day_at_0006(conn, hall.hall.id, clock())  # what that release stored: today's code reads today's schema
    service = QueueService(hall, Database(engine, hall.hall.id), clock=clock)
    before = 4  # events written above
    migrate(engine)
    service.setup()
    assert service.last_event_id() == before and service.window_view(1).window.ticket_id == "t-a001"
    assert service.ticket("t-a002").ticket.status.value == "waiting"
    assert service.issue(IssueRequest("shebao", name="张" * NAME_MAX_CHARS)).ticket.number == "A004"
    service.open(2)
    assert service.call_next(2).ticket.id == "t-a002"  # the old day's tickets are called on as before
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again after the migration
    engine.dispose()


def day_at_0006(conn, hall_id, now):  # noqa: ANN001
    """Three 社保 tickets of today and A001 called to window 1, written into the 0006 schema's own tables."""
    import sqlalchemy as sa

    old = sa.MetaData()
    old.reflect(conn, only=["tickets", "windows", "events", "number_counters"])
    day = now.date()
    for n in (1, 2, 3):
        called = n == 1
        conn.execute(old.tables["tickets"].insert().values(
            hall=hall_id, public_id=f"t-a00{n}", service_day=day, number=f"A00{n}", category="shebao",
            priority="normal", status="called" if called else "waiting", window=1 if called else None, recalls=0,
            transfers=0, issued_at=now, queued_at=now, order_at=now, called_at=now if called else None,
            name_masked="张*", version=1 if called else 0))
        conn.execute(old.tables["events"].insert().values(hall=hall_id, service_day=day, type="ticket-issued", at=now,
                                                          number=f"A00{n}", category="shebao", data="{}"))
    conn.execute(old.tables["events"].insert().values(hall=hall_id, service_day=day, type="ticket-called", at=now,
                                                      number="A001", category="shebao", window=1, data="{}"))
    conn.execute(old.tables["number_counters"].insert().values(hall=hall_id, service_day=day, prefix="A", last=3))
    conn.execute(old.tables["windows"].insert().values(hall=hall_id, number=1, state="open", ticket_id="t-a001",
                                                       state_since=now, version=1))
