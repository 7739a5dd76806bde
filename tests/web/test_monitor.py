"""The live monitor (/monitor) in Chromium (issue 12): it follows the event stream in place — a ticket issued, a
window opening with who is signed in, a call — and shows the alerts a manager acts on."""

from playwright.sync_api import expect

from caller.staff.rules import StaffRole
from tests.caller.test_api import issue


def test_the_monitor_follows_the_hall_live_and_raises_alerts(live, page, clock, shot):
    staff = live.app.state.staff
    staff.add("9001", "周主任", "402913", frozenset({StaffRole.MANAGER}), frozenset())
    staff.add("2001", "李静", "402913", frozenset({StaffRole.WINDOW}), None)
    issue(live, "shebao")
    clock.advance(minutes=25)  # A001 has waited 25 minutes: over the hall's 20
    issue(live, "yibao")
    page.goto(live.base + "/monitor")
    page.fill("#staff-no", "9001")
    page.fill("#pin", "402913")
    page.click("#signin-button")
    expect(page.locator("tr[data-category=shebao]")).to_contain_text("25")
    expect(page.locator("#alerts")).to_contain_text("社保：最长已等候 25 分钟（1 人等候）")
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "/stats/now" in request.url else None)
    issue(live, "yibao")  # an event: the monitor redraws without a reload
    expect(page.locator("tr[data-category=yibao] td").nth(1)).to_have_text("2")
    counter = {"Authorization": "Bearer " + live.post("/api/v1/staff/sign-in", json={
        "staff_no": "2001", "pin": "402913", "window": 7}).json()["token"]}
    live.post("/api/v1/windows/7/open", headers=counter)
    live.post("/api/v1/windows/7/call-next", headers=counter)
    card = page.locator("[data-window='7']")
    expect(card).to_contain_text("李静（2001）")
    expect(card).to_contain_text("A001 社保")
    expect(page.locator("#alerts")).not_to_contain_text("社保：最长已等候")  # called: the wait is over
    live.post("/api/v1/help", "kiosk", json={"source": "kiosk-1"})
    live.post("/api/v1/devices/report", "kiosk", json={"device": "kiosk-2", "conditions": ["paper-out"]})
    expect(page.locator("#alerts")).to_contain_text("kiosk-1 帮办代办请求：无人接单")
    expect(page.locator("#alerts")).to_contain_text("kiosk-2：缺纸")
    expect(page.locator("#today")).to_contain_text("取号3")
    page.screenshot(path=shot("monitor.png"), full_page=True)
    assert len(fetched) <= 6  # a refetch per burst of events (6 events above), never a polling storm
