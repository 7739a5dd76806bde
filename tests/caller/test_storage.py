"""The schema as migrated matches the tables the code uses, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from caller.storage.database import make_engine, migrate
from caller.storage.tables import metadata


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
