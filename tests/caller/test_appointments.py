"""预约 over real HTTP: slots, booking, the signed QR code, and check-in (on SQLite and PostgreSQL)."""

import datetime as dt
import threading

import itertools

import pytest

from caller.engine.identity import check_digit
from tests.caller.test_api import problem

pytestmark = pytest.mark.clock  # slots and check-in windows around the hall's day

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TOMORROW_10 = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # the clock starts on Monday 23 Nov, 09:00


def waiting(live):
    return {c["id"]: c["waiting"] for c in live.get("/api/v1/categories").json() if c["waiting"]}


_citizens = itertools.count(1)


def citizen(n: int | None = None) -> str:
    """A valid ID number, a different one each call unless `n` is given."""
    body = f"11010519800101{next(_citizens) if n is None else n:03d}"
    return body + check_digit(body)


def book(live, start=TOMORROW_10, category="yibao", id_number="", **extra):
    """Book as a new citizen each time, unless `id_number` is given (None: by phone, in `extra`)."""
    body = {"category": category, "slot_start": start.isoformat(), **extra}
    if id_number is not None:
        body["id_number"] = id_number or citizen()
    return live.post("/api/v1/appointments", "kiosk", json=body)


def test_a_booking_checks_in_on_time_as_an_appointment_ticket_once(live, clock):
    slots = live.get("/api/v1/appointments/slots", params={"category": "yibao", "day": "2026-11-24"}).json()
    assert len(slots) == 16 and slots[0]["start"] == "2026-11-24T08:30:00+08:00" and slots[0]["free"] == 3
    booked = book(live)
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    assert live.get(f"/api/v1/appointments/{code}").json()["status"] == "booked"
    assert next(s for s in live.get("/api/v1/appointments/slots", params={"category": "yibao", "day": "2026-11-24"}).json()
                if s["start"] == TOMORROW_10.isoformat())["free"] == 2

    problem(live.post("/api/v1/appointments/check-in", "kiosk", json={"code": code}), 409, "too_early")
    clock.set(TOMORROW_10 - dt.timedelta(minutes=20))  # within the 30 minutes before the slot
    checked = live.post("/api/v1/appointments/check-in", "kiosk", json={"code": code})
    assert checked.status_code == 201, checked.text
    ticket = checked.json()["ticket"]
    assert ticket["priority"] == "appointment" and ticket["number"] == "B001"
    again = problem(live.post("/api/v1/appointments/check-in", "kiosk", json={"code": code}), 409, "appointment_used")
    assert "B001" in again["message"]
    status = live.get(f"/api/v1/appointments/{code}").json()
    assert status["status"] == "checked-in" and status["ticket_id"] == ticket["id"]
    assert waiting(live) == {"yibao": 1}  # one ticket, however often the code was shown


def test_late_forged_and_altered_codes_are_refused_with_a_clear_message(live, clock):
    code = book(live).json()["code"]
    clock.set(TOMORROW_10 + dt.timedelta(minutes=46))  # slot ended 10:30, +15 min late allowance
    problem(live.post("/api/v1/appointments/check-in", "kiosk", json={"code": code}), 409, "too_late")
    altered = code[:-2] + ("AA" if not code.endswith("AA") else "BB")
    for bad in (altered, "hello", "", "x" * 300, code.split(".")[0] + ".forged"):
        answer = live.post("/api/v1/appointments/check-in", "kiosk", json={"code": bad})
        assert answer.status_code in (400, 422), (bad, answer.text)
        assert answer.json()["error"] in ("invalid_code", "invalid_request")
    problem(live.get("/api/v1/appointments/garbage"), 400, "invalid_code")
    assert waiting(live) == {}


def test_booking_refuses_unknown_past_full_and_far_slots(live, clock):
    problem(book(live, category="nope"), 422, "unknown_category")
    problem(book(live, start=TOMORROW_10 + dt.timedelta(minutes=10)), 422, "invalid_slot")  # not a slot boundary
    problem(book(live, start=dt.datetime(2026, 11, 23, 8, 30, tzinfo=SHANGHAI)), 409, "slot_past")
    problem(book(live, start=dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)), 409, "too_far_ahead")
    problem(book(live, start=dt.datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)), 422, "invalid_slot")  # Saturday
    for _ in range(3):
        assert book(live).status_code == 201
    problem(book(live), 409, "slot_full")
    assert live.post("/api/v1/appointments", json={"category": "yibao", "slot_start": TOMORROW_10.isoformat()}).status_code == 401


