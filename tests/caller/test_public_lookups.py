"""Public lookups by a secret (a ticket id, a slip's code, a booking's code) cannot be guessed at speed: an address
that keeps missing waits (429), while a phone following its own ticket is never held up (issue 10)."""

import pytest

from tests.caller.test_api import issue, problem
from tests.conftest import serving


@pytest.fixture
def strict(hall, sqlite_url, clock):
    with serving(hall, sqlite_url, clock, lookup_misses_per_10min=5) as live:
        yield live


def test_an_address_that_keeps_guessing_ids_and_codes_is_held_off(strict, clock):
    mine = issue(strict).json()
    for guess in ("AAAAAAAAAAAA", "BBBBBBBBBBBB", "CCCCCCCCCCCC"):
        assert strict.get(f"/api/v1/tickets/{guess}").status_code == 404
    assert strict.post("/api/v1/tickets/by-code", json={"code": "forged.code"}).status_code == 400
    assert strict.get("/api/v1/appointments/forged.code").status_code == 400
    held = problem(strict.get(f"/api/v1/tickets/{mine['id']}"), 429, "too_many_lookups")  # the sixth: held off
    assert "稍后" in held["message"]
    assert int(strict.get("/api/v1/tickets/DDDDDDDDDDDD").headers["Retry-After"]) > 0
    assert issue(strict).status_code == 201  # the kiosks' own API is not a public lookup


def test_the_address_behind_the_trusted_proxy_is_the_one_it_forwards(strict):
    mine = issue(strict).json()
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    for _ in range(5):
        strict.get("/api/v1/tickets/AAAAAAAAAAAA", headers=guesser)
    problem(strict.get(f"/api/v1/tickets/{mine['id']}", headers=guesser), 429, "too_many_lookups")
    phone = {"X-Forwarded-For": "198.51.100.20"}
    assert strict.get(f"/api/v1/tickets/{mine['id']}", headers=phone).status_code == 200


def test_a_phone_following_its_own_ticket_is_never_held_up(strict):
    mine = issue(strict).json()
    for _ in range(60):
        assert strict.get(f"/api/v1/tickets/{mine['id']}").status_code == 200


def test_the_held_off_address_may_try_again_once_the_window_has_passed():
    import asyncio

    from caller.api.guards import LookupGuard

    async def unknown(scope, receive, send):  # an app that knows no ticket
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    now = [1000.0]
    guard = LookupGuard(unknown, limit=2, window_s=600, clock=lambda: now[0])

    def look() -> int:
        sent = []

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "path": "/api/v1/tickets/X", "client": ("192.0.2.1", 1), "headers": []}
        asyncio.run(guard(scope, None, send))
        return sent[0]["status"]

    assert [look() for _ in range(3)] == [404, 404, 429]
    now[0] += 599
    assert look() == 429
    now[0] += 2  # ten minutes after the misses
    assert look() == 404
