"""统一出件 at the real Kivy kiosk under Xvfb (issue 13): a citizen whose result is ready touches 统一出件, types the
pick-up code of the text message, or holds the phone page's case QR to the camera, and leaves with a printed
pick-up slip for the issuing window. And a number taken from the phone is confirmed here on arrival."""

import pytest

from caller.auth import Role
from kiosk.hardware.simulated_printer import SimulatedPrinter
from tests.caller.test_api import issue
from tests.kiosk.escpos_reader import read
from tests.kiosk.kiosk_ui import run_kiosk_script


@pytest.fixture
def caller(live_sqlite):
    live_sqlite.headers("kiosk")
    return live_sqlite


def ready_case(live, case_no):
    """A 不动产 case received at window 9, handed over, approved: its pick-up code."""
    issue(live, "budongchan")
    live.post("/api/v1/windows/9/open", "counter", window=9)
    live.post("/api/v1/windows/9/call-next", "counter", window=9)
    live.post("/api/v1/windows/9/cases", "counter", window=9,
              json={"case_no": case_no, "kind": "promised", "limit_days": 5})
    live.post(f"/api/v1/cases/{case_no}/handover", "counter", window=9, json={"department": "不动产登记中心"})
    live.post("/api/v1/windows/9/finish", "counter", window=9)
    bureau = {"Authorization": "Bearer " + live.app.state.tokens.create(Role.DEPARTMENT, None, "不动产登记中心")}
    live.post(f"/api/v1/cases/{case_no}/progress", headers=bureau, json={"state": "accepted"})
    return live.post(f"/api/v1/cases/{case_no}/progress", headers=bureau, json={"state": "ready"}).json()["pickup_code"]


def test_a_typed_pick_up_code_prints_a_pick_up_slip_and_a_wrong_one_comes_back_to_be_corrected(caller, tmp_path):
    code = ready_case(caller, "BDC-0501")
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    printer = SimulatedPrinter()
    try:
        outcome = run_kiosk_script(
            {"caller_url": caller.base, "token": caller.tokens["kiosk"], "printer": printer.url, "speech": "none://"},
            [{"wait": "home"}, {"tap": "category:chujian"}, {"wait": "pickup"}, {"expect_text": "8 位取件码"},
             *[{"tap": f"key:{d}"} for d in wrong], {"tap": "confirm"}, {"wait": "pickup"},
             {"expect_text": "没有待领取的办件"}, *[{"tap": "backspace"} for _ in range(8)],
             *[{"tap": f"key:{d}"} for d in code], {"shot": str(tmp_path / "pickup.png")}, {"tap": "confirm"},
             {"wait": "done"}, {"expect_text": "L001"}, {"expect_text": "可领取办件：BDC-0501"}],
            tmp_path / "ui",
        )
    finally:
        printer.close()
    assert outcome["error"] is None, outcome
    slip = read(bytes(printer.printed)).text
    assert "L001" in slip and "统一出件" in slip
    assert (tmp_path / "pickup.png").stat().st_size > 15_000


@pytest.mark.clock
def test_the_phone_pages_case_qr_held_to_the_camera_takes_the_pick_up_number(caller, tmp_path):
    import random

    from kiosk.hardware.simulated_camera import blank_frame, qr_frame, write_sequence

    ready_case(caller, "BDC-0502")
    rng = random.Random(5)
    qr = caller.app.state.cases.qr_text("BDC-0502")  # what the phone page draws (its test decodes the drawing)
    camera = write_sequence(tmp_path / "camera", [blank_frame(rng), qr_frame(qr, rng, tilt=0.04)])
    outcome = run_kiosk_script(
        {"caller_url": caller.base, "token": caller.tokens["kiosk"], "printer": "dummy://", "camera": camera,
         "speech": "none://"},
        [{"wait": "home"}, {"tap": "category:chujian"}, {"wait": "pickup"}, {"tap": "pickup_scan"},
         {"wait": "done"}, {"expect_text": "L001"}, {"expect_text": "BDC-0502"}],
        tmp_path / "ui",
    )
    assert outcome["error"] is None, outcome
    assert caller.get("/api/v1/cases/BDC-0502", "desk").json()["state"] == "ready"  # handed out at window 16 later


@pytest.mark.clock
def test_a_remote_number_is_confirmed_by_holding_the_phones_arrival_qr_to_the_camera(caller, tmp_path):
    """远程取号 (the citizen's phone issue): the number taken at home waits unconfirmed; the phone page's arrival
    QR held to the kiosk's camera confirms the citizen is here, and the kiosk prints the slip."""
    import random

    from kiosk.hardware.simulated_camera import blank_frame, qr_frame, write_sequence

    remote = caller.app.state.remote
    taken = remote.take("13812345678", "shebao", "110105195003070019")
    assert caller.get(f"/api/v1/tickets/{taken.ticket.id}").json()["awaiting_arrival"]
    qr = remote.arrival_qr(taken.ticket.id)  # what the phone page draws (tests/web decodes the drawing)
    camera = write_sequence(tmp_path / "camera", [blank_frame(random.Random(6)), qr_frame(qr, random.Random(7))])
    printer = SimulatedPrinter()
    try:
        outcome = run_kiosk_script(
            {"caller_url": caller.base, "token": caller.tokens["kiosk"], "printer": printer.url, "camera": camera,
             "speech": "none://"},
            [{"wait": "home"}, {"tap": "check_in"}, {"wait": "done"}, {"expect_text": taken.ticket.number},
             {"expect_text": "已确认到场"}],
            tmp_path / "ui",
        )
    finally:
        printer.close()
    assert outcome["error"] is None, outcome
    assert not caller.get(f"/api/v1/tickets/{taken.ticket.id}").json()["awaiting_arrival"]
    assert taken.ticket.number in read(bytes(printer.printed)).text
