"""The kiosk's journeys against a real caller on loopback with simulated devices at their connections:
a card reader on a pty, a network printer on loopback, QR frames through cv2.VideoCapture, WAV speech."""

import datetime as dt
import random
import wave

import numpy as np
import pytest
import zxingcpp

from kiosk.client import CallerClient, CallerUnavailable, Refused
from kiosk.hardware.camera import QrScanner
from kiosk.hardware.card_reader import CardReader
from kiosk.hardware.printer import open_printer
from kiosk.hardware.simulated_camera import blank_frame, qr_frame, write_sequence
from kiosk.hardware.simulated_card_reader import SimulatedCardReader
from kiosk.hardware.simulated_printer import SimulatedPrinter
from kiosk.hardware.speech import Speaker
from kiosk.journey import Devices, Journey, Mode
from tests.kiosk.escpos_reader import read

pytestmark = pytest.mark.clock  # the kiosk journey: age rule, slip time
PUBLIC = "https://zwfw.example.test/yc"


@pytest.fixture
def rig(live, tmp_path):
    reader, printer_device = SimulatedCardReader(), SimulatedPrinter()
    speaker = Speaker(f"wav://{tmp_path / 'speech'}")
    live.headers("kiosk")
    client = CallerClient(live.base, live.tokens["kiosk"], timeout_s=3)
    devices = Devices(open_printer(printer_device.url, paper_mm=58), CardReader(reader.path, timeout_s=1), None, speaker)
    # its clock is the caller's (Monday 23 Nov 2026, 09:00); its slips' QR codes send phones to the hall's public entry
    journey = Journey(client, devices, paper_mm=58, public_url=PUBLIC)
    yield journey, reader, printer_device, speaker, live
    speaker.close()
    reader.close()
    printer_device.close()



def test_an_elderly_citizen_reads_the_card_gets_the_green_channel_a_slip_and_a_voice(rig):
    journey, reader, printer, speaker, live = rig
    assert journey.home().mode is Mode.DAY
    reader.insert(name="张三", birth=dt.date(1950, 3, 7), id_number="110105195003070019")
    card = journey.read_card()
    outcome = journey.take_number("shebao", card=card)
    assert outcome.printed and outcome.green and outcome.number == "A001"
    slip = read(bytes(printer.printed)).text
    assert "A001" in slip and "社保（绿色通道）" in slip and "办事人：张*" in slip and "张三" not in slip
    assert "取号时间：2026-11-23 09:00" in slip  # the caller's time in the hall's zone, whatever this machine's says
    (qr,) = read(bytes(printer.printed)).images
    (decoded,) = zxingcpp.read_barcodes(np.array(qr.convert("L")))
    base, _, code = decoded.text.partition("/t#")  # the phone page, its code in the fragment: never in an address
    assert base == PUBLIC and code and outcome.ticket_id not in decoded.text
    assert live.post("/api/v1/tickets/by-code", json={"code": code}).json()["ticket"]["number"] == "A001"
    assert "110105195003070019" not in slip and "居民身份证原件" in slip
    ticket = live.get(f"/api/v1/tickets/{outcome.ticket_id}").json()
    assert ticket["priority"] == "green"
    assert live.get("/api/v1/tickets/unprinted", "counter", window=1).json() == []
    assert speaker.wait_idle(30)
    with wave.open(str(speaker.written[-1])) as said:
        assert said.getnframes() / said.getframerate() > 2.5  # "请取走您的号票。您的号码是 A 零零一 …"


def test_paper_running_out_mid_slip_leaves_the_ticket_queued_and_marked_for_reprint(rig):
    journey, reader, printer, speaker, live = rig
    journey.home()
    printer.paper_left = 200
    outcome = journey.take_number("yibao", typed_id="110105195502010010")
    assert not outcome.printed and "补打" in outcome.message
    assert [t["number"] for t in live.get("/api/v1/tickets/unprinted", "counter", window=1).json()] == [outcome.number]
    assert journey.home().mode is Mode.OUT_OF_SERVICE  # no paper: the home screen stops issuing
    printer.load_paper()
    assert journey.home().mode is Mode.DAY


def test_a_retry_after_a_lost_answer_gets_the_same_ticket_not_a_second(rig):
    journey, reader, printer, speaker, live = rig
    journey.home()
    journey.client.issue("minzheng", key="journey-42")  # the caller issued it, the answer never arrived
    outcome = journey.take_number("minzheng", key="journey-42")  # the kiosk retries the same journey
    assert outcome.number == "C001"
    assert sum(c["waiting"] for c in live.get("/api/v1/categories").json()) == 1


