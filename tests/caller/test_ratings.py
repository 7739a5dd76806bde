"""好差评 over real HTTP: only the citizen served (the slip's code) or the window's paired evaluator rates, once
per finished service; reason classes for the low levels; aggregates — on SQLite and PostgreSQL."""

import threading

from caller.auth import Role
from tests.caller.test_api import issue, problem


def serve(live, window=3, category="shebao"):
    ticket = issue(live, category).json()
    live.post(f"/api/v1/windows/{window}/open", "counter", window=window)
    live.post(f"/api/v1/windows/{window}/call-next", "counter", window=window)
    assert live.post(f"/api/v1/windows/{window}/finish", "counter", window=window).ok
    return ticket


def by_code(live, ticket, level, **extra):
    return live.post("/api/v1/ratings", json={"code": ticket["phone_code"], "level": level, **extra})


def evaluator(live, window):
    """Pair the window's tablet as staff would: a code from the counter, sent once by the tablet."""
    offer = live.post(f"/api/v1/windows/{window}/evaluator-pairing", "counter", window=window)
    assert offer.status_code == 201, offer.text
    paired = live.post("/api/v1/evaluators", json={"window": window, "code": offer.json()["code"]})
    assert paired.status_code == 201, paired.text
    return {"Authorization": f"Bearer {paired.json()['token']}"}


def test_a_finished_service_is_rated_once_by_the_slips_code(live):
    ticket = serve(live)
    assert ticket["phone_code"] and ticket["id"] not in ticket["phone_code"].split(".")[-1]
    shown = live.get("/api/v1/windows/3/last-service", "display").json()
    assert shown["number"] == ticket["number"] and shown["rated"] is False and shown["ticket"] == ticket["id"]
    phone = live.post("/api/v1/tickets/by-code", json={"code": ticket["phone_code"]}).json()
    assert phone["ticket"]["number"] == ticket["number"] and phone["rating"] == "open"
    rated = by_code(live, ticket, 5)
    assert rated.status_code == 201 and rated.json()["level_name"] == "非常满意" and rated.json()["window"] == 3
    problem(by_code(live, ticket, 4), 409, "already_rated")
    assert live.post("/api/v1/tickets/by-code", json={"code": ticket["phone_code"]}).json()["rating"] == "rated"
    assert live.get("/api/v1/windows/3/last-service", "display").json()["rated"] is True


def test_what_boards_kiosks_and_counters_see_rates_nothing(live):
    """The attack of issue 10: a board's token read ticket ids from /queue and rated first."""
    issue(live)
    live.post("/api/v1/windows/3/open", "counter", window=3)
    live.post("/api/v1/windows/3/call-next", "counter", window=3)
    seen = live.get("/api/v1/queue", "display").json()["windows"][2]["ticket"]
    assert "phone_code" not in seen or seen["phone_code"] is None
    live.post("/api/v1/windows/3/finish", "counter", window=3)
    for role in ("display", "kiosk", "counter", None):
        answer = live.post("/api/v1/ratings", role, **({"window": 3} if role == "counter" else {}),
                           json={"ticket": seen["id"], "level": 1, "reason": "刷差评"})
        assert answer.status_code == 403, (role, answer.text)
    problem(live.post("/api/v1/ratings", json={"code": seen["id"], "level": 1, "reason": "x"}), 400, "invalid_code")
    forged = live.post("/api/v1/ratings", json={"code": seen["id"] + ".forged", "level": 1, "reason": "x"})
    problem(forged, 400, "invalid_code")
    assert live.get("/api/v1/windows/3/last-service", "display").json()["rated"] is False  # still the citizen's


def test_the_windows_evaluator_rates_only_the_service_its_window_finished_last(live):
    tablet = evaluator(live, 3)
    first = serve(live, 3)
    shown = live.get("/api/v1/windows/3/last-service", headers=tablet).json()
    assert shown["ticket"] == first["id"] and shown["staff"] is None
    assert live.get("/api/v1/windows/4/last-service", headers=tablet).status_code == 403
    second = serve(live, 3)
    stale = live.post("/api/v1/ratings", headers=tablet, json={"ticket": first["id"], "level": 4})
    problem(stale, 409, "not_the_last_service")  # a stale screen cannot rate the next citizen's service
    rated = live.post("/api/v1/ratings", headers=tablet, json={"ticket": second["id"], "level": 4})
    assert rated.status_code == 201 and rated.json()["number"] == second["number"]
    problem(live.post("/api/v1/ratings", headers=tablet, json={"level": 5}), 409, "already_rated")
    serve(live, 4, "yibao")
    other = live.post("/api/v1/ratings", headers=tablet, json={"level": 5})
    problem(other, 409, "already_rated")  # window 4's service is not this tablet's


