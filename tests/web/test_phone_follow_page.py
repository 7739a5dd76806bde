"""The phone page follows its ticket live in Chromium at a phone's size (the citizen's phone issue): one stream, no
polling; a reminder with a vibration when the hall's number of people are ahead, and another when called — once
each."""

from playwright.sync_api import expect

from tests.caller.test_api import issue


def test_the_phone_page_follows_the_queue_and_reminds_at_three_ahead_and_at_the_call(live, page, shot):
    for _ in range(4):
        issue(live, "shebao")
    mine = issue(live, "shebao").json()
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/tickets/" in r.url else None)
    page.add_init_script("window.__vibrations = []; navigator.vibrate = p => { window.__vibrations.push(p); return true; };")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live.base}/t#{mine['phone_code']}")
    expect(page.locator("#status")).to_contain_text("前面还有 4 人")
    expect(page.locator("#reminder")).to_be_hidden()
    live.post("/api/v1/windows/3/open", "counter", window=3)
    live.post("/api/v1/windows/3/call-next", "counter", window=3)
    expect(page.locator("#reminder")).to_have_text("快轮到您了：前面还有 3 人，请回到大厅留意叫号")
    assert page.evaluate("window.__vibrations.length") == 1
    page.screenshot(path=shot("phone-reminder.png"))
    for _ in range(4):
        live.post("/api/v1/windows/3/finish", "counter", window=3)
        live.post("/api/v1/windows/3/call-next", "counter", window=3)
    expect(page.locator("#status")).to_have_text("请到 3 号窗口办理")
    expect(page.locator("#reminder")).to_have_text("请到 3 号窗口办理")
    assert page.evaluate("window.__vibrations.length") == 2  # three ahead, then the call: not at two, one, none
    assert [u for u in asked if u.endswith("/follow")] == [f"{live.base}/api/v1/tickets/by-code/follow"]
    assert not [u for u in asked if u.endswith("/by-code")]  # one stream, no polling
    page.reload()  # reminded already: not again
    expect(page.locator("#status")).to_have_text("请到 3 号窗口办理")
    assert page.evaluate("window.__vibrations.length") == 0