def test_an_unreachable_caller_is_out_of_service_and_issues_nothing(rig):
    journey, *_ = rig
    journey.client = CallerClient("http://127.0.0.1:9", "x", timeout_s=0.3, attempts=2)
    assert journey.home().mode is Mode.OUT_OF_SERVICE
    with pytest.raises(CallerUnavailable):
        journey.take_number("shebao")


def test_a_typed_id_with_a_wrong_check_digit_is_refused_before_anything_is_issued(rig):
    journey, reader, printer, speaker, live = rig
    journey.home()
    with pytest.raises(Refused) as caught:
        journey.take_number("shebao", typed_id="110105195003070018")
    assert caught.value.code == "invalid_id_number" and not printer.printed


def test_appointment_check_in_by_camera_and_its_refusals(rig, tmp_path, clock):
    journey, reader, printer, speaker, live = rig
    journey.home()
    slot = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    booking = journey.book("yibao", slot.isoformat(), typed_id="110105195003070019")
    code = booking["code"]
    slip = read(bytes(printer.printed))  # the 预约凭证, its QR code holding the booking's code
    assert booking["printed"] and "预约凭证" in slip.text and "预约人：1101**********0019" in slip.text
    (qr,) = slip.images
    assert zxingcpp.read_barcodes(np.array(qr.convert("L")))[0].text == code
    printer.printed.clear()
    with pytest.raises(Refused) as unnamed:
        journey.book("yibao", slot.isoformat(), typed_id="110105195003070018")
    assert unnamed.value.code == "invalid_id_number"
    rng = random.Random(3)
    journey.devices.scanner = QrScanner(write_sequence(tmp_path / "cam", [blank_frame(rng), qr_frame(code, rng, blur=1)]))
    scanned = journey.scan_code(5)
    assert scanned == code
    outcome = journey.check_in(scanned)
    assert outcome.printed and outcome.number == "B001" and "预约" in read(bytes(printer.printed)).text
    with pytest.raises(Refused) as again:
        journey.check_in(scanned)
    assert again.value.code == "appointment_used" and "B001" in again.value.chinese
    with pytest.raises(Refused) as forged:
        journey.check_in(code[:-3] + "abc")
    assert forged.value.code == "invalid_code"
    assert "已签到" in journey.status_text(code)
    assert "B001" in journey.status_text(outcome.ticket_id)


def test_after_hours_the_kiosk_turns_to_the_24_hour_zone(rig, clock):
    journey, *_ = rig
    clock.set(dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.timezone.utc))  # 21:00 in Shanghai
    view = journey.home()
    assert view.mode is Mode.NIGHT and view.hall["next_issuing_day"] == "2026-11-24"


