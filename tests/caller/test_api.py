"""The HTTP contract over real loopback HTTP (uvicorn + requests), on SQLite and PostgreSQL."""

import datetime as dt

import pytest
import requests

from caller.engine.identity import NAME_MAX_CHARS

TICKET_FIELDS = {"id", "number", "category", "status", "ahead", "estimated_wait_s", "issued_at"}


def issue(live, category="shebao", **extra):
    headers = extra.pop("headers", {})
    return live.post("/api/v1/tickets", "kiosk", json={"category": category, **extra}, headers=headers)


def problem(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message"} and body["error"] == code and body["message"]
    return body


def test_health_categories_and_openapi_need_no_token(live):
    health = live.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["ready"] and health["database"] == {"readable": True, "writable": True,
                                                                                  "error": None}
    assert live.get("/api/v1/health/live").json() == {"live": True}
    assert live.get("/api/v1/health/ready").status_code == 200
    categories = live.get("/api/v1/categories").json()
    shebao = next(c for c in categories if c["id"] == "shebao")
    assert shebao["name"] == "社保" and "居民身份证原件" in shebao["guide"]["materials"]
    spec = live.get("/openapi.json").json()
    assert {"/api/v1/tickets", "/api/v1/windows/{number}/call-next", "/api/v1/events"} <= set(spec["paths"])
    assert spec["paths"]["/api/v1/tickets"]["post"]["operationId"] == "issue_ticket"


def test_a_full_service_over_http(live):
    created = issue(live, name="张三丰", id_number="11010519491231002X")
    assert created.status_code == 201
    ticket = created.json()
    assert set(ticket) >= TICKET_FIELDS and ticket["number"] == "A001" and ticket["ahead"] == 0
    assert "张" not in created.text and "19491231" not in created.text
    assert live.post("/api/v1/windows/3/open", "counter", 3).json()["state"] == "open"
    called = live.post("/api/v1/windows/3/call-next", "counter", 3).json()
    assert called["ticket"]["number"] == "A001" and called["window"]["ticket"]["status"] == "called"
    assert called["window"]["personal"] == {"name": "张**", "id_number": "1101**********002X"}
    assert live.post("/api/v1/windows/3/recall", "counter", 3).json()["ticket"]["recalls"] == 1
    assert live.post("/api/v1/windows/3/start", "counter", 3).json()["ticket"]["status"] == "serving"
    done = live.post("/api/v1/windows/3/finish", "counter", 3, json={"ticket": ticket["id"]}).json()
    assert done["ticket"]["status"] == "done" and done["window"]["ticket"] is None
    assert live.post("/api/v1/windows/3/call-next", "counter", 3).status_code == 204
    public = live.get(f"/api/v1/tickets/{ticket['id']}")
    assert public.json()["status"] == "done" and "张" not in public.text and "personal" not in public.json()
    assert live.post("/api/v1/windows/3/pause", "counter", 3).json()["state"] == "paused"
    assert live.post("/api/v1/windows/3/resume", "counter", 3).json()["state"] == "open"
    assert live.post("/api/v1/windows/3/close", "counter", 3).json()["state"] == "closed"


def test_transfer_no_show_return_and_cancel_over_http(live, clock):
    first = issue(live).json()
    live.post("/api/v1/windows/7/open", "admin")
    live.post("/api/v1/windows/7/call-next", "admin")
    moved = live.post("/api/v1/windows/7/transfer", "admin", json={"category": "budongchan"}).json()
    assert moved["ticket"]["category"] == "budongchan" and moved["ticket"]["transfers"] == 1
    second = issue(live, "yibao").json()
    live.post("/api/v1/windows/7/call-next", "admin")
    problem(live.post("/api/v1/windows/7/no-show", "admin"), 409, "recall_first")
    live.post("/api/v1/windows/7/recall", "admin")
    live.post("/api/v1/windows/7/recall", "admin")
    assert live.post("/api/v1/windows/7/no-show", "admin").json()["ticket"]["status"] == "no-show"
    back = live.post(f"/api/v1/tickets/{second['id']}/return", "kiosk")
    assert back.json()["status"] == "waiting"
    assert live.post(f"/api/v1/tickets/{second['id']}/cancel", "kiosk").json()["status"] == "cancelled"
    queue = live.get("/api/v1/queue", "display").json()
    assert {c["id"]: c["waiting"] for c in queue["categories"]}["budongchan"] == 1
    assert first["id"] != second["id"]


def test_an_idempotency_key_makes_a_retry_return_the_same_ticket(live):
    key = {"Idempotency-Key": "kiosk-2:0001"}
    first = issue(live, headers=key)
    again = issue(live, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert issue(live).json()["number"] == "A002"
    problem(issue(live, "yibao", headers=key), 422, "idempotency_key_reused")
    problem(issue(live, headers={"Idempotency-Key": "bad key with spaces"}), 422, "invalid_idempotency_key")


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"category": "nope"}, 422, "unknown_category"),
        ({"category": "shebao", "priority": "vip"}, 422, "invalid_request"),
        ({"category": "shebao", "id_number": "110105194912310021"}, 422, "invalid_id_number"),
        ({"category": "shebao", "name": "张" * (NAME_MAX_CHARS + 1)}, 422, "invalid_request"),
        ({"category": "shebao", "extra": 1}, 422, "invalid_request"),
        ({}, 422, "invalid_request"),
        ([1, 2], 422, "invalid_request"),
    ],
)
def test_bad_ticket_requests_get_a_clear_4xx(live, body, status, code):
    problem(issue_raw(live, json=body), status, code)


