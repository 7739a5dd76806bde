"""The counter console (/counter), the evaluator tablet (/rate/N, paired from the console) and the phone page
(/t#code) in Chromium."""


import pytest
from playwright.sync_api import expect

from caller.auth import Role
from tests.caller.test_api import issue


@pytest.fixture
def counter_token(live):
    """A plain counter token, for acting on window 3 over the API beside the console."""
    return live.app.state.tokens.create(Role.COUNTER, 3, "李静")


@pytest.fixture
def staff_member(live):
    from caller.staff.rules import StaffRole

    live.app.state.staff.add("2001", "李静", "402913", frozenset({StaffRole.WINDOW}), None)
    return "2001", "402913"


def sign_in(page, live, member=("2001", "402913"), window=3):
    page.goto(live.base + "/counter")
    page.fill("#staff-no", member[0])
    page.fill("#pin", member[1])
    page.fill("#window-no", str(window))
    page.click("#signin-button")
    expect(page.locator("#window-name")).to_contain_text(str(window))


def events_of(live, kind):
    from tests.caller.test_receipts_and_help import events

    return [e for e in events(live) if e["type"] == kind]


def test_staff_sign_in_open_call_by_keyboard_and_finish_once(live, page, staff_member, shot):
    first = issue(live).json()
    issue(live, "yibao")
    sign_in(page, live)
    expect(page.locator("#who")).to_contain_text("李静（2001）")
    page.click("button[data-action=open]")
    expect(page.locator("#window-state")).to_have_text("受理中")
    page.keyboard.press("n")  # 叫号 by keyboard
    expect(page.locator("#current")).to_have_text(first["number"])
    finish = page.locator("button[data-action=finish]")
    finish.click()
    finish.click(force=True)  # a second click while the first is in flight does nothing
    expect(page.locator("#current")).to_have_text("无")
    assert len(events_of(live, "ticket-finished")) == 1
    page.keyboard.press("n")
    expect(page.locator("#current")).not_to_have_text("无")
    page.screenshot(path=shot("counter-console.png"))
    third = issue(live, "zonghe").json()
    page.keyboard.press("j")  # 办结并叫号: one request finishes the citizen and calls the next
    expect(page.locator("#current")).to_have_text(third["number"])
    assert len(events_of(live, "ticket-finished")) == 2
    page.keyboard.press("f")
    expect(page.locator("#current")).to_have_text("无")
    page.click("button[data-action=pause-resume]")
    expect(page.locator("#window-state")).to_have_text("暂停服务")
    page.keyboard.press("n")
    expect(page.locator("#error")).to_contain_text("操作失败")
    assert "/" not in page.locator("#error").text_content()  # the Chinese half only: the English is for logs


def test_transfer_and_reprint_from_the_console(live, page, staff_member):
    ticket = issue(live).json()
    live.post(f"/api/v1/tickets/{ticket['id']}/receipt", "kiosk", json={"printed": False})
    sign_in(page, live)
    expect(page.locator("#unprinted")).to_contain_text(ticket["number"])
    page.click(f"button[data-reprint='{ticket['id']}']")
    expect(page.locator("#unprinted")).not_to_contain_text(ticket["number"])
    page.click("button[data-action=open]")
    page.click("button[data-action=call-next]")
    expect(page.locator("#current")).to_have_text(ticket["number"])
    offered = page.locator("#transfer-to option").evaluate_all("options => options.map(o => o.value)")
    assert "c:shebao" not in offered and "c:budongchan" in offered  # not the ticket's own matter (that errored)
    page.select_option("#transfer-to", "c:budongchan")
    page.fill("#transfer-note", "已核验身份证，缺房产证复印件")
    page.click("button[data-action=transfer]")
    expect(page.locator("#current")).to_have_text("无")
    status = live.get(f"/api/v1/tickets/{ticket['id']}").json()
    assert status["category"] == "budongchan" and status["status"] == "waiting" and status["number"] == ticket["number"]
    sign_in(page, live, window=9)  # the 不动产 window takes it and sees why it came
    page.click("button[data-action=open]")
    expect(page.locator("#window-state")).to_have_text("受理中")
    page.keyboard.press("n")
    expect(page.locator("#current")).to_have_text(ticket["number"])
    expect(page.locator("#handover")).to_have_text("转办说明（3 号窗口：已核验身份证，缺房产证复印件）")


