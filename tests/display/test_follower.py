"""The board's event follower and announcer against a live caller: calls arrive, are spoken in order, and a
restarted caller is noticed and caught up with."""

import threading
import time

import pytest

from caller.api.app import create_app
from caller.settings import CallerSettings
from display.announcer import Announcer
from display.board_state import BoardState
from display.event_follower import EventFollower
from tests.caller.test_api import issue
from tests.conftest import free_port, serve

pytestmark = pytest.mark.clock  # the follower and announcer on this machine's clock


def until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def follow(base, token, tmp_path, silence_s=3):
    board, lock = BoardState(), threading.Lock()
    announcer = Announcer(f"wav://{tmp_path / 'speech'}")

    def on_snapshot(snapshot):
        with lock:
            board.resync(snapshot)

    def on_event(event):
        with lock:
            for call in board.apply(event):
                announcer.announce(call)

    follower = EventFollower(base, token, on_snapshot=on_snapshot, on_event=on_event, silence_s=silence_s)
    follower.start()
    return board, announcer, follower


def test_calls_reach_the_board_and_are_spoken_in_order(live, clock, tmp_path):
    live.headers("display")
    board, announcer, follower = follow(live.base, live.tokens["display"], tmp_path)
    assert until(lambda: follower.connected)
    for category in ("shebao", "yibao", "shebao"):
        issue(live, category)
        clock.advance(seconds=10)
    for window in (3, 4, 5):
        live.post(f"/api/v1/windows/{window}/open", "counter", window=window)
        live.post(f"/api/v1/windows/{window}/call-next", "counter", window=window)
    assert until(lambda: board.windows[5].current == "A002")
    assert announcer.wait_idle(30) and until(lambda: len(announcer.spoken) == 3)
    assert [(c.number, c.window) for c, _, _ in announcer.spoken] == [("A001", 3), ("B001", 4), ("A002", 5)]
    assert board.waiting["shebao"] == 0 and board.waiting["yibao"] == 0
    follower.stop()
    announcer.close()


def test_a_restarted_caller_is_shown_as_lost_then_the_missed_call_is_caught_up(hall, sqlite_url, clock, tmp_path):
    port = free_port()
    app = create_app(CallerSettings(database_url=sqlite_url), hall=hall, clock=clock)
    from caller.auth import Role

    display, counter = app.state.tokens.create(Role.DISPLAY), app.state.tokens.create(Role.ADMIN)
    server, thread = serve(app, port)
    base = f"http://127.0.0.1:{port}"
    board, announcer, follower = follow(base, display, tmp_path, silence_s=2)
    assert until(lambda: follower.connected)
    server.should_exit = True  # the caller stops (a restart)
    thread.join(timeout=10)
    assert until(lambda: not follower.connected, 10)
    second = create_app(CallerSettings(database_url=sqlite_url), hall=hall, clock=clock)  # same database
    server, thread = serve(second, port)
    import requests

    headers = {"Authorization": f"Bearer {counter}"}
    requests.post(base + "/api/v1/tickets", json={"category": "minzheng"}, headers=headers, timeout=5)
    requests.post(base + "/api/v1/windows/2/open", headers=headers, timeout=5)
    requests.post(base + "/api/v1/windows/2/call-next", headers=headers, timeout=5)
    assert until(lambda: follower.connected, 15)
    assert until(lambda: board.windows.get(2) is not None and board.windows[2].current == "C001", 15)
    assert announcer.wait_idle(30) and [c.number for c, _, _ in announcer.spoken] == ["C001"]
    assert follower.reconnects >= 1
    follower.stop()
    announcer.close()
    server.should_exit = True
    thread.join(timeout=10)


def test_the_board_redraws_its_windows_when_the_back_office_changes_the_hall(live, tmp_path):
    live.headers("display")
    board, announcer, follower = follow(live.base, live.tokens["display"], tmp_path)
    assert until(lambda: follower.connected and 3 in board.windows)
    hall = live.get("/api/v1/office/hall", "admin").json()["hall"]
    next(w for w in hall["windows"] if w["number"] == 3)["name"] = "综合受理 3 号窗（延时服务）"
    saved = live.put("/api/v1/office/hall", "admin", json={"hall": hall, "base_version": 1})
    assert saved.status_code == 200, saved.text
    assert until(lambda: board.windows[3].name == "综合受理 3 号窗（延时服务）", seconds=8)  # not the minute's resync
    follower.stop()
