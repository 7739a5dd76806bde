"""远程取号 (the citizen's phone issue): a number taken from the phone is called only once its citizen is confirmed in
the hall; reached before that, it waits its grace at the head while the window calls those present, then lapses; its
text reminders at N ahead and at the call reach the loopback SMS gateway once — on SQLite and PostgreSQL."""

import datetime as dt
import re
import time

import pytest

from caller.engine import arrival
from caller.engine.model import Priority, QueueError, TicketStatus, Window
from caller.engine.model import issue as new_ticket
from caller.engine.policy import OldestWithHeadStart
from tests.caller.test_api import issue, problem
from tests.caller.test_model import RULES
from tests.caller.test_phone_verification import code_of
from tests.conftest import serving
from tests.fake_sms import FakeSmsGateway

PHONE = "13812345678"
ID = "110105195003070019"
T0 = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)


def ticket(number, minutes, remote=False):
    made, _ = new_ticket(number, number, "shebao", Priority.NORMAL, T0.date(), T0 + dt.timedelta(minutes=minutes))
    made.remote = remote
    return made


def test_a_remote_ticket_is_passed_over_until_it_arrives_and_waits_its_grace_then_lapses():
    policy = OldestWithHeadStart(RULES)
    remote, walk_in = ticket("A001", 0, remote=True), ticket("A002", 5)
    now = T0 + dt.timedelta(minutes=10)
    chosen, passed = arrival.choose_present(policy, Window(1), frozenset({"shebao"}), [remote, walk_in], now)
    assert chosen is walk_in and passed == [remote]  # not called to the window: the citizen present is
    grace = dt.timedelta(minutes=5)
    reached = arrival.pass_over(remote, now, grace)
    assert [e.type.value for e in reached] == ["ticket-reached"] and remote.reached_at == now
    assert arrival.pass_over(remote, now + dt.timedelta(minutes=4), grace) == []  # its grace runs
    early = ticket("A003", 0, remote=True)
    early.reached_at = now
    assert arrival.arrive(early, now + dt.timedelta(minutes=4), T0.date())[0].data == {"requeued": False}
    assert early.queued_at == T0 and not arrival.awaiting(early)  # within its grace: it keeps its place
    chosen, passed = arrival.choose_present(policy, Window(1), frozenset({"shebao"}), [early, walk_in], now)
    assert chosen is early and passed == []
    lapsed = arrival.pass_over(remote, now + dt.timedelta(minutes=5), grace)
    assert remote.status is TicketStatus.NO_SHOW and lapsed[0].data == {"reason": "not-arrived"}
    later = now + dt.timedelta(minutes=20)
    assert arrival.arrive(remote, later, T0.date())[0].data == {"requeued": True}
    assert remote.status is TicketStatus.WAITING and remote.queued_at == later  # behind everyone present
    assert arrival.arrive(remote, later, T0.date()) == []  # twice is no change
    with pytest.raises(QueueError, match="not a remote ticket"):
        arrival.arrive(walk_in, later, T0.date())


def proven_pass(live, sms, phone=PHONE):
    live.post("/api/v1/phone/code", json={"phone": phone})
    return live.post("/api/v1/phone/verify", json={"phone": phone, "code": code_of(sms)}).json()["pass"]


def texts(sms, to=PHONE):
    return [m["text"] for m in sms.accepted if m["to"] == to and "验证码" not in m["text"]]


