"""Shared fixtures: the sample hall, a settable clock, SQLite and PostgreSQL databases, a live caller on loopback."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import uvicorn
from sqlalchemy.engine import make_url

from caller.api.app import create_app
from caller.auth import Role
from caller.hall import Hall, load_hall
from caller.queue.service import QueueService
from caller.settings import CallerSettings
from caller.storage.database import Database, make_engine, migrate
from tests.pg_server import free_port, postgres_server, scratch_database

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Under ONEWINDOW_TEST_CLOCK_SHIFT (seconds; .ci/run sets it) this process and every Python process the
    tests start run on the shifted wall clock (tests/shifted_clock/sitecustomize.py)."""
    if os.environ.get("ONEWINDOW_TEST_CLOCK_SHIFT"):
        import sys

        from tests import wall_clock

        os.environ.update(wall_clock.environment())  # children import the sitecustomize that shifts them
        if not hasattr(sys.modules.get("sitecustomize"), "_travel"):  # this process was started without it
            sys.path.insert(0, str(wall_clock.SHIFTED))
            sys.modules.pop("sitecustomize", None)
            import sitecustomize  # noqa: F401


def pytest_report_header(config: pytest.Config) -> str | None:
    if os.environ.get("ONEWINDOW_TEST_CLOCK_SHIFT"):
        return f"wall clock shifted to {dt.datetime.now().astimezone().isoformat(timespec='seconds')}"
    return None
# Monday 23 Nov 2026, 09:00 in the hall's time zone (Asia/Shanghai)
MONDAY_9AM = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)


class Clock:
    """A clock the tests move by hand; the engine only ever reads time through it."""

    def __init__(self, start: dt.datetime = MONDAY_9AM):
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self.now

    def advance(self, **delta: float) -> dt.datetime:
        with self._lock:
            self.now += dt.timedelta(**delta)
            return self.now

    def set(self, moment: dt.datetime) -> None:
        with self._lock:
            self.now = moment


@pytest.fixture(scope="session")
def hall() -> Hall:
    return load_hall(ROOT / "config" / "hall.toml")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A PostgreSQL server: $ONEWINDOW_TEST_PG_URL if given, else a private one started for this run."""
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def pg_template(pg_admin_url: str) -> Iterator[str]:
    """A migrated database that each test's database is copied from."""
    with scratch_database(pg_admin_url, f"onewindow_template_{os.getpid()}") as url:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield make_url(url).database


_names = itertools.count()


def new_pg_database(admin_url: str, template: str) -> contextlib.AbstractContextManager[str]:
    return scratch_database(admin_url, f"onewindow_t{os.getpid()}_{next(_names)}", template)


@pytest.fixture
def pg_url(pg_admin_url: str, pg_template: str) -> Iterator[str]:
    with new_pg_database(pg_admin_url, pg_template) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every test that takes this runs once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'caller.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'caller.sqlite'}"


def make_service(hall: Hall, url: str, clock: Clock, **kwargs) -> QueueService:
    engine = make_engine(url)
    migrate(engine)
    service = QueueService(hall, Database(engine, hall.hall.id), clock=clock, **kwargs)
    service.setup()
    return service


@pytest.fixture
def service(hall: Hall, db_url: str, clock: Clock) -> Iterator[QueueService]:
    svc = make_service(hall, db_url, clock)
    yield svc
    svc.db.engine.dispose()


@dataclass
class LiveCaller:
    """A caller app served by uvicorn on a loopback port, with a token for every role."""

    base: str
    app: object
    tokens: dict[str, str]

    def headers(self, role: str, window: int | None = None) -> dict[str, str]:
        key = f"counter:{window}" if role == "counter" else role
        if key not in self.tokens:
            store = self.app.state.tokens
            self.tokens[key] = store.create(Role(role), window)
        return {"Authorization": f"Bearer {self.tokens[key]}"}

    def post(self, path: str, role: str | None = None, window: int | None = None, **kwargs) -> requests.Response:
        headers = {**(self.headers(role, window) if role else {}), **kwargs.pop("headers", {})}
        return requests.post(self.base + path, headers=headers, timeout=10, **kwargs)

    def get(self, path: str, role: str | None = None, window: int | None = None, **kwargs) -> requests.Response:
        headers = {**(self.headers(role, window) if role else {}), **kwargs.pop("headers", {})}
        return requests.get(self.base + path, headers=headers, timeout=10, **kwargs)

    def put(self, path: str, role: str | None = None, window: int | None = None, **kwargs) -> requests.Response:
        headers = {**(self.headers(role, window) if role else {}), **kwargs.pop("headers", {})}
        return requests.put(self.base + path, headers=headers, timeout=10, **kwargs)


def serve(app, port: int, access_log: bool = False) -> tuple[uvicorn.Server, threading.Thread]:  # noqa: ANN001
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=access_log))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    return server, thread


def start_live_caller(hall: Hall, url: str, clock: Clock, access_log: bool = False,
                      **settings) -> tuple[LiveCaller, uvicorn.Server, threading.Thread]:
    app = create_app(CallerSettings(database_url=url, **settings), hall=hall, clock=clock)
    port = free_port()
    server, thread = serve(app, port, access_log)
    return LiveCaller(f"http://127.0.0.1:{port}", app, {}), server, thread


@contextlib.contextmanager
def serving(hall: Hall, url: str, clock: Clock, access_log: bool = False, **settings) -> Iterator[LiveCaller]:
    """A live caller on loopback, with settings of its own if given (e.g. demo=True)."""
    caller, server, thread = start_live_caller(hall, url, clock, access_log, **settings)
    try:
        yield caller
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live(hall: Hall, db_url: str, clock: Clock) -> Iterator[LiveCaller]:
    with serving(hall, db_url, clock) as caller:
        yield caller


@pytest.fixture
def live_sqlite(hall: Hall, sqlite_url: str, clock: Clock) -> Iterator[LiveCaller]:
    """A live caller on SQLite only: for the UI tests, which talk HTTP (the API tests cover PostgreSQL)."""
    with serving(hall, sqlite_url, clock) as caller:
        yield caller


@pytest.fixture
def shot(tmp_path: Path):
    """Where a test saves a screenshot: tmp_path, or docs/screenshots when ONEWINDOW_SHOTS names a folder
    (`ONEWINDOW_SHOTS=docs/screenshots ./dev test tests/display tests/web` regenerates the committed ones)."""
    import os

    folder = Path(os.environ["ONEWINDOW_SHOTS"]).resolve() if os.environ.get("ONEWINDOW_SHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return lambda name: folder / name
