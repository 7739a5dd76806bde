"""Input at the edges: each a 4xx with {error, message} on SQLite and PostgreSQL alike, never a 500."""

import pytest
import requests

from caller.auth import Role, TokenStore
from caller.engine.identity import NAME_MAX_CHARS
from caller.storage.database import make_engine
from tests.caller.test_api import issue, problem


def test_the_longest_name_the_api_allows_is_stored_masked(live):
    name = "阿卜杜热合曼·买买提明·" + "穆" * (NAME_MAX_CHARS - 12)  # a long transliterated name
    assert len(name) == NAME_MAX_CHARS
    made = issue(live, name=name)
    assert made.status_code == 201, made.text
    live.post("/api/v1/windows/1/open", "counter", 1)
    shown = live.post("/api/v1/windows/1/call-next", "counter", 1).json()["window"]["personal"]["name"]
    assert shown.startswith("阿") and len(shown) == NAME_MAX_CHARS and "买买提明" not in shown
    problem(issue(live, name=name + "穆"), 422, "invalid_request")


@pytest.mark.parametrize("body", [
    {"category": "shebao", "source": "kiosk\x00-1"},
    {"category": "shebao\x00"},
    {"category": "shebao", "name": "张\x00三"},
], ids=["source", "category", "name"])
def test_a_nul_byte_in_a_ticket_body_is_refused(live, body):
    problem(live.post("/api/v1/tickets", "kiosk", json=body), 422, "invalid_text")


def test_a_nul_byte_in_a_rating_reason_or_a_help_note_is_refused(live):
    problem(live.post("/api/v1/ratings", json={"ticket": "x" * 12, "level": 1, "reason": "慢\x00"}), 422, "invalid_text")
    problem(live.post("/api/v1/help", "kiosk", json={"note": "轮椅\x00"}), 422, "invalid_text")


@pytest.mark.parametrize("path", ["/api/v1/tickets/abc%00def", "/api/v1/tickets/%00",
                                  "/api/v1/appointments/slots?category=yibao%00&day=2026-11-24",
                                  "/api/v1/appointments/ab%00cd"])
def test_a_nul_byte_in_a_path_or_query_is_refused_without_a_token(live, path):
    problem(requests.get(live.base + path, timeout=5), 400, "invalid_text")
    problem(requests.post(live.base + "/api/v1/tickets/abc%00/return", timeout=5), 400, "invalid_text")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-11-22", "2027-06-01"])
def test_slots_of_a_day_outside_the_booking_horizon_are_refused(live, day):
    body = problem(live.get("/api/v1/appointments/slots", params={"category": "yibao", "day": day}), 422,
                   "day_out_of_range")
    assert "7" in body["message"]


@pytest.mark.parametrize("start", ["9999-12-31T23:30:00+00:00", "0001-01-01T00:00:00+14:00",
                                   "9999-12-31T23:59:59-12:00"])
def test_booking_a_slot_at_the_ends_of_time_is_refused(live, start):
    answer = live.post("/api/v1/appointments", "kiosk", json={"category": "yibao", "slot_start": start,
                                                               "id_number": "110105195003070019"})
    assert answer.status_code in (409, 422), answer.text
    assert set(answer.json()) == {"error", "message"}


@pytest.mark.parametrize("last_id", [str(2**63), str(2**64 + 5), "9" * 30])
def test_a_last_event_id_beyond_64_bits_is_refused(live, last_id):
    problem(live.get("/api/v1/events", "display", headers={"Last-Event-ID": last_id}), 422, "invalid_last_event_id")


def test_a_revoked_token_stops_at_once_in_every_process(live):
    token = live.app.state.tokens.create(Role.KIOSK)
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(live.base + "/api/v1/queue", headers=headers, timeout=5).status_code == 200
    # revoked by another process (the CLI, another caller) through its own store on the same database
    engine = make_engine(live.app.state.settings.database_url)
    try:
        other = TokenStore(engine, live.app.state.service.hall.hall.id)
        token_id = next(row["id"] for row in other.list() if row["role"] == "kiosk" and not row["revoked"])
        assert other.revoke(token_id)
    finally:
        engine.dispose()
    problem(requests.get(live.base + "/api/v1/queue", headers=headers, timeout=5), 401, "unauthorized")


def test_a_405_says_which_methods_are_allowed(live):
    answer = requests.delete(live.base + "/api/v1/tickets", timeout=5)
    problem(answer, 405, "method_not_allowed")
    assert answer.headers["Allow"] == "POST"


@pytest.mark.parametrize("level", [True, False, "5", 4.0, 4.5])
def test_a_rating_level_must_be_a_whole_number(live, level):
    problem(live.post("/api/v1/ratings", json={"ticket": "x" * 12, "level": level}), 422, "invalid_request")
