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
    service = QueueService(hall, Database(engine, hall.hall.id), clock=clock)
    service.setup()
    issued = [service.issue(IssueRequest("shebao", name="张三")).ticket for _ in range(3)]
    service.open(1)
    service.call_next(1)
    before = service.last_event_id()
    migrate(engine)
    assert service.last_event_id() == before and service.window_view(1).window.ticket_id == issued[0].id
    assert service.issue(IssueRequest("shebao", name="张" * NAME_MAX_CHARS)).ticket.number == "A004"
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again after the migration
    engine.dispose()
