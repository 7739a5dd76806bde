"""预约 over real HTTP: slots, booking, the signed QR code, and check-in (on SQLite and PostgreSQL)."""

import datetime as dt
import threading

import pytest

from tests.caller.test_api import problem

pytestmark = pytest.mark.clock  # slots and check-in windows around the hall's day

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TOMORROW_10 = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # the clock starts on Monday 23 Nov, 09:00


def waiting(live):
    return {c["id"]: c["waiting"] for c in live.get("/api/v1/categories").json() if c["waiting"]}


def book(live, start=TOMORROW_10, category="yibao"):
    return live.post("/api/v1/appointments", "kiosk", json={"category": category, "slot_start": start.isoformat()})


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
