"""办件 at the counter console in Chromium (统一出件 issue): a front window receives the citizen's matter as a case
and hands it to a department; the 统一出件 window hands the ready result out with the receiver's ID, or mails it."""

from playwright.sync_api import expect

from caller.auth import Role
from caller.staff.rules import StaffRole
from tests.caller.test_api import issue
from tests.caller.test_identity import VALID
from tests.web.test_counter_console import sign_in


def test_a_case_is_received_handed_over_and_later_handed_out_at_the_issuing_window(live, page, shot):
    staff = live.app.state.staff
    staff.add("2001", "李静", "402913", frozenset({StaffRole.WINDOW}), None)
    staff.add("2003", "赵敏", "402913", frozenset({StaffRole.WINDOW}), None)
    issue(live, "budongchan", id_number=VALID)
    sign_in(page, live, ("2001", "402913"), window=9)
    page.click("button[data-action=open]")
    page.click("button[data-action=call-next]")
    expect(page.locator("#current")).to_have_text("E001")
    expect(page.locator("#cases")).to_be_visible()
    page.fill("#case-no", "BDC-2026-0042")
    page.select_option("#case-kind", "promised")
    page.fill("#case-limit", "5")
    page.fill("#case-phone", "13812345678")
    page.click("#case-receive")  # no consent ticked: refused in Chinese
    expect(page.locator("#case-error")).to_have_text("保存手机号须经群众同意（consent）")
    page.check("#case-consent")
    page.fill("#case-phone", "13812345678")
    page.click("#case-receive")
    expect(page.locator("#case-made")).to_contain_text("办件 BDC-2026-0042（承诺件）已受理，应于 2026-11-30 前办结")
    page.fill("#case-department", "不动产登记中心")
    page.fill("#case-note", "原件已核验")
    page.click("#case-handover")
    expect(page.locator("#case-made")).to_contain_text("已交接（不动产登记中心）")
    page.screenshot(path=shot("counter-case.png"))
    case = live.get("/api/v1/cases/BDC-2026-0042", "desk").json()
    assert case["received_by"] == "李静（2001）" and case["phone_masked"] == "138****5678"

    bureau = {"Authorization": "Bearer " + live.app.state.tokens.create(Role.DEPARTMENT, None, "不动产登记中心")}
    live.post("/api/v1/cases/BDC-2026-0042/progress", headers=bureau, json={"state": "accepted"})
    code = live.post("/api/v1/cases/BDC-2026-0042/progress", headers=bureau, json={"state": "ready"}).json()["pickup_code"]
    assert live.post("/api/v1/pickups", "kiosk", json={"code": code}).status_code == 201
    page.click("#sign-out")
    sign_in(page, live, ("2003", "402913"), window=16)
    page.click("button[data-action=open]")
    page.click("button[data-action=call-next]")
    expect(page.locator("#current")).to_have_text("L001")
    row = page.locator("[data-pickup='BDC-2026-0042']")
    expect(row).to_contain_text("待领取")
    page.fill("[data-receiver-for='BDC-2026-0042']", VALID)
    page.screenshot(path=shot("counter-pickup.png"))
    page.click("[data-hand-out='BDC-2026-0042']")
    expect(row).to_contain_text("已领取 · 1101**********002X")
    assert live.get("/api/v1/cases/BDC-2026-0042", "desk").json()["state"] == "picked-up"
