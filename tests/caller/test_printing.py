"""补打 at a window on its own printer and at the 咨询台 on the desk's, over real HTTP to the simulated network
printer on loopback; what it printed is parsed back from its ESC/POS bytes (issue 11)."""

import pytest

from caller.staff.rules import StaffRole
from kiosk.hardware.simulated_printer import SimulatedPrinter
from tests.caller.test_api import issue, problem
from tests.caller.test_notices import signed_in
from tests.conftest import serving
from tests.kiosk.escpos_reader import read


@pytest.fixture
def printers():
    window, desk = SimulatedPrinter(), SimulatedPrinter()
    yield window, desk
    window.close()
    desk.close()


@pytest.fixture
def hall_with_printers(hall, printers):
    window, desk = printers
    windows = [w.model_copy(update={"printer": window.url}) if w.number == 3 else w for w in hall.windows]
    public = hall.hall.model_copy(update={"public_url": "https://yc.example.gov.cn"})
    return hall.model_copy(update={"windows": windows, "hall": public,
                                   "desk": hall.desk.model_copy(update={"printer": desk.url})})


def test_a_window_reprints_on_its_own_printer_and_the_ticket_counts_as_printed(hall_with_printers, printers, db_url,
                                                                               clock):
    window_printer, _ = printers
    with serving(hall_with_printers, db_url, clock) as live:
        ticket = issue(live, name="张三丰").json()
        live.post(f"/api/v1/tickets/{ticket['id']}/receipt", "kiosk", json={"printed": False})
        answer = live.post(f"/api/v1/tickets/{ticket['id']}/reprint", "counter", window=3)
        assert answer.status_code == 200, answer.text
        assert live.get("/api/v1/tickets/unprinted", "counter", window=3).json() == []
        slip = read(bytes(window_printer.printed))
        assert ticket["number"] in slip.text and "（补打）" in slip.text and "办事人：张**" in slip.text
        assert "张三丰" not in slip.text and len(slip.images) == 1  # the phone QR code
        problem(live.post(f"/api/v1/tickets/{ticket['id']}/reprint", "counter", window=4), 409, "no_printer")
        window_printer.paper_left = 0
        refused = problem(live.post(f"/api/v1/tickets/{ticket['id']}/reprint", "counter", window=3), 409,
                          "printer_fault")
        assert refused["message"].startswith("3 号窗口打印机缺纸")
        window_printer.close()
        problem(live.post(f"/api/v1/tickets/{ticket['id']}/reprint", "counter", window=3), 409, "printer_fault")
        problem(live.post("/api/v1/tickets/nope/reprint", "counter", window=3), 404, "unknown_ticket")
        assert live.post(f"/api/v1/tickets/{ticket['id']}/reprint", "kiosk").status_code == 403


def test_the_desk_prints_on_its_own_printer(hall_with_printers, printers, sqlite_url, clock):
    _, desk_printer = printers
    with serving(hall_with_printers, sqlite_url, clock) as live:
        desk = signed_in(live, "5001", "赵敏", {StaffRole.DESK})
        assert live.get("/api/v1/desk", headers=desk).json()["printer"] is True
        ticket = live.post("/api/v1/desk/tickets", headers=desk,
                           json={"category": "yibao", "kind": "green", "reason": "孕妇"}).json()["ticket"]
        assert live.post(f"/api/v1/tickets/{ticket['id']}/reprint", headers=desk).status_code == 200
        slip = read(bytes(desk_printer.printed)).text
        assert ticket["number"] in slip and "（咨询台）" in slip and "绿色通道" in slip and "孕妇" not in slip
        live.post("/api/v1/windows/7/open", "counter", window=7)
        live.post("/api/v1/windows/7/call-next", "counter", window=7)
        live.post("/api/v1/windows/7/finish", "counter", window=7)
        problem(live.post(f"/api/v1/tickets/{ticket['id']}/reprint", headers=desk), 409, "ticket_over")