def test_two_kiosks_booking_the_last_seats_at_once_never_overfill_a_slot(live):
    answers = []
    barrier = threading.Barrier(6)

    def take():
        barrier.wait()
        answers.append(book(live).status_code)

    threads = [threading.Thread(target=take) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 201, 201, 409, 409, 409]


def test_a_check_in_cut_off_after_issuing_gives_the_same_ticket_when_retried(live, clock):
    """A crash between issuing the ticket and marking the booking: the retry must not issue a second ticket."""
    from caller.queue.service import IssueRequest

    booked = book(live).json()
    clock.set(TOMORROW_10)
    first = live.app.state.service.issue(IssueRequest("yibao", "appointment", source="appointment"), f"appointment:{booked['id']}")
    checked = live.post("/api/v1/appointments/check-in", "kiosk", json={"code": booked["code"]})
    assert checked.status_code == 201 and checked.json()["ticket"]["id"] == first.ticket.id
    assert waiting(live) == {"yibao": 1}


def test_booking_is_real_name_one_per_matter_and_a_few_per_citizen(live):
    start = TOMORROW_10.isoformat()
    no_name = live.post("/api/v1/appointments", "kiosk", json={"category": "yibao", "slot_start": start})
    problem(no_name, 422, "real_name_required")
    problem(book(live, id_number="110105198001010011"), 422, "invalid_id_number")
    problem(book(live, id_number=None, phone="12345678901"), 422, "invalid_phone")
    me = citizen(900)
    assert book(live, id_number=me).status_code == 201
    refused = problem(book(live, start=TOMORROW_10 + dt.timedelta(hours=1), id_number=me), 409, "already_booked")
    assert "10:00" in refused["message"]
    assert book(live, category="shebao", id_number=me).status_code == 201
    problem(book(live, category="budongchan", id_number=me), 409, "booking_limit")  # per_citizen = 2
    by_phone = book(live, category="budongchan", id_number=None, phone="13800138000")
    assert by_phone.status_code == 201, by_phone.text
    problem(book(live, category="budongchan", id_number=None, phone="13800138000"), 409, "already_booked")
    with live.app.state.service.db.read() as conn:
        rows = conn.exec_driver_sql("SELECT id_masked, id_key FROM appointments").all()
    assert {r[0] for r in rows} == {"1101**********" + me[-4:], "138****8000"}
    assert not any(me in str(r) or "13800138000" in str(r) for r in rows)


def test_one_token_cannot_snatch_a_days_seats(hall, sqlite_url, clock):
    from tests.conftest import serving

    strict = hall.model_copy(update={"appointments": hall.appointments.model_copy(update={"per_source_per_hour": 4})})
    with serving(strict, sqlite_url, clock) as live:
        answers = [book(live, start=TOMORROW_10 + dt.timedelta(minutes=30 * (i % 6))).status_code for i in range(6)]
        assert answers == [201] * 4 + [429] * 2
        clock.advance(hours=1, minutes=1)
        assert book(live).status_code == 201


def test_a_cancelled_booking_frees_its_seat_at_once(live, clock):
    codes = [book(live).json()["code"] for _ in range(3)]
    problem(book(live), 409, "slot_full")
    cancelled = live.post("/api/v1/appointments/cancel", json={"code": codes[1]})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert live.post("/api/v1/appointments/cancel", json={"code": codes[1]}).json()["status"] == "cancelled"
    assert book(live).status_code == 201
    problem(live.post("/api/v1/appointments/check-in", "kiosk", json={"code": codes[1]}), 409, "appointment_cancelled")
    clock.set(TOMORROW_10)
    assert live.post("/api/v1/appointments/check-in", "kiosk", json={"code": codes[0]}).status_code == 201
    problem(live.post("/api/v1/appointments/cancel", json={"code": codes[0]}), 409, "appointment_used")


