"""The phone page followed live (the citizen's phone issue): one stream per page, which sends the ticket again
whenever the queue moved it — no polling — on SQLite and PostgreSQL; a forged code is refused before it opens."""

import json
import threading
import time

import requests

from tests.caller.test_api import issue, problem
from tests.conftest import serving


def follow(live, code, into):
    """Read the stream's `ticket` events into a list, in a thread; returns the response to close."""
    answer = requests.post(live.base + "/api/v1/tickets/by-code/follow", json={"code": code}, stream=True,
                           timeout=(3, 30))

    def read():
        event = None
        try:
            for line in answer.iter_lines(decode_unicode=True):
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "ticket":
                    into.append(json.loads(line[5:].strip()))
        except Exception:  # noqa: BLE001 - the test closed the stream
            pass

    threading.Thread(target=read, daemon=True).start()
    return answer


def until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)
    return condition()


def test_the_page_is_told_each_move_of_its_ticket_until_it_is_called(hall, db_url, clock):
    with serving(hall, db_url, clock, sse_ping_s=0.5) as live:
        told_each_move(live)


def told_each_move(live):
    for _ in range(2):
        issue(live, "shebao")
    mine = issue(live, "shebao").json()
    seen = []
    stream = follow(live, mine["phone_code"], seen)
    try:
        assert until(lambda: seen) and seen[0]["ticket"]["ahead"] == 2 and seen[0]["remind_ahead"] == 3
        live.post("/api/v1/windows/3/open", "counter", window=3)
        live.post("/api/v1/windows/3/call-next", "counter", window=3)
        assert until(lambda: seen[-1]["ticket"]["ahead"] == 1)
        issue(live, "yibao")  # another matter: this ticket did not move, nothing is sent
        live.post("/api/v1/windows/3/finish", "counter", window=3)
        live.post("/api/v1/windows/3/call-next", "counter", window=3)
        assert until(lambda: seen[-1]["ticket"]["ahead"] == 0)
        live.post("/api/v1/windows/3/finish", "counter", window=3)
        live.post("/api/v1/windows/3/call-next", "counter", window=3)
        assert until(lambda: seen[-1]["ticket"]["status"] == "called")
        assert seen[-1]["ticket"]["window"] == 3
        aheads = [s["ticket"]["ahead"] for s in seen if s["ticket"]["status"] == "waiting"]
        assert aheads == sorted(aheads, reverse=True) and len(seen) == len({json.dumps(s) for s in seen})
    finally:
        stream.close()  # returns at the next keep-alive
    problem(requests.post(live.base + "/api/v1/tickets/by-code/follow", json={"code": mine["phone_code"] + "x"},
                          timeout=5), 400, "invalid_code")
