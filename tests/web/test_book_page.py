"""预约办事 (/book) in Chromium at a phone's size (the citizen's phone issue): the matter and its guide, a day and a
slot, the ID number and the mobile number proven by the code the loopback SMS gateway received, the booking's QR
(decoded, and checked in with it), and cancelling another booking."""

import datetime as dt
import re

from playwright.sync_api import expect

from tests.conftest import MONDAY_9AM, serving
from tests.fake_sms import FakeSmsGateway
from tests.web.test_desk import decode_qr


def book(page, base, sms, id_number, phone, slot):
    page.goto(base + "/book")
    page.click("button[data-matter=yibao]")
    expect(page.locator("#guide")).to_contain_text("请带齐：")
    page.click("button[data-day='2026-11-24']")
    page.click(f"button[data-slot='2026-11-24T{slot}:00+08:00']")
    page.fill("#id-number", id_number)
    page.fill("#phone", phone)
    sent = len(sms.accepted)
    page.click("#send-code")
    expect(page.locator("#message")).to_contain_text("验证码已发送至")
    expect(page.locator("#send-code")).to_contain_text("秒后可重发")
    code = re.search(r"验证码 (\d{6})", sms.accepted[sent]["text"]).group(1)
    page.fill("#code", code)
    page.click("#confirm")
    expect(page.locator("#done-title")).to_have_text("预约成功")


def test_a_citizen_books_from_the_phone_and_the_qr_checks_in(hall, sqlite_url, clock, browser, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    with FakeSmsGateway() as sms, serving(hall, sqlite_url, clock, sms_url=sms.url, sms_key_id="hall-key",
                                          sms_secret="gateway-secret") as live:
        page.goto(live.base + "/book")
        expect(page.locator("button[data-matter=chujian]")).to_have_count(0)  # a pick-up is not booked
        book(page, live.base, sms, "110105195003070019", "13812345678", "09:00")
        expect(page.locator("#done-detail")).to_have_text("医保 · 2026-11-24 09:00–09:30")
        page.screenshot(path=shot("phone-booked.png"))
        code = decode_qr(page.locator("#booking-qr").screenshot())
        assert live.get(f"/api/v1/appointments/{code}").json()["status"] == "booked"
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#cancel")
        expect(page.locator("#done-title")).to_have_text("预约已取消")
        assert live.get(f"/api/v1/appointments/{code}").json()["status"] == "cancelled"
        clock.advance(seconds=61)
        book(page, live.base, sms, "110105195003070019", "13812345678", "09:30")  # booked again, another slot
        again = decode_qr(page.locator("#booking-qr").screenshot())
        page.click("#change")  # 改约 in one step: another slot, the same QR
        expect(page.locator("#take-remote")).to_have_count(0)
        page.click("button[data-day='2026-11-24']")
        page.click("button[data-slot='2026-11-24T10:00:00+08:00']")
        expect(page.locator("#done-title")).to_have_text("已改约")
        expect(page.locator("#done-detail")).to_have_text("医保 · 2026-11-24 10:00–10:30")
        assert decode_qr(page.locator("#booking-qr").screenshot()) == again
        clock.set(MONDAY_9AM + dt.timedelta(days=1, minutes=45))  # Tuesday 09:45 in the hall: check in with the QR
        checked = live.post("/api/v1/appointments/check-in", "kiosk", json={"code": again})
        assert checked.status_code == 201, checked.text
    context.close()


def test_a_citizen_takes_a_number_from_home_and_the_kiosk_confirms_the_arrival(hall, sqlite_url, clock, browser, shot):
    """远程取号: the number queues at once; reached before its citizen arrived, the page says until when it keeps its
    place; the arrival QR (decoded from the page) confirms it at the kiosk, and then it is called."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    with FakeSmsGateway() as sms, serving(hall, sqlite_url, clock, sms_url=sms.url, sms_key_id="hall-key",
                                          sms_secret="gateway-secret") as live:
        page.goto(live.base + "/book")
        page.click("button[data-matter=minzheng]")
        expect(page.locator("#take-remote")).to_have_count(0)  # not offered for this matter
        page.goto(live.base + "/book")
        page.click("button[data-matter=shebao]")
        page.click("#take-remote")
        expect(page.locator("#chosen-slot")).to_have_text("社保 · 今天远程取号")
        page.fill("#id-number", "110105195003070019")
        page.fill("#phone", "13812345678")
        page.click("#send-code")
        expect(page.locator("#message")).to_contain_text("验证码已发送至")
        page.fill("#code", re.search(r"验证码 (\d{6})", sms.accepted[-1]["text"]).group(1))
        page.click("#confirm")
        expect(page.locator("#arrival-text")).to_contain_text("确认后才会叫号")
        assert "/t#" in page.url and "13812345678" not in page.url and "110105" not in page.url
        number = page.locator("#number").inner_text()
        walk_in = live.post("/api/v1/tickets", "kiosk", json={"category": "shebao"}).json()
        live.post("/api/v1/windows/1/open", "counter", 1)
        assert live.post("/api/v1/windows/1/call-next", "counter", 1).json()["ticket"]["id"] == walk_in["id"]
        expect(page.locator("#arrival-text")).to_contain_text("已轮到您！请在 09:05 前到场确认")
        page.screenshot(path=shot("phone-remote.png"))
        qr = decode_qr(page.locator("#arrival-qr").screenshot())
        assert qr.startswith("OWARRIVE:")
        assert live.post("/api/v1/tickets/arrive", "kiosk", json={"qr": qr}).json()["number"] == number
        expect(page.locator("#arrival")).to_be_hidden()
        live.post("/api/v1/windows/1/finish", "counter", 1)
        assert live.post("/api/v1/windows/1/call-next", "counter", 1).json()["ticket"]["number"] == number
        expect(page.locator("#reminder")).to_contain_text("1 号窗口")
    context.close()
