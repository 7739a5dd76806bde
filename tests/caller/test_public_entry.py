"""The shipped public entry (config/nginx/onewindow-public.conf) in Debian's nginx: phones reach their slip's page,
its status and its rating, and nothing else; a burst from one address is slowed; nothing personal or secret is
logged (issue 10)."""

import concurrent.futures

import pytest
import requests

from tests.caller.test_api import issue
from tests.conftest import ROOT
from tests.nginx_server import nginx_serving

SHIPPED = ROOT / "config" / "nginx" / "onewindow-public.conf"


@pytest.fixture
def public(live_sqlite, tmp_path):
    with nginx_serving(SHIPPED, live_sqlite.base, tmp_path) as (base, _port):
        yield base, tmp_path


def test_phones_reach_only_the_public_pages_through_the_public_entry(live_sqlite, public):
    base, work = public
    ticket = issue(live_sqlite).json()
    code = ticket["phone_code"]
    assert requests.get(base + "/t", timeout=5).status_code == 200
    assert requests.get(base + "/web/strings.js", timeout=5).status_code == 200
    mine = requests.post(base + "/api/v1/tickets/by-code", json={"code": code}, timeout=5)
    assert mine.status_code == 200 and mine.json()["ticket"]["number"] == ticket["number"]
    assert requests.get(base + f"/api/v1/tickets/{ticket['id']}", timeout=5).json()["status"] == "waiting"
    with requests.post(base + "/api/v1/tickets/by-code/follow", json={"code": code}, stream=True,
                       timeout=5) as followed:  # the live page's stream passes the entry unbuffered
        lines = followed.iter_lines(decode_unicode=True)
        assert next(lines) == "event: ticket" and ticket["number"] in next(lines)
    assert requests.get(base + "/api/v1/ratings/reasons", timeout=5).status_code == 200
    assert requests.get(base + "/book", timeout=5).status_code == 200
    assert requests.get(base + "/api/v1/categories", timeout=5).status_code == 200
    assert requests.get(base + "/api/v1/appointments/slots?category=yibao&day=2026-11-24", timeout=5).ok
    asked = requests.post(base + "/api/v1/phone/code", json={"phone": "13812345678"}, timeout=5)
    assert asked.status_code == 409 and asked.json()["error"] == "sms_unavailable"  # reached: no gateway here
    remote = requests.post(base + "/api/v1/phone/tickets", json={"pass": "x", "category": "shebao",
                                                                "id_number": "110105195003070019"}, timeout=5)
    assert remote.status_code == 401 and remote.json()["error"] == "pass_invalid"  # 远程取号 is reached
    moved = requests.post(base + "/api/v1/appointments/change", json={"code": "x", "slot_start": "2026-11-24T09:00"
                                                                     ":00+08:00"}, timeout=5)
    assert moved.status_code == 400 and moved.json()["error"] == "invalid_code"  # 改约 is reached
    admin = live_sqlite.headers("admin")
    for path in ("/counter", "/docs", "/openapi.json", "/api/v1/queue", "/api/v1/events", "/api/v1/ratings/summary",
                 "/api/v1/health", "/web/counter.html"):
        assert requests.get(base + path, headers=admin, timeout=5).status_code == 404, path
    for path in ("/api/v1/tickets", "/api/v1/windows/1/call-next", "/api/v1/appointments",
                 f"/api/v1/tickets/{ticket['id']}/arrive"):
        assert requests.post(base + path, headers=admin, json={}, timeout=5).status_code == 404, path
    # 到场确认 is the kiosk's and the desk's, in the hall: a ticket's public status is GET only (403 at the entry)
    assert requests.post(base + "/api/v1/tickets/arrive", headers=admin, json={}, timeout=5).status_code == 403
    # a token sent anyway is dropped at the entry: the caller never sees it
    unprinted = requests.get(base + "/api/v1/tickets/unprinted", headers=live_sqlite.headers("counter", 1), timeout=5)
    assert unprinted.status_code == 401
    log = (work / "onewindow-public.log").read_text()
    assert "by-code" in log and code not in log and "Bearer" not in log


def test_a_burst_from_one_address_is_slowed_at_the_entry(live_sqlite, public):
    base, _ = public
    ticket = issue(live_sqlite).json()

    def look(_):
        return requests.get(base + f"/api/v1/tickets/{ticket['id']}", timeout=5).status_code

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(look, range(80)))
    assert answers.count(200) >= 20 and answers.count(429) > 0  # the burst of 20 passes, the rest waits


def test_guesses_through_the_entry_are_held_off_per_real_address_whatever_it_claims(hall, sqlite_url, clock, tmp_path):
    from tests.conftest import serving

    with serving(hall, sqlite_url, clock, lookup_misses_per_10min=5) as live, \
            nginx_serving(SHIPPED, live.base, tmp_path) as (base, _port):
        mine = issue(live).json()
        for n in range(5):  # each claims another address: the entry forwards the real one, not the claim
            spoof = {"X-Forwarded-For": f"203.0.113.{n}"}
            assert requests.get(base + f"/api/v1/tickets/GUESS{n:07d}", headers=spoof, timeout=5).status_code == 404
        held = requests.get(base + f"/api/v1/tickets/{mine['id']}", timeout=5)
        assert held.status_code == 429 and held.json()["error"] == "too_many_lookups"
