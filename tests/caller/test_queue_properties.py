"""Random sequences of actions against the real service and database; the invariants hold after every step."""

import contextlib
import itertools
import os
from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from caller.engine.model import HELD_STATUSES, QueueError, TicketStatus
from caller.queue.service import IssueRequest
from caller.storage import tables
from tests.conftest import Clock, make_service, new_pg_database

WINDOWS = [1, 7, 11]  # a comprehensive, a high-frequency and a specialised window
CATEGORIES = ["shebao", "yibao", "budongchan", "qiye", "gongzhang", "zonghe"]
_names = itertools.count()


def machine_for(hall, new_database):
    class QueueMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.clock = Clock()
            self.service = make_service(hall, new_database(), self.clock)
            self.issued: dict[str, str] = {}  # ticket id -> status the service last reported
            for window in WINDOWS:  # staff have logged in; the machine may close and reopen them
                self.service.open(window)

        def teardown(self):
            self.service.db.engine.dispose()

        def _act(self, action, *args):
            try:
                return action(*args)
            except QueueError:
                return None  # a refusal is fine; a crash or a broken invariant is not

        def _note(self, view):
            if view is not None and view.ticket is not None:
                self.issued[view.ticket.id] = view.ticket.status.value

        @rule(category=st.sampled_from(CATEGORIES), priority=st.sampled_from(["normal", "appointment", "green"]))
        def issue(self, category, priority):
            self._note(self._act(self.service.issue, IssueRequest(category, priority)))

        @rule(window=st.sampled_from(WINDOWS))
        def call_next(self, window):
            self._note(self._act(self.service.call_next, window))

        def _holding(self, pick):
            """Mostly a window that holds a ticket, so that held-ticket actions get exercised, not just refused."""
            holding = [n for n in WINDOWS if self.service.window_view(n).window.ticket_id]
            pool = holding if holding and pick % 4 else WINDOWS
            return pool[pick % len(pool)]

        @rule(
            pick=st.integers(min_value=0, max_value=10_000),
            action=st.sampled_from(["recall", "recall", "start", "finish", "no_show"]),
        )
        def act_on_held(self, pick, action):
            self._note(self._act(getattr(self.service, action), self._holding(pick)))

        @rule(pick=st.integers(min_value=0, max_value=10_000), category=st.sampled_from(CATEGORIES))
        def transfer(self, pick, category):
            self._note(self._act(self.service.transfer, self._holding(pick), category))

        @rule(window=st.sampled_from(WINDOWS), action=st.sampled_from(["open", "close", "pause", "resume"]))
        def window_state(self, window, action):
            self._act(getattr(self.service, action), window)

        @rule(pick=st.integers(min_value=0, max_value=10_000), action=st.sampled_from(["return", "cancel"]))
        def ticket_action(self, pick, action):
            if not self.issued:
                return
            ticket_id = sorted(self.issued)[pick % len(self.issued)]
            method = self.service.return_after_no_show if action == "return" else self.service.cancel
            self._note(self._act(method, ticket_id))

        @rule(minutes=st.integers(min_value=0, max_value=20))
        def time_passes(self, minutes):
            self.clock.advance(minutes=minutes)

        @rule()
        def a_night_passes(self):
            self.clock.advance(days=1)
            self.service.housekeeping.close_past_days()
            with self.service.db.read() as conn:  # the sweep settled them: refresh what the machine knows
                for row in conn.execute(select(tables.tickets.c.public_id, tables.tickets.c.status)):
                    if row.public_id in self.issued:
                        self.issued[row.public_id] = row.status

        def _rows(self):
            with self.service.db.read() as conn:
                tickets = conn.execute(select(tables.tickets)).all()
                windows = conn.execute(select(tables.windows)).all()
                events = conn.execute(select(tables.events).order_by(tables.events.c.id)).all()
            return tickets, windows, events

        @invariant()
        def no_ticket_is_held_by_two_windows(self):
            tickets, windows, _ = self._rows()
            held_ids = [w.ticket_id for w in windows if w.ticket_id]
            assert len(held_ids) == len(set(held_ids))
            by_id = {t.public_id: t for t in tickets}
            for w in windows:
                if w.ticket_id:
                    assert by_id[w.ticket_id].status in {s.value for s in HELD_STATUSES}
                    assert by_id[w.ticket_id].window == w.number
            for t in tickets:
                if t.status in {s.value for s in HELD_STATUSES}:
                    assert t.public_id in held_ids

        @invariant()
        def no_number_repeats_within_a_day(self):
            tickets, _, _ = self._rows()
            counts = Counter((t.service_day, t.number) for t in tickets)
            assert all(n == 1 for n in counts.values())

        @invariant()
        def every_issued_ticket_is_in_exactly_one_known_state(self):
            tickets, _, events = self._rows()
            assert len(tickets) == len(self.issued)
            stored = {t.public_id: t.status for t in tickets}
            assert stored == self.issued
            assert all(TicketStatus(s) for s in stored.values())
            # replaying the event log gives every ticket's current state
            last_status = {}
            for event in events:
                if event.ticket_pk is not None:
                    last_status[event.ticket_pk] = event.status
            assert last_status == {t.pk: t.status for t in tickets}
            assert [e.id for e in events] == sorted({e.id for e in events})

    return QueueMachine


def _run(machine, examples):
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_random_action_sequences_keep_the_queue_consistent_on_sqlite(hall, tmp_path):
    def new_database():
        return f"sqlite:///{tmp_path / f'prop{next(_names)}.sqlite'}"

    _run(machine_for(hall, new_database), examples=int(os.environ.get("ONEWINDOW_PROPERTY_EXAMPLES", 40)))


def test_random_action_sequences_keep_the_queue_consistent_on_postgresql(hall, pg_admin_url, pg_template):
    with contextlib.ExitStack() as databases:

        def new_database():
            return databases.enter_context(new_pg_database(pg_admin_url, pg_template))

        _run(machine_for(hall, new_database), examples=int(os.environ.get("ONEWINDOW_PROPERTY_EXAMPLES", 40)) // 2)
