"""A board whose clock is hours or days off the caller's announces every live call, shows the caller's time in
the hall's zone, and judges a replayed call's freshness by the caller's time, which the stream carries."""

import datetime as dt
import threading

import pytest

from display.announcer import Announcer
from display.board_state import BoardState
from display.event_follower import EventFollower
from tests.caller.test_api import issue
from tests.conftest import MONDAY_9AM
from tests.display.board_ui import finish_board, start_board, wait_for_file
from tests.display.test_follower import until


class Board:
    """The board's follower, state and announcer, wired as the Kivy app wires them."""

    def __init__(self, base: str, token: str, tmp_path, last_id: int | None = None):
        self.state, self.lock = BoardState(), threading.Lock()
        self.announcer = Announcer(f"wav://{tmp_path / 'speech'}")
        self.follower = EventFollower(base, token, on_snapshot=self._snapshot, on_event=self._event, silence_s=3)
        if last_id is not None:  # a reconnect: the missed events are replayed, not snapshotted
            self.follower.last_id = last_id
            self.state.synced, self.state.last_event_id = True, last_id
        self.follower.start()

    def _snapshot(self, snapshot):
        with self.lock:
            self.state.resync(snapshot)

    def _event(self, event):
        with self.lock:
            for call in self.state.apply(event, self.follower.clock.now()):
                self.announcer.announce(call)

    def shows(self, number: str) -> bool:
        return self.state.latest is not None and self.state.latest.number == number

    def spoken(self) -> list[str]:
        self.announcer.wait_idle(30)
        return [call.number for call, _, _ in self.announcer.spoken]

    def stop(self) -> int:
        self.follower.stop()
        self.announcer.close()
        return self.state.last_event_id


@pytest.mark.clock
def test_a_replayed_call_is_announced_when_fresh_by_the_callers_clock_and_not_when_stale(live_sqlite, clock, tmp_path):
    caller = live_sqlite
    token = caller.headers("display") and caller.tokens["display"]
    for window in (3, 4, 5):
        caller.post(f"/api/v1/windows/{window}/open", "counter", window=window)
    for _ in range(3):
        issue(caller, "shebao")
    # the caller's clock stands at Monday 23 Nov 2026 09:00; this process's wall clock is wherever it is
    board = Board(caller.base, token, tmp_path / "live")
    assert until(lambda: board.follower.connected and board.follower.clock.synced)
    assert abs(board.follower.clock.now() - clock()) < dt.timedelta(seconds=5)
    caller.post("/api/v1/windows/3/call-next", "counter", window=3)
    assert until(lambda: board.shows("A001")) and board.spoken() == ["A001"]
    last_id = board.stop()

    caller.post("/api/v1/windows/4/call-next", "counter", window=4)  # missed: 20 s before the reconnect
    clock.advance(seconds=20)
    board = Board(caller.base, token, tmp_path / "replay", last_id)
    assert until(lambda: board.shows("A002")) and board.spoken() == ["A002"]
    last_id = board.stop()

    caller.post("/api/v1/windows/5/call-next", "counter", window=5)  # missed: 5 min before the reconnect
    clock.advance(minutes=5)
    board = Board(caller.base, token, tmp_path / "stale", last_id)
    assert until(lambda: board.shows("A003"))  # shown among the recent calls …
    assert board.spoken() == []  # … but not called out five minutes late
    board.stop()


OFFSETS = {"2 h ahead": dt.timedelta(hours=2), "2 h behind": dt.timedelta(hours=-2),
           "3 days ahead": dt.timedelta(days=3), "3 days behind": dt.timedelta(days=-3)}


@pytest.mark.clock
@pytest.mark.parametrize("offset", OFFSETS.values(), ids=OFFSETS.keys())
def test_the_kivy_board_with_its_clock_off_speaks_every_live_call_and_shows_the_callers_time(
        live_sqlite, clock, tmp_path, offset):
    caller = live_sqlite
    caller.headers("display")
    board_wall = MONDAY_9AM + offset  # the board's own clock, against the caller's Monday 09:00
    ready = tmp_path / "ready"
    process, result = start_board(
        {"caller_url": caller.base, "token": caller.tokens["display"], "announcer": f"wav://{tmp_path / 'speech'}"},
        [{"wait_connected": True}, {"signal": str(ready)}, {"wait_text": "A003"},
         {"wait_text": "09:00"}],  # the caller's time in the hall's zone (Asia/Shanghai), not the board's
        tmp_path / "board", wall_clock=board_wall)
    wait_for_file(ready)
    for window in (3, 4, 5):
        issue(caller)
        caller.post(f"/api/v1/windows/{window}/open", "counter", window=window)
        caller.post(f"/api/v1/windows/{window}/call-next", "counter", window=window)
    outcome = finish_board(process, result)
    assert outcome["error"] is None, outcome["log"]
    assert abs(outcome["wall_clock"] - board_wall.timestamp()) < 120  # it really ran on the shifted clock
    assert [number for number, _, _ in outcome["spoken"]] == ["A001", "A002", "A003"], outcome["log"]
