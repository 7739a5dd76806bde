"""The board reports itself to the 咨询台 (issue 11): its heartbeat, and its announcer failing and recovering, with
the real announcer writing WAV files and the real follower's HTTP session against a caller on loopback."""

import shutil
import time

from display.announcer import Announcer, Call
from display.event_follower import EventFollower
from display.runner import board_reporter
from display.settings import DisplaySettings


def open_board_notices(live):
    return sorted(n.condition for n in live.app.state.notices.open_notices() if n.source == "board-hall2")


def wait_for(condition, timeout_s=15):
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_the_board_reports_its_announcer_failing_and_recovering(live_sqlite, tmp_path):
    live = live_sqlite
    speech = tmp_path / "speech"
    announcer = Announcer(f"wav://{speech}", repeat=1)
    follower = EventFollower(live.base, _display_token(live),
                             on_snapshot=lambda _s: None, on_event=lambda _e: None)
    settings = DisplaySettings(name="board-hall2", report_s=600)
    reporter = board_reporter(settings, follower, announcer).start()
    try:
        devices = live.app.state.service.db
        assert wait_for(lambda: _seen(devices, "board-hall2"))  # the heartbeat at start
        assert open_board_notices(live) == []
        shutil.rmtree(speech)
        speech.write_text("the sound output is gone")  # where the sound goes can no longer be written
        announcer.announce(Call("A001", 3))
        assert announcer.wait_idle(30) and announcer.failing
        assert wait_for(lambda: open_board_notices(live) == ["announcer-failed"])  # at once, not in 600 s
        speech.unlink()
        speech.mkdir()
        announcer.announce(Call("A002", 3))
        assert announcer.wait_idle(30) and not announcer.failing
        assert wait_for(lambda: open_board_notices(live) == [])
    finally:
        reporter.stop()
        announcer.close()


def _display_token(live):
    live.headers("display")
    return live.tokens["display"]


def _seen(db, name):
    with db.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM devices WHERE name = ?", (name,)).scalar_one() == 1
