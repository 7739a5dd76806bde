"""账号管理 (/accounts) in Chromium: an administrator signs in with 工号 + PIN, adds a member, resets a PIN and
disables an account; the member's sessions end at once (issue 11)."""

from playwright.sync_api import expect

from caller.staff.rules import StaffRole


def test_an_administrator_adds_resets_and_disables_accounts(live, page, shot):
    staff = live.app.state.staff
    staff.add("9001", "周主任", "402913", frozenset({StaffRole.ADMIN, StaffRole.MANAGER}), None)
    staff.add("2001", "李静", "402913", frozenset({StaffRole.WINDOW}), frozenset({1, 2, 3}))
    page.goto(live.base + "/accounts")
    page.fill("#staff-no", "2001")  # window staff may not manage accounts
    page.fill("#pin", "402913")
    page.click("#signin-button")
    expect(page.locator("#signin-error")).to_have_text("您没有账号管理权限")
    page.fill("#staff-no", "9001")
    page.fill("#pin", "402913")
    page.click("#signin-button")
    expect(page.locator("tr[data-staff='2001']")).to_contain_text("窗口人员")
    expect(page.locator("tr[data-staff='2001']")).to_contain_text("1-3")
    page.fill("#new-staff-no", "5001")
    page.fill("#new-name", "赵敏")
    page.fill("#new-pin", "123456")  # too easy: refused in Chinese
    page.check("[data-role=desk]")
    page.click("#add-button")
    expect(page.locator("#add-error")).to_contain_text("密码过于简单")
    page.fill("#new-pin", "580314")
    page.click("#add-button")
    expect(page.locator("#add-error")).to_have_text("已新增 赵敏（5001）")
    expect(page.locator("tr[data-staff='5001']")).to_contain_text("咨询台/导服")
    desk = live.post("/api/v1/staff/sign-in", json={"staff_no": "5001", "pin": "580314"})
    assert desk.status_code == 201  # the new member signs in at the 咨询台 with the PIN set here
    page.fill("[data-pin-for='2001']", "771254")
    page.click("button[data-reset='2001']")
    expect(page.locator("#table-error")).to_have_text("2001 的密码已重置")
    assert live.post("/api/v1/staff/sign-in", json={"staff_no": "2001", "pin": "771254", "window": 3}).ok
    page.screenshot(path=shot("accounts.png"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-disable='5001']")
    expect(page.locator("tr[data-staff='5001']")).to_contain_text("已停用")
    session = {"Authorization": "Bearer " + desk.json()["token"]}
    assert live.get("/api/v1/notices", headers=session).status_code == 401  # its session ended at once
    page.click("#sign-out")
    expect(page.locator("#signin")).to_be_visible()
