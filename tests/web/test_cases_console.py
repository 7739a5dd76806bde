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


def test_the_phone_page_follows_the_case_and_its_qr_takes_a_pick_up_number(live, page, shot):
    from tests.web.test_desk import decode_qr

    live.app.state.staff.add("2001", "李静", "402913", frozenset({StaffRole.WINDOW}), None)
    mine = issue(live, "budongchan").json()
    li = {"Authorization": "Bearer " + live.post("/api/v1/staff/sign-in", json={
        "staff_no": "2001", "pin": "402913", "window": 9}).json()["token"]}
    live.post("/api/v1/windows/9/open", headers=li)
    live.post("/api/v1/windows/9/call-next", headers=li)
    live.post("/api/v1/windows/9/cases", headers=li, json={"case_no": "BDC-0777", "kind": "promised", "limit_days": 5})
    live.post("/api/v1/cases/BDC-0777/handover", headers=li, json={"department": "不动产登记中心"})
    live.post("/api/v1/windows/9/finish", headers=li)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live.base}/t#{mine['phone_code']}")
    expect(page.locator("#cases")).to_contain_text("办件 BDC-0777（不动产）：已交接，承诺 2026-11-30 前办结")
    bureau = {"Authorization": "Bearer " + live.app.state.tokens.create(Role.DEPARTMENT, None, "不动产登记中心")}
    live.post("/api/v1/cases/BDC-0777/progress", headers=bureau, json={"state": "accepted"})
    live.post("/api/v1/cases/BDC-0777/progress", headers=bureau, json={"state": "ready"})
    expect(page.locator("#cases")).to_contain_text("请凭短信中的取件码", timeout=10_000)
    page.locator("#cases .pickup-qr").scroll_into_view_if_needed()
    page.screenshot(path=shot("phone-case-ready.png"))
    read = decode_qr(page.locator("#cases .pickup-qr").screenshot())
    assert read == live.app.state.cases.qr_text("BDC-0777")  # what the page drew is what the caller signed
    assert live.post("/api/v1/pickups", "kiosk", json={"qr": read[:-2] + "xx"}).status_code == 404  # altered
    taken = live.post("/api/v1/pickups", "kiosk", json={"qr": read})
    assert taken.status_code == 201 and taken.json()["cases"] == [{"case_no": "BDC-0777", "matter": "不动产"}]
