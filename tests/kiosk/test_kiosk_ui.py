"""The real Kivy kiosk under Xvfb, driven by simulated touches, against a real caller on loopback and
simulated devices at their connections (pty card reader, loopback printer, WAV speech)."""

import datetime as dt
import threading
import time
import wave

import pytest

from kiosk.hardware.simulated_card_reader import SimulatedCardReader
from kiosk.hardware.simulated_printer import SimulatedPrinter
from tests.conftest import MONDAY_9AM
from tests.kiosk.escpos_reader import read
from tests.kiosk.kiosk_ui import run_kiosk_script


class Hand:
    """A citizen's hand at the simulated reader, moved when the kiosk's script signals that its screen shows a
    step (tests/kiosk/kivy_driver.py writes SIGNALS/name)."""

    def __init__(self, reader: SimulatedCardReader, signals, moves: list):  # noqa: ANN001
        self.reader, self.signals, self.moves = reader, signals, moves
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _finds(self) -> int:
        return sum(1 for r in list(self.reader.requests) if r[:2] == b"\x20\x01")

    def _run(self) -> None:
        deadline = time.monotonic() + 90
        for signal, card in self.moves:
            while not (self.signals / signal).exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            if card is None:
                self.reader.remove()
                continue
            seen = self._finds()
            while self._finds() < seen + 2 and time.monotonic() < deadline:  # the kiosk found the reader empty
                time.sleep(0.05)
            self.reader.insert(**card)


@pytest.fixture
def caller(live_sqlite):
    live_sqlite.headers("kiosk")
    return live_sqlite


@pytest.mark.clock
def test_a_citizen_touches_through_a_whole_journey_and_leaves_with_a_printed_slip(caller, tmp_path):
    reader, printer = SimulatedCardReader(), SimulatedPrinter()
    hand = Hand(reader, tmp_path / "ui" / "signals",
                [("asked", dict(name="李秀英", birth=dt.date(1980, 5, 2), id_number="110105198005020027"))])
    try:
        outcome = run_kiosk_script(
            {"caller_url": caller.base, "token": caller.tokens["kiosk"], "printer": printer.url,
             "card_reader": reader.path, "speech": f"wav://{tmp_path / 'speech'}", "paper_mm": 58},
            [{"wait": "home"}, {"expect_text": "社保"}, {"expect_text": "09:00"}, {"tap": "category:shebao"},
             {"wait": "guide"}, {"expect_text": "居民身份证原件"}, {"tap": "take_number"}, {"wait": "id_card"},
             {"expect_text": "等待放置身份证"}, {"signal": "asked"}, {"wait": "done"},
             {"expect_text": "A001"}, {"shot": str(tmp_path / "done.png")}, {"tap": "home"}, {"wait": "home"}],
            tmp_path / "ui",
            wall_clock=MONDAY_9AM + dt.timedelta(days=2, hours=5),  # the kiosk's own clock is off; it shows the caller's
        )
    finally:
        hand.thread.join(timeout=5)
        reader.close()
        printer.close()
    assert outcome["error"] is None, outcome
    assert outcome["screens"][:4] == ["home", "guide", "id_card", "done"], outcome["log"]
    slip = read(bytes(printer.printed)).text
    assert "A001" in slip and "办事人：李**" in slip and "取号时间：2026-11-23 09:00" in slip
    ticket = caller.get("/api/v1/categories").json()
    assert sum(c["waiting"] for c in ticket) == 1
    spoken = sorted((tmp_path / "speech").glob("*.wav"))
    assert spoken
    with wave.open(str(spoken[-1])) as last:
        assert last.getnframes() / last.getframerate() > 2  # the number, read out
    assert (tmp_path / "done.png").stat().st_size > 15_000  # a real picture, not a black frame (~1 KB)


