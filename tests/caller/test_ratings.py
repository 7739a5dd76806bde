"""好差评 over real HTTP: one rating per finished service, reasons for the low levels, aggregates."""

import threading

from tests.caller.test_api import issue, problem


def serve(live, window=3, category="shebao"):
    ticket = issue(live, category).json()
    live.post(f"/api/v1/windows/{window}/open", "counter", window=window)
    live.post(f"/api/v1/windows/{window}/call-next", "counter", window=window)
    assert live.post(f"/api/v1/windows/{window}/finish", "counter", window=window).ok
    return ticket


def test_a_finished_service_is_rated_once_with_window_category_and_staff(live):
    ticket = serve(live)
    shown = live.get("/api/v1/windows/3/last-service", "display").json()
    assert shown["number"] == ticket["number"] and shown["rated"] is False and shown["ticket"] == ticket["id"]
    rated = live.post("/api/v1/ratings", json={"ticket": ticket["id"], "level": 5, "channel": "tablet"})
    assert rated.status_code == 201 and rated.json()["level_name"] == "非常满意" and rated.json()["window"] == 3
    problem(live.post("/api/v1/ratings", json={"ticket": ticket["id"], "level": 4}), 409, "already_rated")
    assert live.get("/api/v1/windows/3/last-service", "display").json()["rated"] is True


def test_ratings_for_unknown_or_unfinished_tickets_and_missing_reasons_are_refused(live):
    waiting = issue(live).json()
    problem(live.post("/api/v1/ratings", json={"ticket": "nope", "level": 5}), 404, "unknown_ticket")
    problem(live.post("/api/v1/ratings", json={"ticket": waiting["id"], "level": 5}), 409, "not_finished")
    assert live.post(f"/api/v1/tickets/{waiting['id']}/cancel", "kiosk").ok
    done = serve(live, window=4, category="yibao")
    problem(live.post("/api/v1/ratings", json={"ticket": done["id"], "level": 1}), 422, "reason_required")
    problem(live.post("/api/v1/ratings", json={"ticket": done["id"], "level": 2, "reason": "  "}), 422, "reason_required")
    problem(live.post("/api/v1/ratings", json={"ticket": done["id"], "level": 7}), 422, "invalid_request")
    assert live.post("/api/v1/ratings", json={"ticket": done["id"], "level": 2, "reason": "等太久"}).status_code == 201
    assert live.get("/api/v1/windows/4/last-service").status_code == 401


def test_two_taps_at_once_record_one_rating(live):
    done = serve(live)
    answers = []
    barrier = threading.Barrier(4)

    def tap():
        barrier.wait()
        answers.append(live.post("/api/v1/ratings", json={"ticket": done["id"], "level": 4}).status_code)

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409, 409, 409]


def test_aggregates_by_window_category_and_day(live):
    for level, window, category in ((5, 3, "shebao"), (4, 3, "shebao"), (3, 4, "yibao"), (1, 4, "yibao")):
        ticket = serve(live, window, category)
        body = {"ticket": ticket["id"], "level": level, **({"reason": "材料说明不清"} if level < 3 else {})}
        assert live.post("/api/v1/ratings", json=body).status_code == 201
    by_window = {a["key"]: a for a in live.get("/api/v1/ratings/summary", "admin", params={"by": "window"}).json()}
    assert by_window["3"]["count"] == 2 and by_window["3"]["mean"] == 4.5 and by_window["3"]["satisfied_share"] == 1
    assert by_window["4"]["levels"] == {"5": 0, "4": 0, "3": 1, "2": 0, "1": 1} and by_window["4"]["satisfied_share"] == 0.5
    by_category = {a["key"]: a["count"] for a in live.get("/api/v1/ratings/summary", "admin", params={"by": "category"}).json()}
    assert by_category == {"shebao": 2, "yibao": 2}
    (today,) = live.get("/api/v1/ratings/summary", "admin", params={"by": "day"}).json()
    assert today["key"] == "2026-11-23" and today["count"] == 4
    assert live.get("/api/v1/ratings/summary", "display").status_code == 403


def test_a_rating_names_the_staff_whose_counter_token_finished_the_service(live):
    from caller.auth import Role

    token = live.app.state.tokens.create(Role.COUNTER, 5, "王芳")
    headers = {"Authorization": f"Bearer {token}"}
    ticket = issue(live).json()
    for action in ("open", "call-next", "finish"):
        assert live.post(f"/api/v1/windows/5/{action}", headers=headers).ok
    assert live.post("/api/v1/ratings", json={"ticket": ticket["id"], "level": 4}).status_code == 201
    by_staff = live.get("/api/v1/ratings/summary", "admin", params={"by": "staff"}).json()
    assert [(a["key"], a["count"]) for a in by_staff] == [("王芳", 1)]
