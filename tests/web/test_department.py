"""部门办件 (/department) in Chromium (统一出件 issue): a department member without an approval system signs in,
sees the cases handed to the department by their limit, asks for material with a note, and makes one ready —
the pick-up code shown once."""

from playwright.sync_api import expect

from caller.staff.rules import StaffRole
from tests.caller.test_api import issue


def test_a_department_member_moves_its_cases_on_from_the_page(live, page, shot):
    staff = live.app.state.staff
    staff.add("3001", "孙伟", "580314", frozenset({StaffRole.DEPARTMENT}), None, department="不动产登记中心")
    for number in ("BDC-0701", "BDC-0702"):
        issue(live, "budongchan")
        live.post("/api/v1/windows/9/open", "counter", window=9)
        live.post("/api/v1/windows/9/call-next", "counter", window=9)
        live.post("/api/v1/windows/9/cases", "counter", window=9,
                  json={"case_no": number, "kind": "promised", "limit_days": 2 if number.endswith("1") else 5})
        live.post(f"/api/v1/cases/{number}/handover", "counter", window=9, json={"department": "不动产登记中心"})
        live.post("/api/v1/windows/9/finish", "counter", window=9)
    page.goto(live.base + "/department")
    page.fill("#staff-no", "3001")
    page.fill("#pin", "580314")
    page.click("#signin-button")
    expect(page.locator("#who")).to_contain_text("孙伟（3001）")
    first = page.locator("tr[data-row='BDC-0701']")
    expect(first).to_contain_text("2026-11-25")
    page.click("tr[data-row='BDC-0701'] button[data-state='accepted']")
    expect(page.locator("#case-error")).to_have_text("办件 BDC-0701 已更新为“部门已接收”")
    page.click("tr[data-row='BDC-0701'] button[data-state='needs-material']")
    expect(page.locator("#case-error")).to_have_text("需补正材料时，请写明需要补交的材料")
    page.fill("[data-note-for='BDC-0701']", "请补交房屋测绘报告")
    page.click("tr[data-row='BDC-0701'] button[data-state='needs-material']")
    expect(first).to_contain_text("需补正材料")
    page.click("tr[data-row='BDC-0702'] button[data-state='accepted']")
    expect(page.locator("tr[data-row='BDC-0702']")).to_contain_text("部门已接收")
    page.screenshot(path=shot("department.png"))
    page.click("tr[data-row='BDC-0702'] button[data-state='ready']")
    expect(page.locator("#case-error")).to_contain_text("办件 BDC-0702 已通知领取，取件码 ")
    code = page.locator("#case-error").inner_text().split("取件码 ")[1][:8]
    taken = live.post("/api/v1/pickups", "kiosk", json={"code": code})
    assert taken.status_code == 201 and taken.json()["cases"][0]["case_no"] == "BDC-0702"
    assert live.get("/api/v1/cases/BDC-0701", "desk").json()["history"][-1]["note"] == "请补交房屋测绘报告"