def test_a_wrong_typed_id_number_comes_back_as_typed_to_be_corrected_with_the_backspace(caller, tmp_path):
    reader = SimulatedCardReader()  # no card on it
    script = [{"wait": "home"}, {"tap": "category:yibao"}, {"wait": "guide"}, {"tap": "take_number"},
              {"wait": "id_card"}, {"tap": "type_id"}, {"wait": "typed_id"}]
    script += [{"tap": f"key:{d}"} for d in "110105195003070018"]  # the last digit is wrong
    script += [{"tap": "confirm"}, {"expect_text": "身份证号码有误"},
               {"expect_text": "110105 19500307 0018"},  # kept as typed, grouped 6-8-4 as on the card
               {"tap": "backspace"}, {"expect_text": "110105 19500307 001"}, {"tap": "key:9"}, {"tap": "confirm"},
               {"wait": "done"}, {"expect_text": "B001"}]
    try:
        outcome = run_kiosk_script({"caller_url": caller.base, "token": caller.tokens["kiosk"], "printer": "dummy://",
                                    "card_reader": reader.path, "speech": "none://"}, script, tmp_path / "ui")
    finally:
        reader.close()
    assert outcome["error"] is None, outcome
    assert sum(c["waiting"] for c in caller.get("/api/v1/categories").json()) == 1  # only the corrected one


def test_an_unreachable_caller_shows_out_of_service_and_the_kiosk_recovers_by_itself(hall, sqlite_url, clock, tmp_path):
    from tests.conftest import free_port, serve
    from caller.api.app import create_app
    from caller.settings import CallerSettings

    port = free_port()
    app = create_app(CallerSettings(database_url=sqlite_url), hall=hall, clock=clock)
    from caller.auth import Role

    token = app.state.tokens.create(Role.KIOSK, None)
    import threading

    started = {}

    def later():
        import time

        time.sleep(4)  # the kiosk starts with no caller, then the caller comes up
        started["server"] = serve(app, port)

    threading.Thread(target=later, daemon=True).start()
    outcome = run_kiosk_script({"caller_url": f"http://127.0.0.1:{port}", "token": token, "printer": "dummy://",
                                "speech": "none://"},
                               [{"wait": "message"}, {"expect_text": "系统连接中断"}, {"wait": "home", "timeout": 30}],
                               tmp_path / "ui")
    if "server" in started:
        started["server"][0].should_exit = True
    assert outcome["error"] is None, outcome


def test_every_screen_renders_by_day_and_at_night(tmp_path):
    """The screenshot tour (tests/kiosk/screenshots.py) at a smaller size: every screen is reached by touches
    and drawn — a picture with content, not a black or empty frame."""
    from PIL import Image, ImageStat

    from tests.kiosk import screenshots

    screenshots.main_into(tmp_path, sizes=(720, 1280), large_modes=(False,))
    shots = sorted(tmp_path.glob("kiosk-*.png"))
    assert len(shots) == 12, [s.name for s in shots]
    for shot in shots:
        image = Image.open(shot).convert("L")
        assert image.size == (720, 1280)
        assert ImageStat.Stat(image).stddev[0] > 20, shot.name  # text and buttons, not a blank screen


def test_an_appointment_qr_held_to_the_camera_is_checked_in_by_touch(caller, tmp_path):
    import random

    from kiosk.hardware.simulated_camera import blank_frame, qr_frame, write_sequence

    booked = caller.post("/api/v1/appointments", "kiosk", json={"category": "yibao", "id_number": "110105195003070019",
                                                               "slot_start": "2026-11-23T09:00:00+08:00"}).json()
    rng = random.Random(11)
    camera = write_sequence(tmp_path / "camera", [blank_frame(rng), blank_frame(rng), qr_frame(booked["code"], rng, tilt=0.05)])
    outcome = run_kiosk_script(
        {"caller_url": caller.base, "token": caller.tokens["kiosk"], "printer": "dummy://", "camera": camera,
         "speech": "none://"},
        [{"wait": "home"}, {"tap": "check_in"}, {"wait": "done"}, {"expect_text": "B001"}, {"expect_text": "医保"}],
        tmp_path / "ui",
    )
    assert outcome["error"] is None, outcome
    status = caller.get(f"/api/v1/appointments/{booked['code']}").json()
    assert status["status"] == "checked-in"


