"""Across the hall's midnight: yesterday's no-show cannot come back, and a service the day-end sweep closed
cannot be rated — clear refusals on SQLite and PostgreSQL."""

import pytest

from tests.caller.test_api import issue, problem

pytestmark = pytest.mark.clock


def at_window(live, window=1):
    live.post(f"/api/v1/windows/{window}/open", "admin")
    return live.post(f"/api/v1/windows/{window}/call-next", "admin").json()["ticket"]


def test_yesterdays_no_show_is_refused_a_return_with_a_clear_message(live, clock):
    issue(live)
    ticket = at_window(live)
    for _ in range(2):
        live.post("/api/v1/windows/1/recall", "admin")
    assert live.post("/api/v1/windows/1/no-show", "admin").status_code == 200
    clock.advance(hours=15, minutes=10)  # 00:10 the next day: within the 30 minutes, but another day
    body = problem(live.post(f"/api/v1/tickets/{ticket['id']}/return", "kiosk"), 409, "day_over")
    assert "重新取号" in body["message"]
    assert live.get(f"/api/v1/tickets/{ticket['id']}").json()["status"] == "no-show"


def test_a_service_closed_by_the_day_end_sweep_cannot_be_rated(live, clock):
    code = issue(live).json()["phone_code"]
    ticket = at_window(live)
    live.post("/api/v1/windows/1/start", "admin")
    clock.advance(days=1)
    assert live.get(f"/api/v1/tickets/{ticket['id']}").json()["status"] == "done"  # by the sweep
    problem(live.post("/api/v1/ratings", json={"code": code, "level": 5}), 409, "not_served")
    assert live.post("/api/v1/tickets/by-code", json={"code": code}).json()["rating"] == "not_served"
