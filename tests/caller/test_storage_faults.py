"""Failing storage, with real faults: SQLite on a full tmpfs and on a read-only file, a PostgreSQL database
dropped mid-run, a PostgreSQL server that stops and starts again, and one with nothing listening at startup.
Every refused write is 503 {error, message}; health says the database is not writable; the caller starts
with one plain line and retries; the fault is logged a bounded number of times; nothing acknowledged is lost
and service resumes without a restart."""

import logging
import time

import pytest
import requests
from sqlalchemy import create_engine, event, text

from caller.auth import Role, TokenStore
from caller.storage.database import make_engine, migrate
from tests.caller.storage_faults import ReadOnly, fill, small_tmpfs
from tests.caller.test_api import problem
from tests.caller_process import CallerProcess
from tests.conftest import free_port, serving
from tests.pg_server import start_private_postgres

pytestmark = pytest.mark.slow


def issue(live):
    return live.post("/api/v1/tickets", "kiosk", json={"category": "shebao"})


def storage_lines(caplog):
    return [r for r in caplog.records if r.name == "caller.storage"]


def refused_while_down(live, attempts=40):
    """Issue while the storage is down: every answer is a 503 Problem (and what did succeed is returned)."""
    acknowledged = []
    for _ in range(attempts):
        answer = issue(live)
        if answer.status_code == 201:
            acknowledged.append(answer.json()["id"])
        else:
            problem(answer, 503, "storage_unavailable")
    return acknowledged


def test_sqlite_on_a_full_disk_refuses_with_503_says_so_and_resumes_once_there_is_room(hall, clock, tmp_path, caplog):
    with small_tmpfs(tmp_path / "disk") as disk, serving(hall, f"sqlite:///{disk / 'caller.sqlite'}", clock) as live:
        live.headers("kiosk")
        acknowledged = [issue(live).json()["id"] for _ in range(5)]
        filler = fill(disk)
        with caplog.at_level(logging.INFO):
            acknowledged += refused_while_down(live, 300)
            health = live.get("/api/v1/health")
            assert health.status_code == 503 and health.json()["database"]["writable"] is False
            assert health.json()["database"]["error"] == "full"
            assert live.get("/api/v1/health/live").json() == {"live": True}
        assert len(storage_lines(caplog)) <= 2  # one line for 300 refusals, not 300
        filler.unlink()
        after = issue(live)
        assert after.status_code == 201, after.text  # no restart
        time.sleep(2.1)  # the readiness probe is taken again after 2 s
        assert live.get("/api/v1/health").json()["ready"] is True
        for ticket_id in acknowledged:
            assert live.get(f"/api/v1/tickets/{ticket_id}").status_code == 200


def test_a_read_only_database_file_starts_with_one_plain_line_serves_reads_and_writes_once_writable(
        hall, clock, tmp_path):
    url = f"sqlite:///{tmp_path / 'caller.sqlite'}"
    with serving(hall, url, clock) as live:
        first = issue(live).json()["id"]
        store = live.app.state.tokens
        kiosk = {"Authorization": f"Bearer {store.create(Role.KIOSK)}"}
        display = {"Authorization": f"Bearer {store.create(Role.DISPLAY)}"}
    read_only = ReadOnly(tmp_path / "caller.sqlite")
    caller = CallerProcess(url, free_port(), tmp_path / "caller.log")
    try:
        caller.wait_live()
        for _ in range(50):
            problem(requests.post(caller.base + "/api/v1/tickets", json={"category": "shebao"}, headers=kiosk,
                                  timeout=5), 503, "storage_unavailable")
        queue = requests.get(caller.base + "/api/v1/queue", headers=display, timeout=5)
        assert queue.status_code == 200 and queue.json()["categories"]  # boards still read the queue
        health = requests.get(caller.base + "/api/v1/health", timeout=5)
        assert health.status_code == 503 and health.json()["database"]["readable"] is True
        assert health.json()["database"]["writable"] is False and health.json()["database"]["error"] == "read_only"
        log = caller.text()
        assert "Traceback" not in log, log
        assert len([line for line in log.splitlines() if "storage" in line]) == 1, log  # one plain line
        read_only.make_writable()
        caller.wait_ready()
        made = requests.post(caller.base + "/api/v1/tickets", json={"category": "shebao"}, headers=kiosk, timeout=5)
        assert made.status_code == 201, made.text  # no restart
        assert requests.get(f"{caller.base}/api/v1/tickets/{first}", timeout=5).status_code == 200  # nothing lost
    finally:
        caller.stop()
        read_only.remove()