def test_no_token_is_asked_for_a_wrong_pin_is_told_in_chinese_and_sign_out_ends_the_session(live, page,
                                                                                               staff_member):
    page.goto(live.base + "/counter")
    assert page.locator("#token").count() == 0  # no token to paste, none left in the browser
    page.fill("#staff-no", "2001")
    page.fill("#pin", "999999")
    page.fill("#window-no", "3")
    page.click("#signin-button")
    expect(page.locator("#signin-error")).to_have_text("工号或密码不正确")
    expect(page.locator("#pin")).to_have_value("")
    sign_in(page, live)
    assert page.evaluate("Object.keys(localStorage).length + Object.keys(sessionStorage).length") == 0
    page.click("#sign-out")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#console")).to_be_hidden()
    with live.app.state.service.db.read() as conn:
        ended = conn.exec_driver_sql("SELECT ended_by FROM staff_sessions").scalars().all()
    assert ended == ["sign-out"]


def test_an_idle_console_signs_itself_out(live, page, staff_member):
    page.clock.install()
    sign_in(page, live)
    page.clock.fast_forward("11:00")  # ten minutes without a touch
    expect(page.locator("#signin-error")).to_have_text("已因长时间无操作自动退出，请重新登录")
    expect(page.locator("#console")).to_be_hidden()


def test_the_evaluator_tablet_is_paired_from_the_console_and_takes_one_rating_with_reasons(
        live, page, browser, staff_member, shot):
    ticket = issue(live).json()
    console = browser.new_page(viewport={"width": 1366, "height": 768})
    sign_in(console, live)
    counter_token = live.app.state.tokens.create(Role.COUNTER, 3, "李静（2001）")
    console.click("#pair-evaluator")
    expect(console.locator("#notices")).to_contain_text("评价器配对码")
    code = console.locator("#notices .notice").first.text_content().split("：")[1][:6]
    page.goto(f"{live.base}/rate/3")  # no token in the address
    expect(page.locator("#pair-prompt")).to_be_visible()
    page.fill("#pair-code", "000000" if code != "000000" else "111111")
    page.click("#pair-button")
    expect(page.locator("#pair-error")).to_contain_text("配对码不正确")
    page.fill("#pair-code", code)
    page.click("#pair-button")
    expect(page.locator("#category")).to_have_text("办结后请在此评价")
    assert "token" not in page.url
    headers = {"Authorization": f"Bearer {counter_token}"}
    for action in ("open", "call-next", "finish"):
        assert live.post(f"/api/v1/windows/3/{action}", headers=headers).ok
    expect(page.locator("#number")).to_have_text(ticket["number"])
    expect(page.locator("#staff")).to_have_text("服务人员：李静（2001）")  # name and 工号
    page.set_viewport_size({"width": 800, "height": 1280})
    expect(page.locator("#message")).to_have_text("")  # no error before anything is chosen
    page.click("button[data-level='2']")
    page.click("button[data-level='1']")  # the level can be changed until the rating is sent
    expect(page.locator("button[data-level='1']")).to_have_class("warn chosen")
    page.click("button[data-reason='not_told_at_once']")
    page.screenshot(path=shot("rate-tablet.png"))
    page.fill("#reason", "材料清单与实际不符")
    page.click("#submit")
    expect(page.locator("#message")).to_have_text("感谢您的评价！")
    (summary,) = live.get("/api/v1/ratings/summary", "admin", params={"by": "staff"}).json()
    assert summary["key"] == "李静（2001）" and summary["levels"]["1"] == 1
    console.close()


def test_the_phone_page_shows_the_queue_then_the_rating_form(live, page, counter_token, shot):
    issue(live)
    mine = issue(live).json()
    page.goto(f"{live.base}/t#{mine['phone_code']}")  # the code in the fragment: never sent in an address
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#status")).to_contain_text("前面还有 1 人")
    expect(page.locator("#issued")).to_have_text("取号时间 09:00")  # the hall's clock, not the phone's zone (UTC here)
    page.screenshot(path=shot("phone-ticket-waiting.png"))
    headers = {"Authorization": f"Bearer {counter_token}"}
    live.post("/api/v1/windows/3/open", headers=headers)
    for _ in range(2):
        live.post("/api/v1/windows/3/call-next", headers=headers)
        live.post("/api/v1/windows/3/finish", headers=headers)
    expect(page.locator("#status")).to_have_text("已办结，欢迎评价", timeout=10_000)
    page.screenshot(path=shot("phone-ticket-rate.png"))
    page.click("button[data-level='4']")
    expect(page.locator("#message")).to_have_text("感谢您的评价！")
    again = live.post("/api/v1/ratings", json={"code": mine["phone_code"], "level": 5})
    assert again.status_code == 409
    page.reload()  # a service already rated: no form again
    expect(page.locator("#status")).to_have_text("这次服务已经评价过，谢谢")
    expect(page.locator("button[data-level]")).to_have_count(0)
    page.goto(f"{live.base}/t/{mine['id']}")  # a slip printed before codes: the status, and no form
    expect(page.locator("#status")).to_have_text("已办结")
    expect(page.locator("button[data-level]")).to_have_count(0)


