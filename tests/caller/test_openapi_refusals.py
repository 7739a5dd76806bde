"""The OpenAPI document lists the refusals the service really gives: every operation is sent a NUL in its
path, a malformed body, a body of the wrong shape and no parameters, and each answer's code must be documented
for that operation, with a Problem body (never a 500)."""

import re

import requests

from tests.caller.test_api import problem

SAMPLE = {"number": "1", "ticket_id": "abcdefghijkl", "code": "abc"}


def operations(spec):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_refusal_the_service_gives_is_documented_as_a_problem(live):
    spec = requests.get(live.base + "/openapi.json", timeout=10).json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    admin = live.headers("admin")
    seen = []
    for path, method, operation in operations(spec):
        if path == "/api/v1/events":
            continue  # a stream: its refusals are tested in test_events
        documented = set(operation["responses"])
        filled = re.sub(r"\{(\w+)\}", lambda m: SAMPLE.get(m.group(1), "x"), path)
        attempts = [("GET" if method == "get" else method.upper(), filled, {})]
        if "{" in path:
            attempts.append((method.upper(), re.sub(r"\{\w+\}", "%00", path, count=1), {}))
        if "requestBody" in operation:
            attempts += [(method.upper(), filled, {"data": b"{", "headers": {"Content-Type": "application/json"}}),
                         (method.upper(), filled, {"json": {"unexpected": 1}}),
                         (method.upper(), filled, {"json": []})]
        for verb, url, extra in attempts:
            headers = {**admin, **extra.pop("headers", {})}
            answer = requests.request(verb, live.base + url, headers=headers, timeout=10, **extra)
            seen.append((verb, url, answer.status_code))
            assert answer.status_code < 500, (verb, url, answer.text)
            if answer.status_code >= 400:
                assert str(answer.status_code) in documented, (verb, path, answer.status_code, sorted(documented))
                problem(answer, answer.status_code, answer.json()["error"])
    codes = {code for _, _, code in seen}
    assert {400, 422} <= codes  # the sweep did reach both kinds of refusal