def test_the_device_self_test_says_plainly_what_works_and_what_does_not():
    import subprocess
    import sys

    from tests.conftest import ROOT

    good = subprocess.run([sys.executable, "-m", "caller.cli", "devices", "test", "--simulated"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stdout + good.stderr
    assert [line.split()[0] for line in good.stdout.splitlines()] == ["OK"] * 4
    bad = subprocess.run([sys.executable, "-m", "caller.cli", "devices", "test", "--printer", "tcp://127.0.0.1:9",
                          "--card-reader", "/dev/nonexistent-reader"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 1 and "FAIL printer" in bad.stdout and "FAIL card reader" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


def test_a_card_left_on_the_reader_counts_only_once_lifted_and_placed_again(rig):
    from kiosk.hardware.card_reader import CardReadError, ReadFailure
    from kiosk.journey import CardLeftOn

    journey, reader, printer, speaker, live = rig
    journey.home()
    reader.insert(name="李四", birth=dt.date(1980, 5, 2), id_number="110105198005020027")
    journey.ask_for_card()
    journey.take_number("shebao", card=journey.read_card())  # citizen 1 takes A001 and leaves the card
    assert journey.card_left()
    journey.ask_for_card()  # citizen 2 picks 医保: the card on the reader is not theirs
    for _ in range(2):
        with pytest.raises(CardLeftOn) as left:
            journey.poll_card()
    assert left.value.masked_name == "李*" and "李四" not in str(left.value)
    reader.remove()  # lifted ...
    assert not journey.card_left()
    with pytest.raises(CardReadError) as empty:
        journey.poll_card()
    assert empty.value.failure is ReadFailure.NO_CARD
    reader.insert(name="王五", birth=dt.date(1990, 1, 1), id_number="110105199001010010")  # ... and placed again
    card = journey.poll_card()
    assert card.name == "王五" and journey.take_number("yibao", card=card).number == "B001"


def test_the_same_card_cannot_take_a_second_number_for_the_same_matter(rig):
    journey, reader, printer, speaker, live = rig
    journey.home()
    reader.insert(name="李四", birth=dt.date(1980, 5, 2), id_number="110105198005020027")
    first = journey.take_number("shebao", card=journey.read_card())
    with pytest.raises(Refused) as again:
        journey.take_number("shebao", card=journey.read_card())
    assert again.value.code == "already_queued" and first.number in again.value.chinese
    assert sum(c["waiting"] for c in live.get("/api/v1/categories").json()) == 1


@pytest.mark.parametrize("kiosk_url, demo, expected", [
    (None, False, None),  # nothing configured: no QR rather than a dead one
    ("http://127.0.0.1:8300", False, None),  # this machine's loopback: a phone cannot reach it
    (None, True, "live"),  # demo mode (./dev hall): the caller itself
])
def test_the_slips_qr_never_points_a_phone_at_an_address_it_cannot_reach(hall, sqlite_url, clock, kiosk_url, demo,
                                                                          expected):
    from tests.conftest import serving

    printer_device = SimulatedPrinter()
    with serving(hall, sqlite_url, clock, demo=demo) as live:
        live.headers("kiosk")
        journey = Journey(CallerClient(live.base, live.tokens["kiosk"], timeout_s=3),
                          Devices(open_printer(printer_device.url, paper_mm=58)), paper_mm=58, public_url=kiosk_url)
        journey.home()
        outcome = journey.take_number("shebao")
        slip = read(bytes(printer_device.printed))
    printer_device.close()
    assert outcome.printed and "A001" in slip.text
    if expected is None:
        assert not slip.images and "扫码" not in slip.text
    else:
        (qr,) = slip.images
        assert zxingcpp.read_barcodes(np.array(qr.convert("L")))[0].text.startswith(live.base + "/t#")


def test_the_help_button_tells_the_truth_about_who_is_coming(rig):
    journey, reader, printer, speaker, live = rig
    assert journey.request_help() == "帮办代办窗口暂时无人值守，请到咨询台寻求帮助"
    live.post("/api/v1/windows/14/open", "counter", window=14)
    assert journey.request_help() == "已通知帮办代办窗口，工作人员马上过来，请稍候"


def open_device_notices(live, device):
    return sorted(n.condition for n in live.app.state.notices.open_notices() if n.source == device)


def test_the_kiosk_reports_what_its_devices_showed_and_the_desk_sees_it_clear(rig, tmp_path):
    journey, reader, printer, speaker, live = rig

    def report():
        journey.client.report_device(journey.check_devices())
        return open_device_notices(live, "kiosk")

    assert report() == []  # the heartbeat, all well
    printer.paper_low = True
    assert report() == ["paper-low"]
    printer.paper_left = 0  # the roll ends: the kiosk stops issuing and says to go to the 咨询台
    home = journey.home()
    assert home.mode is Mode.OUT_OF_SERVICE and "请到咨询台取号" in home.message
    assert report() == ["paper-out"]  # out says more than low
    reader.close()  # the reader unplugged
    assert report() == ["paper-out", "reader-failed"]
    printer.load_paper()
    printer.paper_low = False
    assert report() == ["reader-failed"]
    journey.devices.scanner = QrScanner(str(tmp_path / "no-camera" / "%03d.png"))
    with pytest.raises(Exception, match="camera not available"):
        journey.scan_code(1.0)
    assert report() == ["camera-failed", "reader-failed"]
    with live.app.state.service.db.read() as conn:
        cleared = conn.exec_driver_sql("SELECT condition, cleared_by FROM notices WHERE cleared_at IS NOT NULL").all()
    assert sorted(cleared) == [("paper-low", "device"), ("paper-out", "device")]  # by the kiosk's own reports


def test_the_reporter_sends_at_start_and_at_once_when_a_device_changes(rig):
    import time

    from kiosk.device_health import Reporter

    journey, reader, printer, speaker, live = rig
    sent = []
    reporter = Reporter(lambda conditions: sent.append(journey.client.report_device(conditions)),
                        journey.check_devices, every_s=600)
    journey.health.on_change = reporter.poke
    reporter.start()
    try:
        deadline = time.monotonic() + 10
        while not sent and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(sent) == 1 and sent[0]["open"] == []  # the first report, at start
        printer.paper_left = 0
        journey.printer_problem()  # the kiosk looks at its printer (its home screen does): paper out
        while open_device_notices(live, "kiosk") != ["paper-out"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert open_device_notices(live, "kiosk") == ["paper-out"] and len(sent) == 2  # not waiting 600 s
    finally:
        reporter.stop()