def wait_for(predicate, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_a_remote_number_is_called_once_confirmed_at_the_kiosk_and_reminded_by_text(hall, db_url, clock):
    with FakeSmsGateway() as sms, serving(hall, db_url, clock, sms_url=sms.url, sms_key_id="hall-key",
                                          sms_secret="gateway-secret") as live:
        phone_pass = proven_pass(live, sms)
        taken = live.post("/api/v1/phone/tickets", json={"pass": phone_pass, "category": "shebao", "id_number": ID})
        assert taken.status_code == 201, taken.text
        remote = taken.json()
        assert remote["ticket"]["remote"] and remote["ticket"]["awaiting_arrival"]
        assert "<svg" in remote["arrival_qr_svg"]
        problem(live.post("/api/v1/phone/tickets", json={"pass": phone_pass, "category": "yibao",
                                                         "id_number": "110105195003070035"}), 409, "remote_held")
        walk_ins = [issue(live).json() for _ in range(4)]
        assert live.post("/api/v1/windows/1/open", "counter", 1).ok
        clock.advance(minutes=1)
        first = live.post("/api/v1/windows/1/call-next", "counter", 1).json()
        assert first["ticket"]["id"] == walk_ins[0]["id"]  # the remote citizen is not here: the next present one
        state = live.post("/api/v1/tickets/by-code", json={"code": remote["code"]}).json()
        assert state["ticket"]["arrive_by"].startswith("2026-11-23T09:06") and state["arrival_qr_svg"]
        # the reminder at N ahead: the remote ticket is at the head, so 0 ahead; once
        assert wait_for(lambda: len(texts(sms)) == 1), sms.accepted
        assert "前面还有 0 人" in texts(sms)[0] and "扫码确认到场" in texts(sms)[0]

        qr = re.sub(r"^", "OWARRIVE:", remote["code"])
        problem(live.post("/api/v1/tickets/arrive", "kiosk", json={"qr": "OWPICKUP:x"}), 422, "not_arrival_qr")
        clock.advance(minutes=3)  # within the 5 minutes' grace
        arrived = live.post("/api/v1/tickets/arrive", "kiosk", json={"qr": qr})
        assert arrived.status_code == 200, arrived.text
        assert not arrived.json()["awaiting_arrival"] and arrived.json()["phone_code"]  # the kiosk prints a slip
        assert live.post("/api/v1/tickets/arrive", "kiosk", json={"qr": qr}).ok  # twice: no change
        live.post("/api/v1/windows/1/finish", "counter", 1)
        called = live.post("/api/v1/windows/1/call-next", "counter", 1).json()
        assert called["ticket"]["id"] == remote["ticket"]["id"]  # it kept its place at the head
        assert wait_for(lambda: len(texts(sms)) == 2)
        assert texts(sms)[1] == f"【{hall.hall.name}】请 {remote['ticket']['number']} 号到 1 号窗口办理。"
        live.post("/api/v1/windows/1/finish", "counter", 1)
        time.sleep(0.5)
        assert len(texts(sms)) == 2  # each reminder once; nothing after the service
        with live.app.state.service.db.engine.connect() as conn:
            phones = [row for row in conn.exec_driver_sql("SELECT phone, phone_key FROM ticket_phones")]
        assert phones and phones[0][0] is None and PHONE not in phones[0][1]  # the number goes with the ticket
        problem(live.post(f"/api/v1/tickets/{walk_ins[1]['id']}/arrive", "desk"), 409, "not_remote")


def test_an_absent_remote_number_lapses_after_its_grace_and_queues_again_from_its_arrival(hall, db_url, clock):
    with FakeSmsGateway() as sms, serving(hall, db_url, clock, sms_url=sms.url, sms_key_id="hall-key",
                                          sms_secret="gateway-secret") as live:
        phone_pass = proven_pass(live, sms)
        remote = live.post("/api/v1/phone/tickets", json={"pass": phone_pass, "category": "yibao",
                                                          "id_number": ID}).json()
        walk_ins = [issue(live, "yibao").json() for _ in range(3)]
        live.post("/api/v1/windows/1/open", "counter", 1)
        clock.advance(minutes=1)
        assert live.post("/api/v1/windows/1/call-next", "counter", 1).json()["ticket"]["id"] == walk_ins[0]["id"]
        live.post("/api/v1/windows/1/finish", "counter", 1)
        clock.advance(minutes=6)  # past the grace: it lapses, and the window calls the next present citizen
        assert live.post("/api/v1/windows/1/call-next", "counter", 1).json()["ticket"]["id"] == walk_ins[1]["id"]
        state = live.get(f"/api/v1/tickets/{remote['ticket']['id']}").json()
        assert state["status"] == "no-show" and not state["awaiting_arrival"]
        history = live.get(f"/api/v1/numbers/{remote['ticket']['number']}", "desk")
        assert history.ok and "轮到时未到场" in history.text
        back = live.post(f"/api/v1/tickets/{remote['ticket']['id']}/arrive", "desk")  # the desk confirms it
        assert back.status_code == 200 and back.json()["status"] == "waiting"
        live.post("/api/v1/windows/1/finish", "counter", 1)
        # queued again from its arrival: the walk-in who was here before it goes first
        assert live.post("/api/v1/windows/1/call-next", "counter", 1).json()["ticket"]["id"] == walk_ins[2]["id"]
        live.post("/api/v1/windows/1/finish", "counter", 1)
        assert live.post("/api/v1/windows/1/call-next", "counter", 1).json()["ticket"]["id"] == remote["ticket"]["id"]


def test_remote_numbers_keep_the_halls_limits(hall, db_url, clock):
    limited = hall.model_copy(update={"phone": hall.phone.model_copy(update={"remote": {**hall.phone.remote,
        "shebao": hall.phone.remote["shebao"].model_copy(update={"max_waiting": 1})}})})
    with FakeSmsGateway() as sms, serving(limited, db_url, clock, sms_url=sms.url, sms_key_id="hall-key",
                                          sms_secret="gateway-secret") as live:
        phone_pass = proven_pass(live, sms)
        ask = {"pass": phone_pass, "category": "shebao", "id_number": ID}
        problem(live.post("/api/v1/phone/tickets", json={**ask, "category": "minzheng"}), 409, "remote_not_offered")
        problem(live.post("/api/v1/phone/tickets", json={**ask, "pass": phone_pass[:-3] + "abc"}), 401, "pass_invalid")
        assert live.post("/api/v1/phone/tickets", json=ask).status_code == 201
        clock.advance(seconds=61)
        other = proven_pass(live, sms, "13912345678")
        problem(live.post("/api/v1/phone/tickets", json={**ask, "pass": other, "id_number": "110105195003070035"}),
                409, "remote_full")
        clock.advance(hours=6, minutes=31)  # 15:31: past the matter's latest time
        problem(live.post("/api/v1/phone/tickets", json={**ask, "pass": proven_pass(live, sms, "13712345678"),
                                                         "category": "yibao", "id_number": "110105195003070035"}),
                409, "remote_closed")


def test_the_text_reminder_goes_when_remind_ahead_are_ahead_and_not_before(hall, db_url, clock):
    with FakeSmsGateway() as sms, serving(hall, db_url, clock, sms_url=sms.url, sms_key_id="hall-key",
                                          sms_secret="gateway-secret") as live:
        for _ in range(5):
            issue(live, "yibao")
        remote = live.post("/api/v1/phone/tickets", json={"pass": proven_pass(live, sms), "category": "yibao",
                                                          "id_number": ID}).json()
        assert remote["ticket"]["ahead"] == 5
        live.post("/api/v1/windows/1/open", "counter", 1)
        live.post("/api/v1/windows/1/call-next", "counter", 1)  # 4 ahead: not yet
        live.app.state.remote.remind()
        assert texts(sms) == []
        live.post("/api/v1/windows/1/finish", "counter", 1)
        live.post("/api/v1/windows/1/call-next", "counter", 1)  # 3 ahead ([phone] remind_ahead)
        assert wait_for(lambda: len(texts(sms)) == 1)
        assert f"您的 {remote['ticket']['number']} 号前面还有 3 人" in texts(sms)[0]
        live.post("/api/v1/windows/1/finish", "counter", 1)
        live.post("/api/v1/windows/1/call-next", "counter", 1)
        live.app.state.remote.remind()
        assert len(texts(sms)) == 1  # once