def test_find_a_number_bring_back_a_no_show_and_call_one_out_of_turn(live, page, staff_member, shot):
    tickets = [issue(live).json() for _ in range(3)]
    live.post("/api/v1/windows/5/open", "counter", window=5)
    live.post("/api/v1/windows/5/call-next", "counter", window=5)
    for _ in range(2):
        live.post("/api/v1/windows/5/recall", "counter", window=5)
    live.post("/api/v1/windows/5/no-show", "counter", window=5)
    sign_in(page, live)
    page.click("button[data-action=open]")
    page.fill("#find-number", tickets[0]["number"].lower())
    page.click("#find-button")
    expect(page.locator("#found")).to_contain_text("过号")
    expect(page.locator("#found")).to_contain_text("重呼")
    page.click("#return-button")  # 过号顺延: back in the queue at the old place
    expect(page.locator("#found")).to_contain_text("等候中")
    assert live.get(f"/api/v1/tickets/{tickets[0]['id']}").json()["status"] == "waiting"
    page.fill("#find-number", tickets[2]["number"])
    page.click("#find-button")
    page.fill("#special-reason", "孕妇，身体不适")
    page.screenshot(path=shot("counter-find-number.png"))
    page.click("#special-button")  # 特呼: the third ticket, ahead of the first two
    expect(page.locator("#current")).to_have_text(tickets[2]["number"])
    page.fill("#find-number", "Z999")
    page.click("#find-button")
    expect(page.locator("#find-error")).to_have_text("今天没有 Z999 号")


def test_the_console_shows_whom_the_rule_calls_next_todays_counts_and_a_timer(live, page, staff_member):
    tickets = [issue(live).json() for _ in range(4)]
    sign_in(page, live)
    page.click("button[data-action=open]")
    expect(page.locator("#window-state")).to_have_text("受理中")
    expect(page.locator("#glance")).to_contain_text(f"按规则下一位：{tickets[0]['number']} 社保，{tickets[1]['number']}")
    page.keyboard.press("n")
    expect(page.locator("#timer")).to_contain_text("本次办理已用时 0:0")
    page.keyboard.press("f")
    expect(page.locator("#glance")).to_contain_text("今日本窗口办结 1 件")
    expect(page.locator("#glance")).to_contain_text("我办结 1 件")
    expect(page.locator("#timer")).to_have_text("")


def test_hold_a_citizen_serve_the_next_and_take_them_back(live, page, staff_member, shot):
    tickets = [issue(live).json() for _ in range(2)]
    sign_in(page, live)
    page.click("button[data-action=open]")
    expect(page.locator("#window-state")).to_have_text("受理中")
    page.keyboard.press("n")
    expect(page.locator("#current")).to_have_text(tickets[0]["number"])
    page.keyboard.press("h")  # 挂起: the citizen fetches a document
    expect(page.locator("#held")).to_contain_text(f"挂起中：{tickets[0]['number']}")
    expect(page.locator("#current")).to_have_text("无")
    page.keyboard.press("n")
    expect(page.locator("#current")).to_have_text(tickets[1]["number"])
    page.screenshot(path=shot("counter-on-hold.png"))
    page.keyboard.press("f")
    expect(page.locator("#current")).to_have_text("无")
    page.click(f"button[data-take-back='{tickets[0]['id']}']")
    expect(page.locator("#current")).to_have_text(tickets[0]["number"])
    expect(page.locator("#held")).to_have_text("")
    assert live.get(f"/api/v1/tickets/{tickets[0]['id']}").json()["status"] == "serving"


def test_transfer_to_a_named_window_that_alone_calls_the_ticket(live, page, staff_member):
    first, second = issue(live).json(), issue(live).json()
    for number in (7, 8):
        live.post(f"/api/v1/windows/{number}/open", "counter", window=number)
    sign_in(page, live)
    page.click("button[data-action=open]")
    expect(page.locator("#window-state")).to_have_text("受理中")
    page.keyboard.press("n")
    expect(page.locator("#current")).to_have_text(first["number"])
    offered = page.locator("#transfer-to option").evaluate_all("options => options.map(o => o.textContent)")
    # open windows that serve 社保, not this one, not a closed one (window 1 serves 社保 too)
    assert [o for o in offered if o.startswith("转给")] == ["转给 社保医保 7 号窗", "转给 社保医保 8 号窗"]
    page.select_option("#transfer-to", "w:8")
    page.fill("#transfer-note", "请社保专窗复核")
    page.click("button[data-action=transfer]")
    expect(page.locator("#current")).to_have_text("无")
    assert live.post("/api/v1/windows/7/call-next", "counter", window=7).json()["ticket"]["id"] == second["id"]
    taken = live.post("/api/v1/windows/8/call-next", "counter", window=8).json()["ticket"]
    assert taken["id"] == first["id"] and taken["category"] == "shebao"