def test_a_booked_citizen_on_time_checks_in_before_opening_and_after_issuing_stops(live, clock):
    first = book(live, start=dt.datetime(2026, 11, 24, 8, 30, tzinfo=SHANGHAI)).json()["code"]
    last = book(live, start=dt.datetime(2026, 11, 24, 16, 0, tzinfo=SHANGHAI)).json()["code"]
    clock.set(dt.datetime(2026, 11, 24, 8, 10, tzinfo=SHANGHAI))  # the hall issues from 08:30
    problem(live.post("/api/v1/tickets", "kiosk", json={"category": "yibao"}), 409, "hall_closed")
    early = live.post("/api/v1/appointments/check-in", "kiosk", json={"code": first})
    assert early.status_code == 201, early.text  # before: hall_closed
    clock.set(dt.datetime(2026, 11, 24, 16, 40, tzinfo=SHANGHAI))  # issuing stopped at 16:30
    late = live.post("/api/v1/appointments/check-in", "kiosk", json={"code": last})
    assert late.status_code == 201, late.text
    assert waiting(live) == {"yibao": 2}


def test_three_bookings_let_lapse_suspend_booking_for_thirty_days(live, clock):
    """No-shows counted (the citizen's phone issue): the third booking a citizen lets lapse within 30 days
    suspends their booking for 30 days after it; other citizens book as before."""
    me = citizen()
    for day in (24, 25, 26):  # Tuesday to Thursday, 10:00: booked, never come
        start = dt.datetime(2026, 11, day, 10, 0, tzinfo=SHANGHAI)
        assert book(live, start, id_number=me).status_code == 201
        clock.set(start + dt.timedelta(hours=3))
    refused = book(live, dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI), category="shebao", id_number=me)
    assert refused.status_code == 409 and refused.json()["error"] == "booking_suspended"
    assert "12月26日前暂停预约" in refused.json()["message"]  # 30 days after Thursday's lapsed slot
    assert book(live, dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)).status_code == 201  # others still book
    clock.set(dt.datetime(2026, 12, 27, 9, 0, tzinfo=SHANGHAI))  # 30 days after the last lapse
    assert book(live, dt.datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI), id_number=me).status_code == 201


def test_a_booking_changes_slot_in_one_step_keeping_its_code(hall, db_url, clock):
    """改约 (the citizen's phone issue): the booking moves to a free slot of its matter, its code unchanged; a full
    slot leaves it where it was; a cancelled one does not move."""
    from tests.caller.test_api import problem
    from tests.conftest import serving

    full = hall.model_copy(update={"appointments": hall.appointments.model_copy(update={"per_slot": 1})})
    with serving(full, db_url, clock) as live:
        def book(slot, id_number):
            answer = live.post("/api/v1/appointments", "kiosk", json={
                "category": "yibao", "slot_start": f"2026-11-24T{slot}:00+08:00", "id_number": id_number})
            assert answer.status_code == 201, answer.text
            return answer.json()

        mine = book("09:00", "110105195003070019")
        book("09:30", "110105195003070035")
        problem(live.post("/api/v1/appointments/change", json={"code": mine["code"],
                                                               "slot_start": "2026-11-24T09:30:00+08:00"}),
                409, "slot_full")
        assert live.get(f"/api/v1/appointments/{mine['code']}").json()["slot_start"].startswith("2026-11-24T09:00")
        moved = live.post("/api/v1/appointments/change", json={"code": mine["code"],
                                                              "slot_start": "2026-11-24T10:00:00+08:00"})
        assert moved.status_code == 200, moved.text
        assert moved.json()["code"] == mine["code"] and moved.json()["slot_start"].startswith("2026-11-24T10:00")
        assert book("09:00", "110105195003070051")["status"] == "booked"  # its old seat is free again
        problem(live.post("/api/v1/appointments/change", json={"code": mine["code"], "slot_start": "2026-11-24T10:07:00+08:00"}),
                422, "invalid_slot")
        live.post("/api/v1/appointments/cancel", json={"code": mine["code"]})
        problem(live.post("/api/v1/appointments/change", json={"code": mine["code"],
                                                              "slot_start": "2026-11-24T11:00:00+08:00"}),
                409, "appointment_cancelled")