def test_a_card_left_on_the_reader_is_not_the_next_citizens_and_the_kiosk_asks_for_it_to_be_taken(caller, tmp_path):
    """Citizen 1 left 李四's card on the reader. Citizen 2 is told so, lifts it, places their own, takes a number,
    and is reminded to take the card back until they do."""
    reader, printer = SimulatedCardReader(), SimulatedPrinter()
    reader.insert(name="李四", birth=dt.date(1980, 5, 2), id_number="110105198005020027")
    hand = Hand(reader, tmp_path / "ui" / "signals",
                [("left-on", None), ("left-on", dict(name="王五", birth=dt.date(1990, 1, 1),
                                                     id_number="110105199001010010")), ("reminded", None)])
    try:
        outcome = run_kiosk_script(
            {"caller_url": caller.base, "token": caller.tokens["kiosk"], "printer": printer.url,
             "card_reader": reader.path, "speech": f"wav://{tmp_path / 'speech'}", "paper_mm": 58,
             "done_return_s": 4},
            [{"wait": "home"}, {"tap": "category:shebao"}, {"wait": "guide"}, {"tap": "take_number"},
             {"wait": "id_card"}, {"expect_text": "读卡区上已有一张身份证（李*）"}, {"signal": "left-on"},
             {"wait": "done"}, {"expect_text": "A001"}, {"expect_text": "请取回身份证"}, {"sleep": 8},
             {"expect_text": "请取回身份证"},  # still there after the screen's usual 4 s: it waits for the card
             {"signal": "reminded"}, {"expect_text": "身份证已取回"}, {"wait": "home"}],
            tmp_path / "ui",
        )
    finally:
        hand.thread.join(timeout=5)
        reader.close()
        printer.close()
    assert outcome["error"] is None, outcome
    slip = read(bytes(printer.printed)).text
    assert "办事人：王*" in slip and "李" not in slip
    assert sum(c["waiting"] for c in caller.get("/api/v1/categories").json()) == 1


def test_large_type_shows_its_state_at_once_warns_before_the_idle_reset_and_is_off_for_the_next_citizen(caller,
                                                                                                       tmp_path):
    outcome = run_kiosk_script(
        {"caller_url": caller.base, "token": caller.tokens["kiosk"], "printer": "dummy://", "speech": "none://",
         "idle_timeout_s": 14},
        [{"wait": "home"}, {"tap": "large_type"}, {"expect_text": "标准字号"},  # before: 大字模式 until the screen changed
         {"tap": "category:shebao"}, {"wait": "guide"}, {"expect_text": "标准字号"},
         {"expect_text": "秒后将返回首页", "timeout": 12},  # said and shown before the reset
         {"shot": str(tmp_path / "warned.png")}, {"wait": "home", "timeout": 15}, {"expect_text": "大字模式"},
         {"tap": "large_type"}, {"expect_text": "标准字号"},  # left on at the home screen ...
         {"expect_text": "大字模式", "timeout": 20}],  # ... it is off again after the idle time
        tmp_path / "ui",
    )
    assert outcome["error"] is None, outcome


def test_a_kiosk_out_of_paper_sends_citizens_to_the_desk_and_tells_the_desk_until_paper_is_in(caller, tmp_path):
    """The roll ends: the kiosk's screen points to the 咨询台, and the 咨询台 gets a 缺纸 notice naming the kiosk.
    Paper in: the kiosk issues again by itself and the notice clears."""
    reader, printer = SimulatedCardReader(), SimulatedPrinter()
    printer.paper_left = 0
    notices = caller.app.state.notices
    seen = {}

    def desk() -> None:
        deadline = time.monotonic() + 60
        while not (tmp_path / "ui" / "signals" / "out").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        while time.monotonic() < deadline:
            open_ = [(n.source, n.condition) for n in notices.open_notices()]
            if ("kiosk-3", "paper-out") in open_:
                seen["notice"] = open_
                break
            time.sleep(0.1)
        printer.load_paper()  # staff answer the notice

    helper = threading.Thread(target=desk, daemon=True)
    helper.start()
    try:
        outcome = run_kiosk_script(
            {"caller_url": caller.base, "token": caller.tokens["kiosk"], "printer": printer.url, "name": "kiosk-3",
             "card_reader": reader.path, "speech": "none://", "report_s": 1},
            [{"wait": "message"}, {"expect_text": "打印机缺纸，请到咨询台取号"}, {"signal": "out"},
             {"wait": "home", "timeout": 40}, {"sleep": 2}],
            tmp_path / "ui",
        )
    finally:
        helper.join(timeout=5)
        reader.close()
        printer.close()
    assert outcome["error"] is None, outcome
    assert seen["notice"] == [("kiosk-3", "paper-out")]  # the reader answered: no other notice
    assert [(n.source, n.condition) for n in notices.open_notices()] == []  # cleared by the kiosk's own report
