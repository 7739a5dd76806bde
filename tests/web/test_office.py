"""后台管理 (/office) in Chromium (issue 12): the manager edits a matter's guide and a holiday, sees each problem at
its field, removes a matter with citizens waiting and moves them, undoes a change, and imports a hall file."""

from playwright.sync_api import expect

from caller.staff.rules import StaffRole
from tests.caller.test_api import issue


def sign_in(page, live):
    live.app.state.staff.add("9001", "周主任", "402913", frozenset({StaffRole.ADMIN, StaffRole.MANAGER}), None)
    page.goto(live.base + "/office")
    page.fill("#staff-no", "9001")
    page.fill("#pin", "402913")
    page.click("#signin-button")
    expect(page.locator("#version")).to_have_text("当前第 1 版")


def test_the_manager_edits_checks_saves_and_undoes(live, page, shot):
    sign_in(page, live)
    shebao = live.app.state.service.hall.categories.index(live.app.state.service.hall.category("shebao"))
    minutes = page.locator(f"[data-path='categories[{shebao}].service_minutes']")
    minutes.fill("-3")
    minutes.dispatch_event("change")
    page.fill(f"[data-path='categories[{shebao}].guide.materials']", "身份证原件\n社保卡（或电子社保卡，二者之一）\n户口簿")
    page.locator(f"[data-path='categories[{shebao}].guide.materials']").dispatch_event("change")
    page.click("#check")
    field = page.locator(f"[data-field='categories[{shebao}].service_minutes']")
    expect(field).to_have_class("field bad")
    expect(field.locator(".field-problem")).to_have_text("应大于 0")
    expect(page.locator("#problems")).to_contain_text("事项 1 · 平均办理(分钟)：应大于 0")
    page.screenshot(path=shot("office-problem.png"))
    page.click("#save")  # refused by the caller too, at the same field
    expect(page.locator("#save-error")).to_have_text("配置有误，请按提示修改")
    minutes.fill("7.5")
    minutes.dispatch_event("change")
    page.click("button[data-tab='hours']")
    page.fill("[data-path='hours.closed_dates']", "2027-01-01, 2027-02-17")
    page.locator("[data-path='hours.closed_dates']").dispatch_event("change")
    page.click("#check")
    expect(page.locator("#save-error")).to_have_text("检查通过，可以保存")
    expect(page.locator("#changes")).to_contain_text("办公时间 · 节假日（休息）")
    page.click("#save")
    expect(page.locator("#save-error")).to_have_text("已保存为第 2 版，所有叫号服务已生效")
    hall = live.app.state.service.hall
    assert hall.category("shebao").service_minutes == 7.5
    assert hall.category("shebao").guide.materials == ["身份证原件", "社保卡（或电子社保卡，二者之一）", "户口簿"]
    assert [d.isoformat() for d in hall.hours.closed_dates] == ["2027-01-01", "2027-02-17"]
    row = page.locator("#history tr[data-version='2']")
    expect(row).to_contain_text("周主任（9001）")
    expect(row).to_contain_text("页面修改")
    expect(row).to_contain_text("办公时间 · 节假日（休息）、事项 shebao · 平均办理(分钟)、事项 shebao · 办事指南 · 所需材料")
    page.screenshot(path=shot("office.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-restore='1']")
    expect(page.locator("#save-error")).to_have_text("已恢复，当前为第 3 版")
    assert live.app.state.service.hall.category("shebao").service_minutes != 7.5


def test_removing_a_matter_with_citizens_waiting_offers_to_move_them(live, page):
    first = issue(live, "zonghe").json()
    issue(live, "zonghe")
    sign_in(page, live)
    zonghe = [c.id for c in live.app.state.service.hall.categories].index("zonghe")
    page.click(f"button[data-remove='categories[{zonghe}]']")
    page.click("#save")
    expect(page.locator("#moves")).to_contain_text("zonghe（2 人等候）转到")
    expect(page.locator("#problems")).to_contain_text("还有 2 人在等候")
    page.select_option("[data-move='zonghe']", "zixun")
    page.click("#save")
    expect(page.locator("#save-error")).to_have_text("已保存为第 2 版，所有叫号服务已生效")
    moved = live.get(f"/api/v1/tickets/{first['id']}").json()
    assert moved["category"] == "zixun" and moved["issued_at"] == first["issued_at"]  # its age kept
    expect(page.locator("#history tr[data-version='2']")).to_contain_text("2 位等候群众已转到新事项")


def test_a_hall_file_is_exported_and_imported(live, page):
    sign_in(page, live)
    page.click("button[data-tab='rules']")
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename == "hall-v1.toml"
    page.wait_for_function("document.getElementById('import-text').value.includes('[hall]')")
    value = page.locator("#import-text").input_value()
    page.fill("#import-text", value.replace("recalls_before_no_show = 2", "recalls_before_no_show = 3"))
    page.click("#import")
    expect(page.locator("#save-error")).to_have_text("已保存为第 2 版，所有叫号服务已生效")
    assert live.app.state.service.hall.queue.recalls_before_no_show == 3
    expect(page.locator("#history tr[data-version='2']")).to_contain_text("导入")
