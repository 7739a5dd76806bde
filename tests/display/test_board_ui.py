"""The real Kivy board under Xvfb against a live caller: calls shown and spoken, a burst, a lost stream,
night, and window mode — each with a screenshot that has content."""

import datetime as dt

import pytest
from PIL import Image, ImageStat

from tests.caller.test_api import issue
from tests.display.board_ui import finish_board, start_board, wait_for_file

pytestmark = pytest.mark.clock  # the board runs on this machine's clock against a fixed caller clock


@pytest.fixture
def caller(live_sqlite):
    live_sqlite.headers("display")
    return live_sqlite


def has_content(path):
    return ImageStat.Stat(Image.open(path).convert("L")).stddev[0] > 15


def call(live, window):
    live.post(f"/api/v1/windows/{window}/open", "counter", window=window)
    return live.post(f"/api/v1/windows/{window}/call-next", "counter", window=window).json()


def test_calls_show_on_the_board_and_are_spoken_then_a_burst_of_fifty(caller, clock, tmp_path, shot):
    ready = tmp_path / "ready"
    process, result = start_board(
        {"caller_url": caller.base, "token": caller.tokens["display"], "announcer": f"wav://{tmp_path / 'speech'}"},
        [{"wait_connected": True}, {"signal": str(ready)}, {"wait_text": "A001"}, {"shot": str(shot("board.png"))},
         {"wait_text": "A050", "timeout": 60}, {"shot": str(shot("board-burst.png"))},
         {"wait_said": True, "timeout": 120}, {"sleep": 0.3}],  # the panel shows the last calls as they are said
        tmp_path / "board")
    wait_for_file(ready)
    for _ in range(50):
        issue(caller)
        clock.advance(seconds=1)
    call(caller, 3)
    for n in range(49):  # a burst: 49 more calls within about a second
        window = 1 + n % 6
        caller.post(f"/api/v1/windows/{window}/open", "counter", window=window)
        caller.post(f"/api/v1/windows/{window}/finish", "counter", window=window)
        caller.post(f"/api/v1/windows/{window}/call-next", "counter", window=window)
    outcome = finish_board(process, result, timeout_s=180)
    assert outcome["error"] is None, outcome["log"]
    spoken = [number for number, _, _ in outcome["spoken"]]
    assert spoken == [f"A{n:03d}" for n in range(1, 51)]  # all fifty, in order
    assert outcome["panel_seen"] == spoken  # the big panel showed each call as it was said, not the burst's last
    assert has_content(shot("board.png")) and has_content(shot("board-burst.png"))


def test_the_big_panel_clears_after_its_flash_and_no_shows_are_listed(caller, clock, tmp_path, shot):
    ready, cleared = tmp_path / "ready", tmp_path / "cleared"
    process, result = start_board(
        {"caller_url": caller.base, "token": caller.tokens["display"], "announcer": "none://", "flash_s": 1,
         "hold_s": 1},
        [{"wait_connected": True}, {"signal": str(ready)}, {"wait_text": "到 3 号窗口办理"}, {"wait_text": "社保"},
         {"wait_text": "欢迎光临", "timeout": 10},  # before: 请 A001 到 3 号窗口办理 stayed up for good
         {"signal": str(cleared)}, {"wait_text": "过号：A002"}, {"shot": str(shot("board-no-shows.png"))}],
        tmp_path / "board")
    wait_for_file(ready)
    issue(caller)
    issue(caller)
    call(caller, 3)
    wait_for_file(cleared)
    counter = {"role": "counter", "window": 3}
    caller.post("/api/v1/windows/3/finish", **counter)
    caller.post("/api/v1/windows/3/call-next", **counter)
    for _ in range(2):
        caller.post("/api/v1/windows/3/recall", **counter)
    assert caller.post("/api/v1/windows/3/no-show", **counter).status_code == 200
    outcome = finish_board(process, result)
    assert outcome["error"] is None, outcome["log"]
    assert has_content(shot("board-no-shows.png"))


def test_a_lost_stream_is_shown_and_the_board_recovers(hall, sqlite_url, clock, tmp_path, shot):
    from caller.api.app import create_app
    from caller.auth import Role
    from caller.settings import CallerSettings
    from tests.conftest import free_port, serve

    port = free_port()
    app = create_app(CallerSettings(database_url=sqlite_url), hall=hall, clock=clock)
    token = app.state.tokens.create(Role.DISPLAY)
    server, thread = serve(app, port)
    lost = tmp_path / "lost"
    process, result = start_board(
        {"caller_url": f"http://127.0.0.1:{port}", "token": token, "announcer": "none://", "silence_s": 2},
        [{"wait_connected": True}, {"signal": str(tmp_path / "connected")}, {"wait_disconnected": True},
         {"shot": str(shot("board-disconnected.png"))}, {"signal": str(lost)}, {"wait_connected": True, "timeout": 30}],
        tmp_path / "board")
    wait_for_file(tmp_path / "connected")
    server.should_exit = True
    thread.join(timeout=10)
    wait_for_file(lost)
    server, thread = serve(create_app(CallerSettings(database_url=sqlite_url), hall=hall, clock=clock), port)
    outcome = finish_board(process, result)
    server.should_exit = True
    thread.join(timeout=10)
    assert outcome["error"] is None, outcome["log"]
    assert has_content(shot("board-disconnected.png"))


def test_window_mode_and_night(caller, clock, tmp_path, shot):
    issue(caller)
    call(caller, 3)
    process, result = start_board(
        {"caller_url": caller.base, "token": caller.tokens["display"], "announcer": "none://", "window": 3,
         "width": 800, "height": 480},
        [{"wait_text": "A001"}, {"shot": str(shot("board-window-mode.png"))}], tmp_path / "window")
    outcome = finish_board(process, result)
    assert outcome["error"] is None, outcome["log"]
    clock.set(dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.timezone.utc))  # 21:00
    caller.post("/api/v1/windows/3/finish", "counter", window=3)
    process, result = start_board(
        {"caller_url": caller.base, "token": caller.tokens["display"], "announcer": "none://"},
        [{"wait_text": "24小时自助服务区"}, {"shot": str(shot("board-night.png"))}], tmp_path / "night")
    outcome = finish_board(process, result)
    assert outcome["error"] is None, outcome["log"]
    assert has_content(shot("board-window-mode.png")) and has_content(shot("board-night.png"))