def issue_raw(live, **kwargs):
    return live.post("/api/v1/tickets", "kiosk", **kwargs)


def test_malformed_json_and_oversized_bodies_are_refused(live):
    headers = {"Content-Type": "application/json"}
    problem(issue_raw(live, data=b'{"category": "shebao"', headers=headers), 400, "malformed_json")
    problem(issue_raw(live, data=b"\xff\xfe\x00", headers=headers), 400, "malformed_json")
    big = b'{"category": "shebao", "source": "' + b"x" * 20000 + b'"}'
    problem(issue_raw(live, data=big, headers=headers), 413, "too_large")
    chunked = iter([b'{"category": "shebao", "source": "', b"x" * 20000, b'"}'])
    problem(issue_raw(live, data=chunked, headers=headers), 413, "too_large")


def test_window_errors_name_the_problem(live):
    problem(live.post("/api/v1/windows/99/call-next", "admin"), 404, "unknown_window")
    problem(live.post("/api/v1/windows/0/call-next", "admin"), 422, "invalid_request")
    problem(live.post("/api/v1/windows/abc/call-next", "admin"), 422, "invalid_request")
    problem(live.post("/api/v1/windows/3/call-next", "admin"), 409, "window_closed")
    live.post("/api/v1/windows/3/open", "admin")
    problem(live.post("/api/v1/windows/3/start", "admin"), 409, "no_current_ticket")
    issue(live)
    live.post("/api/v1/windows/3/call-next", "admin")
    problem(live.post("/api/v1/windows/3/call-next", "admin"), 409, "window_busy")
    problem(live.post("/api/v1/windows/3/finish", "admin", json={"ticket": "not-mine"}), 409, "not_your_ticket")
    problem(live.post("/api/v1/windows/3/transfer", "admin", json={"category": "nowhere"}), 422, "unknown_category")
    problem(live.post("/api/v1/windows/3/transfer", "admin", json={}), 422, "transfer_target_required")
    problem(live.post("/api/v1/windows/3/transfer", "admin", json={"window": 0}), 422, "invalid_request")
    live.post("/api/v1/windows/3/start", "admin")
    problem(live.post("/api/v1/windows/3/recall", "admin"), 409, "wrong_state")
    problem(live.post("/api/v1/windows/3/close", "admin"), 409, "window_busy")
    problem(live.post("/api/v1/windows/3/resume", "admin"), 409, "window_not_paused")
    problem(live.get("/api/v1/tickets/nope"), 404, "unknown_ticket")
    problem(live.get("/api/v1/nothing-here"), 404, "not_found")
    problem(live.get("/api/v1/windows/3/call-next", "admin"), 405, "method_not_allowed")


def test_tickets_are_refused_while_the_hall_is_closed(live, clock):
    clock.set(dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.timezone.utc))  # Sunday
    body = problem(issue(live), 409, "hall_closed")
    assert "08:30" in body["message"]


def test_tokens_and_roles_guard_every_action(live):
    problem(live.post("/api/v1/tickets", json={"category": "shebao"}), 401, "unauthorized")
    wrong = requests.post(
        live.base + "/api/v1/tickets", json={"category": "shebao"}, headers={"Authorization": "Bearer ow_forged"}, timeout=5
    )
    problem(wrong, 401, "unauthorized")
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    problem(live.post("/api/v1/tickets", "display", json={"category": "shebao"}), 403, "forbidden")
    problem(live.post("/api/v1/windows/3/open", "kiosk"), 403, "forbidden")
    problem(live.post("/api/v1/windows/4/open", "counter", 3), 403, "wrong_window")
    problem(live.get("/api/v1/queue"), 401, "unauthorized")
    problem(live.get("/api/v1/events"), 401, "unauthorized")
    assert live.post("/api/v1/windows/3/open", "counter", 3).status_code == 200
    assert live.get("/api/v1/queue", "display").status_code == 200
    other = live.get("/api/v1/windows/3", "counter", 4).json()
    assert other["personal"] is None


def test_a_revoked_token_stops_working(live):
    store = live.app.state.tokens
    token = store.create(__import__("caller.auth", fromlist=["Role"]).Role.KIOSK)
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.post(live.base + "/api/v1/tickets", json={"category": "shebao"}, headers=headers, timeout=5).ok
    token_id = store.list()[-1]["id"]
    assert store.revoke(token_id)
    refused = requests.post(live.base + "/api/v1/tickets", json={"category": "shebao"}, headers=headers, timeout=5)
    problem(refused, 401, "unauthorized")
