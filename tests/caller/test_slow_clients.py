"""2,000 slow-loris and idle connections against `onewindow caller` as it runs in production: kiosks and
counters keep working, with Debian's default limit of open files (soft 1,024) and even with a hard limit of
1,024 that the caller cannot raise; the caller's log stays short. (Latency figures: tests/bench/slow_clients.py.)"""

import resource
import time

import pytest
import requests

from caller.auth import Role, TokenStore
from caller.storage.database import make_engine, migrate
from kiosk.client import CallerClient
from tests.caller_process import CallerProcess
from tests.conftest import free_port
from tests.slow_clients import Attack

pytestmark = pytest.mark.slow


def tokens(url):
    engine = make_engine(url)
    migrate(engine)
    store = TokenStore(engine, "sample")
    made = {"kiosk": store.create(Role.KIOSK), "counter": store.create(Role.COUNTER, 1)}
    engine.dispose()
    return {role: {"Authorization": f"Bearer {token}"} for role, token in made.items()}


HARD = resource.getrlimit(resource.RLIMIT_NOFILE)[1]


@pytest.mark.parametrize("open_files", [(1024, HARD), (1024, 1024)], ids=["debian-default", "hard-limit-1024"])
def test_kiosks_and_counters_keep_working_under_two_thousand_slow_connections(tmp_path, open_files):
    url = f"sqlite:///{tmp_path / 'caller.sqlite'}"
    headers = tokens(url)
    port = free_port()
    caller = CallerProcess(url, port, tmp_path / "caller.log", settings={"ONEWINDOW_HEADER_TIMEOUT_S": "2"},
                           open_files=open_files)
    attack = None
    kiosks_token = headers["kiosk"]["Authorization"].removeprefix("Bearer ")
    issued, called = [], []
    try:
        caller.wait_live()
        assert requests.post(caller.base + "/api/v1/windows/1/open", headers=headers["counter"], timeout=5).ok
        attack = Attack("127.0.0.1", port, connections=2000, seconds=25).start()
        attack.wait_open(0.5)
        for _ in range(2):  # at once, and again once the first slow ones have been cut off and come back
            for _ in range(20):
                # each on a new connection, through the kiosk's own client: it retries a request that got no
                # answer with the same Idempotency-Key (under this attack the caller may close a connection
                # before it has read it; the retry must give one ticket, never two)
                kiosk = CallerClient(caller.base, kiosks_token, timeout_s=5)
                issued.append(kiosk.issue("shebao")["id"])
                kiosk.session.close()
                answer = requests.post(caller.base + "/api/v1/windows/1/call-next", headers=headers["counter"],
                                       timeout=5)
                assert answer.status_code == 200, answer.text
                called.append(answer.json()["ticket"]["id"])
                assert requests.post(caller.base + "/api/v1/windows/1/finish", headers=headers["counter"],
                                     timeout=5).ok
            deadline = time.monotonic() + 10
            while attack.closed_by_server < 1000 and time.monotonic() < deadline:
                time.sleep(0.2)
        assert len(set(issued)) == 40 and called == issued  # one ticket per kiosk press, each called once
        assert attack.peak_open >= 1000 and attack.closed_by_server >= 1000  # a real attack, and it was cut off
    finally:
        if attack:
            attack.stop()
        caller.stop()
    log = caller.text().splitlines()
    assert len(log) < 40, "\n".join(log[:60])  # a bounded log, not a line per refused connection
    assert not any("Traceback" in line for line in log), "\n".join(log[:60])