def test_pairing_codes_are_one_time_short_lived_and_allow_five_tries(live, clock):
    offer = live.post("/api/v1/windows/3/evaluator-pairing", "counter", window=3).json()
    assert live.post("/api/v1/windows/4/evaluator-pairing", "counter", window=3).status_code == 403
    wrong = "000000" if offer["code"] != "000000" else "111111"
    for _ in range(5):
        problem(live.post("/api/v1/evaluators", json={"window": 3, "code": wrong}), 403, "pairing_code_wrong")
    problem(live.post("/api/v1/evaluators", json={"window": 3, "code": offer["code"]}), 403, "pairing_code_expired")
    offer = live.post("/api/v1/windows/3/evaluator-pairing", "counter", window=3).json()
    clock.advance(minutes=11)
    problem(live.post("/api/v1/evaluators", json={"window": 3, "code": offer["code"]}), 403, "pairing_code_expired")
    offer = live.post("/api/v1/windows/3/evaluator-pairing", "counter", window=3).json()
    assert live.post("/api/v1/evaluators", json={"window": 3, "code": offer["code"]}).status_code == 201
    problem(live.post("/api/v1/evaluators", json={"window": 3, "code": offer["code"]}), 403, "pairing_code_expired")
    problem(live.post("/api/v1/evaluators", json={"window": 3, "code": "12ab56"}), 422, "invalid_request")


def test_refusals_unknown_unfinished_and_the_reasons_a_low_rating_needs(live):
    waiting = issue(live).json()
    problem(by_code(live, waiting, 5), 409, "not_finished")
    assert live.post(f"/api/v1/tickets/{waiting['id']}/cancel", "kiosk").ok
    done = serve(live, window=4, category="yibao")
    problem(by_code(live, done, 1), 422, "reason_required")
    problem(by_code(live, done, 2, reason="  "), 422, "reason_required")
    problem(by_code(live, done, 2, reasons=["other"]), 422, "reason_text_required")
    problem(by_code(live, done, 2, reasons=["nonsense"]), 422, "unknown_reason")
    problem(by_code(live, done, 7), 422, "invalid_request")
    reasons = {r["id"] for r in live.get("/api/v1/ratings/reasons").json()}
    assert {"attitude", "slow", "not_told_at_once", "other"} <= reasons
    rated = by_code(live, done, 2, reasons=["slow", "not_told_at_once"])
    assert rated.status_code == 201 and rated.json()["reasons"] == ["slow", "not_told_at_once"]
    assert live.get("/api/v1/windows/4/last-service").status_code == 401


def test_two_taps_at_once_record_one_rating(live):
    done = serve(live)
    answers = []
    barrier = threading.Barrier(4)

    def tap():
        barrier.wait()
        answers.append(by_code(live, done, 4).status_code)

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409, 409, 409]


def test_aggregates_by_window_category_and_day(live):
    for level, window, category in ((5, 3, "shebao"), (4, 3, "shebao"), (3, 4, "yibao"), (1, 4, "yibao")):
        ticket = serve(live, window, category)
        extra = {"reasons": ["unclear"]} if level < 3 else {}
        assert by_code(live, ticket, level, **extra).status_code == 201
    by_window = {a["key"]: a for a in live.get("/api/v1/ratings/summary", "admin", params={"by": "window"}).json()}
    assert by_window["3"]["count"] == 2 and by_window["3"]["mean"] == 4.5 and by_window["3"]["satisfied_share"] == 1
    assert by_window["4"]["levels"] == {"5": 0, "4": 0, "3": 1, "2": 0, "1": 1} and by_window["4"]["satisfied_share"] == 0.5
    by_category = {a["key"]: a["count"] for a in live.get("/api/v1/ratings/summary", "admin", params={"by": "category"}).json()}
    assert by_category == {"shebao": 2, "yibao": 2}
    (today,) = live.get("/api/v1/ratings/summary", "admin", params={"by": "day"}).json()
    assert today["key"] == "2026-11-23" and today["count"] == 4
    assert live.get("/api/v1/ratings/summary", "display").status_code == 403


def test_a_rating_names_the_staff_whose_counter_token_finished_the_service(live):
    token = live.app.state.tokens.create(Role.COUNTER, 5, "王芳")
    headers = {"Authorization": f"Bearer {token}"}
    ticket = issue(live).json()
    for action in ("open", "call-next", "finish"):
        assert live.post(f"/api/v1/windows/5/{action}", headers=headers).ok
    assert live.get("/api/v1/windows/5/last-service", "display").json()["staff"] == "王芳"  # the tablet shows it
    assert by_code(live, ticket, 4).status_code == 201
    by_staff = live.get("/api/v1/ratings/summary", "admin", params={"by": "staff"}).json()
    assert [(a["key"], a["count"]) for a in by_staff] == [("王芳", 1)]
