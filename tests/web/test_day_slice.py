"""A slice of a day end to end: tickets issued over HTTP, staff pressing buttons in Chromium, the real board
(Kivy under Xvfb) showing the numbers, its announcer writing WAV files in order, and ratings recorded."""

import pytest
from playwright.sync_api import expect

from tests.caller.test_api import issue
from tests.display.board_ui import finish_board, start_board, wait_for_file

pytestmark = pytest.mark.clock  # the shortest end-to-end day: kiosk, counter, board and rating


def test_a_day_slice_from_kiosk_to_counter_to_board_to_rating(live, clock, browser, tmp_path):
    live.headers("display")
    ready = tmp_path / "ready"
    process, result = start_board(
        {"caller_url": live.base, "token": live.tokens["display"], "announcer": f"wav://{tmp_path / 'speech'}"},
        [{"wait_connected": True}, {"signal": str(ready)}, {"wait_text": "A002"}, {"wait_text": "B001"},
         {"wait_file": str(tmp_path / "done"), "timeout": 120}],
        tmp_path / "board")
    wait_for_file(ready)
    tickets = []
    for category in ("shebao", "yibao", "shebao"):
        tickets.append(issue(live, category).json())
        clock.advance(seconds=30)
    consoles = {}
    from caller.staff.rules import StaffRole

    for window, name in ((3, "陈晨"), (4, "周敏")):
        live.app.state.staff.add(f"30{window:02d}", name, "402913", frozenset({StaffRole.WINDOW}), frozenset({window}))
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(live.base + "/counter")
        page.fill("#staff-no", f"30{window:02d}")
        page.fill("#pin", "402913")
        page.fill("#window-no", str(window))
        page.click("#signin-button")
        expect(page.locator("#window-state")).to_have_text("未登录")  # signed in: the console knows its window
        page.click("button[data-action=open]")
        expect(page.locator("#window-state")).to_have_text("受理中")
        consoles[window] = page
    consoles[3].click("button[data-action=call-next]")
    expect(consoles[3].locator("#current")).to_have_text("A001")
    consoles[4].click("button[data-action=call-next]")
    expect(consoles[4].locator("#current")).to_have_text("B001")
    consoles[3].click("button[data-action=finish]")
    expect(consoles[3].locator("#current")).to_have_text("无")
    consoles[3].click("button[data-action=call-next]")
    expect(consoles[3].locator("#current")).to_have_text("A002")
    phone = browser.new_page()
    phone.goto(f"{live.base}/t#{tickets[0]['phone_code']}")
    expect(phone.locator("#status")).to_have_text("已办结，欢迎评价")
    phone.click("button[data-level='5']")
    expect(phone.locator("#message")).to_have_text("感谢您的评价！")
    (tmp_path / "done").write_text("")
    outcome = finish_board(process, result)
    assert outcome["error"] is None, outcome["log"]
    assert [(n, w) for n, w, _ in outcome["spoken"]] == [("A001", 3), ("B001", 4), ("A002", 3)]
    assert len(list((tmp_path / "speech").glob("*.wav"))) == 3
    (rating,) = live.get("/api/v1/ratings/summary", "admin", params={"by": "staff"}).json()
    assert rating["key"] == "陈晨（3003）" and rating["levels"]["5"] == 1
