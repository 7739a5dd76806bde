"""A real day's exceptions, replayed over HTTP on SQLite and PostgreSQL (issue 11): a generated day of the
sample hall in which the kiosk runs out of paper for 20 minutes (the 咨询台 issues meanwhile, green-channel
tickets with their reasons), no-shows come back through the 咨询台 (找号, then 过号顺延), a help request is
taken and finished, and a 代办 citizen is held at the help window and served again. Nothing is lost or
duplicated: the live calls are the simulator's, every ticket has one number and one issue, every notice
clears."""

import collections
import datetime as dt

from caller.queue.service import rules_from_hall
from caller.simulation.generator import draw_fates, generate_day
from caller.simulation.policies import policies
from caller.simulation.simulator import HALL_OPENS, simulate_day
from caller.staff.rules import StaffRole
from tests.caller.simulation.test_live_equivalence import replay
from tests.caller.test_notices import signed_in
from tests.caller.test_receipts_and_help import events

OUT_OF_PAPER = (dt.timedelta(minutes=30), dt.timedelta(minutes=50))  # the kiosk's roll ends, then is changed


def test_a_day_of_exceptions_loses_and_duplicates_nothing(live, clock, hall):
    rules = rules_from_hall(hall)
    arrivals = generate_day(11)  # a whole day of the sample hall
    fates = draw_fates(11, arrivals)
    policy = policies(hall, rules, hall.service_day(HALL_OPENS))["ours"]
    day = simulate_day(arrivals, fates, policy, rules, {c.id: c.service_minutes * 60 for c in hall.categories})
    kinds = collections.Counter(a.kind for a in day.actions)
    assert kinds["no-show"] >= 2 and kinds["return"] >= 1  # the generated day has the exceptions asked for

    desk = signed_in(live, "5001", "赵敏", {StaffRole.DESK})
    kiosk_state = {"paper": True, "reported": None}
    at_desk, returned = [], []

    def kiosk_paper(now):
        """The kiosk's device report: at once when its printer changes, and every 30 s as its heartbeat (the
        caller's sweep would rightly call a silent kiosk offline)."""
        out = HALL_OPENS + OUT_OF_PAPER[0] <= now < HALL_OPENS + OUT_OF_PAPER[1]
        due = kiosk_state["reported"] is None or now - kiosk_state["reported"] >= dt.timedelta(seconds=30)
        if out == kiosk_state["paper"] or due:
            kiosk_state["paper"], kiosk_state["reported"] = not out, now
            report = live.post("/api/v1/devices/report", "kiosk",
                               json={"device": "kiosk-1", "conditions": ["paper-out"] if out else []})
            assert report.status_code == 200

    def desk_issues(action, body):
        """While the kiosk is out of paper the 咨询台 issues: the green channel with its reason."""
        if kiosk_state["paper"]:
            return None
        kind = {"green": {"kind": "green", "reason": "老年人"}, "appointment": {"kind": "appointment"}}
        answer = live.post("/api/v1/desk/tickets", headers=desk,
                           json={"category": body["category"], **kind.get(body["priority"], {})})
        assert answer.status_code == 201, answer.text
        at_desk.append(answer.json()["ticket"]["number"])
        return DeskAnswer(answer.json()["ticket"])

    def desk_brings_back(ticket_id):
        """A no-show back in time: the 咨询台 finds the number and brings it back."""
        number = live.get(f"/api/v1/tickets/{ticket_id}").json()["number"]
        found = live.get(f"/api/v1/numbers/{number}", headers=desk).json()
        assert found["ticket"]["status"] == "no-show"
        returned.append(number)
        return live.post(f"/api/v1/tickets/{ticket_id}/return", headers=desk)

    help_scene = {}

    def help_window_at_eleven(now):
        """At 11:00, a help request taken and finished; a 代办 citizen held at the help window and served again."""
        if help_scene or now < HALL_OPENS + dt.timedelta(hours=2, minutes=30):
            return
        help_id = live.post("/api/v1/help", "kiosk", json={"source": "kiosk-1"}).json()["notice"]
        helper = signed_in(live, "3001", "王芳", {StaffRole.HELP}, window=14)
        assert live.post(f"/api/v1/notices/{help_id}/acknowledge", headers=helper).status_code == 200
        first, second = (live.post("/api/v1/tickets", "kiosk", json={"category": "daiban"}).json() for _ in range(2))
        live.post("/api/v1/windows/14/open", headers=helper)
        assert live.post("/api/v1/windows/14/call-next", headers=helper).json()["ticket"]["id"] == first["id"]
        assert live.post("/api/v1/windows/14/hold", headers=helper, json={"ticket": first["id"]}).status_code == 200
        assert live.post("/api/v1/windows/14/call-next", headers=helper).json()["ticket"]["id"] == second["id"]
        live.post("/api/v1/windows/14/finish", headers=helper, json={"ticket": second["id"]})
        back = live.post("/api/v1/windows/14/take-back", headers=helper, json={"ticket": first["id"]})
        assert back.status_code == 200, back.text
        live.post("/api/v1/windows/14/finish", headers=helper, json={"ticket": first["id"]})
        assert live.post(f"/api/v1/notices/{help_id}/done", headers=helper).status_code == 200
        help_scene.update(first=first, second=second)

    def before(now):
        kiosk_paper(now)
        help_window_at_eleven(now)

    calls, live_id = replay(live, clock, day.actions, issuer=desk_issues, returner=desk_brings_back, before=before)
    assert calls == [(a.window, live_id[a.ticket]) for a in day.actions if a.kind == "call"]  # the simulator's
    assert len(at_desk) >= 10 and returned

    streamed = events(live)
    ids = [e["id"] for e in streamed]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)  # every event once, in order
    issued = [e["number"] for e in streamed if e["type"] == "ticket-issued"]
    assert len(issued) == len(set(issued)) == len(arrivals) + 2  # one number per citizen, none twice, none lost
    finished = collections.Counter(e["number"] for e in streamed if e["type"] == "ticket-finished")
    first, second = help_scene["first"], help_scene["second"]
    assert finished[first["number"]] == 1 and finished[second["number"]] == 1
    notices = [(e["type"], e["data"]["condition"]) for e in streamed if e["type"].startswith("notice-")]
    assert notices.count(("notice-raised", "paper-out")) == 1 and notices.count(("notice-cleared", "paper-out")) == 1
    live.app.state.notices.sweep()  # as the caller's periodic sweep would, now: nothing went offline
    assert live.app.state.notices.open_notices() == []
    for number in set(returned):
        history = live.get(f"/api/v1/numbers/{number}", headers=desk).json()["history"]
        assert [h["what"] for h in history].count("过号顺延") == returned.count(number)


class DeskAnswer:
    """The desk's ticket in the shape replay reads the kiosk's answer in (status, json)."""

    status_code = 201

    def __init__(self, body):
        self.body = body

    def json(self):
        return self.body
