"""The live service and the simulator decide alike: a simulated day replayed over HTTP calls the same tickets in order."""

import datetime as dt

from caller.queue.service import rules_from_hall
from caller.simulation.generator import draw_fates, generate_day
from caller.simulation.policies import policies
from caller.simulation.simulator import HALL_OPENS, simulate_day


def replay(live, clock, actions, issue_extra=None, answers=None, issuer=None, returner=None, before=None):
    """Press the same buttons at the same (virtual) moments; return the live service's calls in order.
    `issue_extra()` gives more fields for each ticket (a name, an ID); `answers` collects ticket id → phone code.
    `issuer(action, body)` issues instead of the kiosk when it answers (the 咨询台, say); `returner(ticket_id)`
    brings a no-show back instead of the kiosk; `before(at)` runs before each action at its moment."""
    live_id: dict[str, str] = {}
    calls: list[tuple[int, str]] = []
    for action in actions:
        clock.set(HALL_OPENS + dt.timedelta(seconds=action.at_s))
        if before is not None:
            before(HALL_OPENS + dt.timedelta(seconds=action.at_s))
        window = f"/api/v1/windows/{action.window}"
        held = {"ticket": live_id[action.ticket]} if action.ticket in live_id else {}
        if action.kind == "issue":
            body = {"category": action.value, "priority": action.extra, **(issue_extra() if issue_extra else {})}
            answer = (issuer and issuer(action, body)) or live.post("/api/v1/tickets", "kiosk", json=body)
            live_id[action.ticket] = answer.json()["id"]
            if answers is not None:
                answers[answer.json()["id"]] = answer.json()["phone_code"]
        elif action.kind in ("open", "close", "pause", "resume"):
            answer = live.post(f"{window}/{action.kind}", "admin")
        elif action.kind == "call":
            answer = live.post(f"{window}/call-next", "admin")
            calls.append((action.window, answer.json()["ticket"]["id"] if answer.status_code == 200 else None))
        elif action.kind in ("recall", "no-show", "finish"):
            answer = live.post(f"{window}/{action.kind}", "admin", json=held)
        elif action.kind == "transfer":
            answer = live.post(f"{window}/transfer", "admin", json={**held, "category": action.value})
        elif action.kind == "return" and returner is not None:
            answer = returner(live_id[action.ticket])
        elif action.kind in ("return", "cancel"):
            answer = live.post(f"/api/v1/tickets/{live_id[action.ticket]}/{action.kind}", "kiosk")
        else:
            raise AssertionError(f"unknown action {action.kind}")
        assert answer.status_code in (200, 201), (action, answer.text)
    return calls, live_id


def test_a_short_generated_day_gets_the_same_calls_over_http_as_in_the_simulator(live, clock, hall):
    rules = rules_from_hall(hall)
    arrivals = [a for a in generate_day(42) if a.arrival_s < 75 * 60]  # the first 75 minutes of a day
    fates = draw_fates(42, arrivals)
    # the layout of the day the live clock shows (in the 医保 season: the seasonal window is part of it)
    policy = policies(hall, rules, hall.service_day(HALL_OPENS))["ours"]
    simulated = simulate_day(arrivals, fates, policy, rules, {c.id: c.service_minutes * 60 for c in hall.categories})
    kinds = {a.kind for a in simulated.actions}
    assert {"issue", "call", "finish", "open"} <= kinds and len(simulated.calls) > 50

    calls, live_id = replay(live, clock, simulated.actions)

    expected = [(a.window, live_id[a.ticket]) for a in simulated.actions if a.kind == "call"]
    assert calls == expected
