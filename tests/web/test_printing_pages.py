"""补打 from the counter console on the window's own printer, and the desk printing what it issues, in Chromium
against the simulated network printers on loopback (issue 11)."""

import pytest
from playwright.sync_api import expect

from tests.caller.test_api import issue
from tests.caller import test_printing
from tests.conftest import serving
from tests.kiosk.escpos_reader import read
from tests.web.test_counter_console import sign_in
from tests.web.test_desk import desk_sign_in


printers = test_printing.printers  # the same simulated printers and hall as the API's test
hall_with_printers = test_printing.hall_with_printers


@pytest.fixture
def live_printing(hall_with_printers, sqlite_url, clock):
    with serving(hall_with_printers, sqlite_url, clock) as caller:
        yield caller


def test_the_console_reprints_an_unprinted_slip_on_the_windows_printer(live_printing, printers, page,
                                                                      staff_member_printing):
    window_printer, _ = printers
    ticket = issue(live_printing).json()
    live_printing.post(f"/api/v1/tickets/{ticket['id']}/receipt", "kiosk", json={"printed": False})
    sign_in(page, live_printing)
    page.click(f"button[data-print='{ticket['id']}']")
    expect(page.locator("#error")).to_have_text("已打印")
    expect(page.locator("#unprinted")).not_to_contain_text(ticket["number"])
    assert ticket["number"] in read(bytes(window_printer.printed)).text
    window_printer.paper_left = 0
    other = issue(live_printing).json()
    live_printing.post(f"/api/v1/tickets/{other['id']}/receipt", "kiosk", json={"printed": False})
    page.click(f"button[data-print='{other['id']}']")
    expect(page.locator("#error")).to_have_text("3 号窗口打印机缺纸，未打印")
    expect(page.locator("#unprinted")).to_contain_text(other["number"])  # still to be reprinted


def test_the_desk_prints_what_it_issues(live_printing, printers, page):
    _, desk_printer = printers
    desk_sign_in(page, live_printing)
    page.click("button[data-category=yibao]")
    page.click("#issue-button")
    expect(page.locator("#issue-error")).to_have_text("号票已在咨询台打印")
    assert "B001" in read(bytes(desk_printer.printed)).text
    expect(page.locator("#issued-number")).to_have_text("B001")


@pytest.fixture
def staff_member_printing(live_printing):
    from caller.staff.rules import StaffRole

    live_printing.app.state.staff.add("2001", "李静", "402913", frozenset({StaffRole.WINDOW}), None)
