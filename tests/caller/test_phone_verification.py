"""Proving a mobile number on the public phone pages (the citizen's phone issue): a code through the loopback SMS
gateway, a phone pass for the right code, the fifth wrong try burning it, one code a minute and five a day per
number, twenty a day per address — and only digests stored — on SQLite and PostgreSQL."""

import re

import pytest

from caller.public.verification import PassInvalid
from tests.caller.test_api import problem
from tests.conftest import serving
from tests.fake_sms import FakeSmsGateway

PHONE = "13812345678"


def code_of(gateway, index=-1):
    return re.search(r"验证码 (\d{6})", gateway.accepted[index]["text"]).group(1)


def test_a_number_is_proved_by_its_code_and_bots_are_held_off(hall, db_url, clock):
    with FakeSmsGateway() as sms, serving(hall, db_url, clock, sms_url=sms.url, sms_key_id="hall-key",
                                          sms_secret="gateway-secret") as live:
        sent = live.post("/api/v1/phone/code", json={"phone": PHONE})
        assert sent.status_code == 200 and sent.json()["phone_masked"] == "138****5678"
        assert "demo_code" not in sent.json() and sms.accepted[0]["to"] == PHONE and sms.bad_signatures == 0
        code = code_of(sms)
        again = live.post("/api/v1/phone/code", json={"phone": PHONE})
        problem(again, 429, "code_cooldown")
        assert 1 <= int(again.headers["Retry-After"]) <= 61
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        problem(live.post("/api/v1/phone/verify", json={"phone": PHONE, "code": wrong}), 422, "wrong_code")
        proved = live.post("/api/v1/phone/verify", json={"phone": PHONE, "code": code}).json()
        assert proved["phone_masked"] == "138****5678" and proved["expires_at"].startswith("2026-11-23T09:30")
        assert live.app.state.phone_verification.phone_of(proved["pass"]) == PHONE
        problem(live.post("/api/v1/phone/verify", json={"phone": PHONE, "code": code}), 422, "wrong_code")  # used

        clock.advance(seconds=61)  # a new code: five wrong tries burn it, the right one comes too late
        live.post("/api/v1/phone/code", json={"phone": PHONE})
        for _ in range(5):
            problem(live.post("/api/v1/phone/verify", json={"phone": PHONE, "code": "000000"
                                                            if code_of(sms) != "000000" else "111111"}),
                    422, "wrong_code")
        problem(live.post("/api/v1/phone/verify", json={"phone": PHONE, "code": code_of(sms)}), 422, "wrong_code")
        for _ in range(3):  # five a day for one number
            clock.advance(seconds=61)
            assert live.post("/api/v1/phone/code", json={"phone": PHONE}).status_code == 200
        clock.advance(seconds=61)
        problem(live.post("/api/v1/phone/code", json={"phone": PHONE}), 429, "code_daily_cap")
        problem(live.post("/api/v1/phone/code", json={"phone": "12345678901"}), 422, "invalid_request")

        with live.app.state.service.db.engine.connect() as conn:
            stored = " ".join(str(v) for row in conn.exec_driver_sql("SELECT * FROM phone_codes") for v in row)
        assert PHONE not in stored and code not in stored  # digests only
        clock.advance(minutes=31)
        with pytest.raises(PassInvalid):  # 30 minutes, no more
            live.app.state.phone_verification.phone_of(proved["pass"])
        with pytest.raises(PassInvalid):
            live.app.state.phone_verification.phone_of(proved["pass"][:-2] + "xx")


def test_an_address_gets_twenty_codes_a_day_and_no_gateway_means_no_codes(hall, sqlite_url, clock):
    with FakeSmsGateway() as sms, serving(hall, sqlite_url, clock, sms_url=sms.url, sms_key_id="hall-key",
                                          sms_secret="gateway-secret") as live:
        answers = [live.post("/api/v1/phone/code", json={"phone": f"139{n:08d}"}).status_code for n in range(21)]
        assert answers[:20] == [200] * 20 and answers[20] == 429
    with serving(hall, sqlite_url, clock) as live:
        problem(live.post("/api/v1/phone/code", json={"phone": PHONE}), 409, "sms_unavailable")
    with serving(hall, sqlite_url, clock, demo=True) as live:  # ./dev hall: the code shown instead of sent
        demo = live.post("/api/v1/phone/code", json={"phone": PHONE}).json()
        assert re.fullmatch(r"\d{6}", demo["demo_code"])
        assert live.post("/api/v1/phone/verify", json={"phone": PHONE, "code": demo["demo_code"]}).ok


def test_a_proven_number_books_real_name_with_the_kiosks_limits(hall, db_url, clock):
    with FakeSmsGateway() as sms, serving(hall, db_url, clock, sms_url=sms.url, sms_key_id="hall-key",
                                          sms_secret="gateway-secret") as live:
        live.post("/api/v1/phone/code", json={"phone": PHONE})
        phone_pass = live.post("/api/v1/phone/verify", json={"phone": PHONE, "code": code_of(sms)}).json()["pass"]
        slot = {"category": "yibao", "slot_start": "2026-11-24T09:00:00+08:00", "id_number": "110105195003070019"}
        problem(live.post("/api/v1/phone/bookings", json={"pass": phone_pass[:-3] + "abc", **slot}), 401,
                "pass_invalid")
        booked = live.post("/api/v1/phone/bookings", json={"pass": phone_pass, **slot})
        assert booked.status_code == 201, booked.text
        assert booked.json()["category_name"] == "医保" and booked.json()["slot_start"].startswith("2026-11-24T09:00")
        problem(live.post("/api/v1/phone/bookings", json={"pass": phone_pass, **slot}), 409, "already_booked")
        status = live.get(f"/api/v1/appointments/{booked.json()['code']}").json()
        assert status["status"] == "booked"
        cancelled = live.post("/api/v1/appointments/cancel", json={"code": booked.json()["code"]}).json()
        assert cancelled["status"] == "cancelled"
