"""投诉与整改 (/followups) in Chromium (统一出件 issue): the 咨询台 records a complaint, assigns it, answers it and
closes it with the call-back; a bad rating's 整改 is there too."""

from playwright.sync_api import expect

from caller.staff.rules import StaffRole
from tests.caller.test_api import issue


def test_the_desk_follows_a_complaint_and_a_bad_rating_to_their_call_backs(live, page, shot):
    live.app.state.staff.add("5001", "赵敏", "402913", frozenset({StaffRole.DESK}), frozenset())
    rated = issue(live, "shebao").json()
    live.post("/api/v1/windows/7/open", "counter", window=7)
    live.post("/api/v1/windows/7/call-next", "counter", window=7)
    live.post("/api/v1/windows/7/finish", "counter", window=7)
    live.post("/api/v1/ratings", json={"code": rated["phone_code"], "level": 1, "reasons": ["attitude"]})
    page.goto(live.base + "/followups")
    page.fill("#staff-no", "5001")
    page.fill("#pin", "402913")
    page.click("#signin-button")
    expect(page.locator("#list")).to_contain_text("差评整改")
    page.fill("#new-what", "窗口让我跑了两趟")
    page.fill("#new-who", "王小明")
    page.fill("#new-window", "9")
    page.click("#new-button")
    complaint = page.locator("tr[data-followup]", has_text="窗口让我跑了两趟")
    expect(complaint).to_contain_text("王**")
    expect(complaint).to_contain_text("2026-11-30")
    number = complaint.get_attribute("data-followup")
    page.fill(f"[data-owner-for='{number}']", "周主任（9001）")
    page.click(f"[data-assign='{number}']")
    expect(complaint).to_contain_text("周主任（9001）")
    page.fill(f"[data-reply-for='{number}']", "已约谈窗口，改为一次性告知")
    page.click(f"[data-reply='{number}']")
    expect(complaint).to_contain_text("已答复：已约谈窗口，改为一次性告知")
    page.screenshot(path=shot("followups.png"))
    page.select_option(f"[data-callback-for='{number}']", "basic")
    page.click(f"[data-close='{number}']")
    expect(complaint).to_contain_text("已回访（基本满意）")
    page.select_option("#filter", "closed")
    expect(page.locator("tr[data-followup]")).to_have_count(1)
