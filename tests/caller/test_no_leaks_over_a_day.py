"""After a simulated day with names, ID numbers and phone numbers in every field that takes them, the database
file, the caller's log (access log included) and the recorded event stream hold no unmasked ID number, no phone
number and no token (issue 10). tests/pii_scan.py does the looking; it is shown to find what is planted."""

import datetime as dt
import itertools
import json
import logging

import pytest

from caller.engine.identity import check_digit
from caller.logs import configure_logging
from caller.queue.service import rules_from_hall
from caller.simulation.generator import draw_fates, generate_day
from caller.simulation.policies import policies
from caller.simulation.simulator import HALL_OPENS, simulate_day
from tests import pii_scan
from tests.caller.simulation.test_live_equivalence import replay
from tests.caller.test_ratings import evaluator
from tests.conftest import serving
from tests.sse_client import open_stream

pytestmark = pytest.mark.clock


def citizen(n: int) -> str:
    body = f"3201021975{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + check_digit(body)


def mobile(n: int) -> str:
    return f"139{n:08d}"


def test_the_scanner_finds_what_is_planted(tmp_path):
    planted = tmp_path / "planted.txt"
    planted.write_text(f"x {citizen(5)} y {mobile(5)} z secret-token-123 "
                       f"masked {citizen(6)[:4]}**********{citizen(6)[-4:]} 139****0006 digest a{citizen(7)}f")
    found = pii_scan.scan([planted], ["secret-token-123"])
    assert sorted(f.kind for f in found) == ["ID number", "mobile number", "secret"]
    assert all(citizen(5) not in str(f) and mobile(5) not in str(f) for f in found)  # the report masks too
    assert pii_scan.main([str(planted)]) == 1


def test_after_a_simulated_day_no_personal_number_or_token_is_stored_logged_or_streamed(hall, sqlite_url, clock,
                                                                                        tmp_path):
    log_path, events_path = tmp_path / "caller.log", tmp_path / "events.jsonl"
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    # an earlier test's uvicorn with its own logging config may have cut its loggers off from the root
    uvicorn_loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.access", "uvicorn.error")]
    saved_uvicorn = [(lg.handlers[:], lg.propagate, lg.disabled, lg.level) for lg in uvicorn_loggers]
    for lg in uvicorn_loggers:
        lg.handlers[:], lg.propagate, lg.disabled = [], True, False
        lg.setLevel(logging.NOTSET)
    log_file = log_path.open("w", encoding="utf-8")
    configure_logging("INFO", stream=log_file)
    try:
        with serving(hall, sqlite_url, clock, access_log=True) as live:
            stream = open_stream(live.base, live.headers("display"))
            rules = rules_from_hall(hall)
            arrivals = [a for a in generate_day(7) if a.arrival_s < 90 * 60]
            policy = policies(hall, rules, hall.service_day(HALL_OPENS))["ours"]
            day = simulate_day(arrivals, draw_fates(7, arrivals), policy, rules,
                               {c.id: c.service_minutes * 60 for c in hall.categories})
            numbers = itertools.count(1)
            codes: dict[str, str] = {}

            def personal():  # every ticket carries a name, an ID and a phone number in its source
                n = next(numbers)
                return {"name": f"欧阳{'明' * (1 + n % 3)}", "id_number": citizen(n), "source": f"窗口 {mobile(n)}"}

            calls, live_id = replay(live, clock, day.actions, issue_extra=personal, answers=codes)
            assert len(calls) > 40
            tablet = evaluator(live, 1)
            for n, (ticket, code) in enumerate(list(codes.items())[:25]):
                live.post("/api/v1/ratings", json={"code": code, "level": 1 + n % 5, "reasons": ["other"],
                                                   "reason": f"请回电 {mobile(900 + n)}，身份证 {citizen(900 + n)}"})
                live.post("/api/v1/help", "kiosk", json={"source": "kiosk-1", "note": f"{citizen(800 + n)} {mobile(n)}"})
            start = (HALL_OPENS + dt.timedelta(days=1, hours=2)).isoformat()
            live.post("/api/v1/appointments", "kiosk", json={"category": "yibao", "slot_start": start,
                                                             "id_number": citizen(700)})
            live.post("/api/v1/appointments", "kiosk", json={"category": "shebao", "slot_start": start,
                                                             "phone": mobile(700)})
            last = live.app.state.service.last_event_id()
            with events_path.open("w", encoding="utf-8") as recorded:
                for event in stream.take_until(last):
                    recorded.write(json.dumps({"id": event.id, "type": event.type, "data": event.data},
                                              ensure_ascii=False) + "\n")
            stream.close()
            secrets = [*(v for v in live.tokens.values() if isinstance(v, str)), tablet["Authorization"][7:]]
            live.app.state.service.db.engine.dispose()  # the WAL checkpointed into the file
    finally:
        log_file.close()
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for lg, (handlers, propagate, disabled, level) in zip(uvicorn_loggers, saved_uvicorn, strict=True):
            lg.handlers[:], lg.propagate, lg.disabled = handlers, propagate, disabled
            lg.setLevel(level)
    database = sqlite_url.removeprefix("sqlite:///")
    assert log_path.stat().st_size > 10_000 and events_path.stat().st_size > 10_000  # a day was logged and streamed
    files = [path for path in (tmp_path / "caller.sqlite", tmp_path / "caller.sqlite-wal") if path.exists()]
    assert str(files[0]) == database
    stored = b"".join(path.read_bytes() for path in files)
    assert "3201**********".encode() in stored and "139****".encode() in stored  # what went in, went in masked
    found = pii_scan.scan([*files, log_path, events_path], secrets)
    assert found == [], "\n".join(map(str, found[:20]))