def test_a_postgresql_database_dropped_mid_run_is_503_and_service_resumes_when_it_is_back(
        hall, clock, pg_admin_url, pg_template, pg_url, caplog):
    from sqlalchemy.engine import make_url

    name = make_url(pg_url).database
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with serving(hall, pg_url, clock) as live:
        assert issue(live).status_code == 201
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        with caplog.at_level(logging.INFO):
            assert refused_while_down(live) == []
            health = live.get("/api/v1/health")
            assert health.status_code == 503 and health.json()["database"]["readable"] is False
            assert health.json()["database"]["error"] in ("missing", "unreachable")
            time.sleep(1.5)  # the event hub polls meanwhile
        assert len(storage_lines(caplog)) <= 2, [r.getMessage() for r in storage_lines(caplog)]
        with admin.connect() as conn:  # restored (here: an empty migrated copy)
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
        live.tokens.clear()  # the tokens went with the database
        assert issue(live).status_code == 201
    admin.dispose()


def test_a_postgresql_server_that_stops_mid_run_loses_nothing_and_service_resumes_when_it_starts(
        hall, clock, caplog):
    server = start_private_postgres()
    try:
        engine = make_engine(server.url)
        migrate(engine)
        engine.dispose()
        with serving(hall, server.url, clock) as live:
            live.headers("kiosk")
            acknowledged = [issue(live).json()["id"] for _ in range(10)]
            server.halt()
            with caplog.at_level(logging.INFO):
                acknowledged += refused_while_down(live)
                health = live.get("/api/v1/health")
                assert health.status_code == 503 and health.json()["database"]["error"] == "unreachable"
                time.sleep(1.5)
            assert len(storage_lines(caplog)) <= 2, [r.getMessage() for r in storage_lines(caplog)]
            server.start()
            after = issue(live)
            assert after.status_code == 201 and after.json()["number"] == f"A{len(acknowledged) + 1:03d}"
            for ticket_id in acknowledged:
                assert live.get(f"/api/v1/tickets/{ticket_id}").json()["status"] == "waiting"
            assert any("available again" in r.getMessage() for r in storage_lines(caplog))
    finally:
        server.stop()


def test_a_postgresql_url_with_nothing_listening_at_startup_starts_plainly_and_becomes_ready(tmp_path):
    server = start_private_postgres(start=False)
    caller = CallerProcess(server.url, free_port(), tmp_path / "caller.log")
    try:
        caller.wait_live()
        problem(requests.get(caller.base + "/api/v1/categories", timeout=5), 503, "storage_unavailable")
        assert requests.get(caller.base + "/api/v1/health", timeout=5).json()["ready"] is False
        time.sleep(6)  # a retry or two
        log = caller.text()
        assert "Traceback" not in log, log
        assert len([line for line in log.splitlines() if "storage" in line]) == 1, log
        server.start()
        caller.wait_ready()
        engine = make_engine(server.url)
        token = TokenStore(engine, "sample").create(Role.KIOSK)
        engine.dispose()
        made = requests.post(caller.base + "/api/v1/tickets", json={"category": "shebao"},
                             headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert made.status_code == 201, made.text
    finally:
        caller.stop()
        server.stop()


def test_pooled_postgresql_connections_the_server_dropped_cost_no_request(hall, clock, pg_admin_url, pg_url,
                                                                         monkeypatch):
    """The pool no longer pings every connection it hands out (a round trip in each of a request's transactions,
    issue 15): a connection the server dropped since its last use fails its first statement, and the write, the
    read and the token lookup each go once more on a new connection, so nobody is refused for it. A connection
    idle for a while is pinged first."""
    from sqlalchemy.engine import make_url

    from caller.storage import database
    from caller.queue.service import IssueRequest
    from tests.conftest import make_service

    name = make_url(pg_url).database
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")

    def drop_connections() -> None:
        with admin.connect() as conn:
            dropped = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                        "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
            assert dropped.scalar() >= 1

    service = make_service(hall, pg_url, clock)
    tokens = TokenStore(service.db.engine, hall.hall.id, clock)
    try:
        token = tokens.create(Role.KIOSK)
        service.issue(IssueRequest("shebao"))
        for action in (lambda: service.issue(IssueRequest("shebao")), lambda: service.window_view(1),
                       lambda: tokens.verify(token)):
            drop_connections()
            assert action() is not None
        monkeypatch.setattr(database, "IDLE_BEFORE_PING_S", 0.0)
        drop_connections()
        seen: list[str] = []
        event.listen(service.db.engine, "handle_error", lambda context: seen.append(str(context.original_exception)))
        assert service.window_view(1) is not None
        assert seen == [], "an idle connection is pinged and replaced before use"
    finally:
        service.db.engine.dispose()
        admin.dispose()
