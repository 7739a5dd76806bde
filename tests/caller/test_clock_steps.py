"""Clock steps do not hurt citizens: the service on the steady clock, against a machine whose wall clock is
stepped forward and back, on SQLite and PostgreSQL."""

import datetime as dt
import logging

import pytest

from caller.engine.model import TicketStatus
from caller.queue.clock import SteadyClock
from caller.queue.service import IssueRequest
from tests.caller.test_clock import Machine
from tests.conftest import make_service

pytestmark = pytest.mark.clock


@pytest.fixture
def machine():
    return Machine()


def steady_service(hall, db_url, machine, **kwargs):
    return make_service(hall, db_url, SteadyClock(machine.wall, machine.elapsed), **kwargs)


def issue(service, category="shebao"):
    return service.issue(IssueRequest(category)).ticket


def periodic_checks(service):
    housekeeping = service.housekeeping
    for check in (housekeeping.check_tidal, housekeeping.close_past_days, housekeeping.close_out_of_season,
                  service.dispatch):
        check()


def test_a_step_forward_of_a_day_for_one_periodic_check_ends_nothing(hall, db_url, machine, caplog):
    service = steady_service(hall, db_url, machine)
    waiting = []
    for _ in range(20):
        waiting.append(issue(service))
        machine.run(20)
    service.open(1)
    called = service.call_next(1).ticket
    machine.step(days=1)
    with caplog.at_level(logging.ERROR):
        periodic_checks(service)
    machine.step(days=-1)
    machine.run(60)
    periodic_checks(service)
    assert any("wall clock stepped +86400 s" in r.getMessage() for r in caplog.records)  # said loudly
    statuses = [service.ticket(t.id).ticket.status for t in waiting[1:]]
    assert statuses == [TicketStatus.WAITING] * 19
    assert service.ticket(called.id).ticket.status is TicketStatus.CALLED
    assert service.window_view(1).window.ticket_id == called.id
    service.db.engine.dispose()


def test_when_the_day_really_ends_what_it_left_is_settled(hall, db_url, machine):
    service = steady_service(hall, db_url, machine)
    left = issue(service)
    machine.run(16 * 3600)  # Tuesday 01:00 in the hall: the day has ended by the machine's own running time
    periodic_checks(service)
    assert service.ticket(left.id).ticket.status is TicketStatus.CANCELLED
    service.db.engine.dispose()


def test_a_step_back_across_midnight_gives_no_number_twice_and_cancels_nothing(hall, db_url, machine):
    machine.wall_at = dt.datetime(2026, 11, 23, 16, 5, tzinfo=dt.timezone.utc)  # Tuesday 00:05 in the hall
    service = steady_service(hall, db_url, machine, enforce_hours=False)
    first = issue(service, "yibao")
    machine.run(30)
    machine.step(minutes=-20)  # back to Monday 23:45
    machine.run(30)
    second = issue(service, "yibao")
    periodic_checks(service)
    assert (first.number, second.number) == ("B001", "B002") and first.service_day == second.service_day
    assert [service.ticket(t.id).ticket.status for t in (first, second)] == [TicketStatus.WAITING] * 2
    service.db.engine.dispose()


def test_a_step_back_within_the_day_keeps_the_order_of_arrival(hall, db_url, machine):
    service = steady_service(hall, db_url, machine)
    earlier = [issue(service)]
    machine.run(60)
    earlier.append(issue(service))
    machine.run(60)
    machine.step(minutes=-15)
    later = issue(service)
    service.open(1)
    order = []
    for _ in range(3):
        order.append(service.call_next(1).ticket.id)
        service.finish(1)
    assert order == [earlier[0].id, earlier[1].id, later.id]
    service.db.engine.dispose()


def test_a_restart_on_a_clock_set_back_goes_on_from_the_stored_events(hall, db_url, machine):
    service = steady_service(hall, db_url, machine)
    before = issue(service)
    machine.run(120)
    service.db.engine.dispose()
    machine.step(hours=-1)  # the machine restarts with its clock an hour behind
    restarted = steady_service(hall, db_url, machine)
    after = issue(restarted)
    assert after.issued_at >= before.issued_at and after.number == "A002"
    restarted.open(1)
    assert restarted.call_next(1).ticket.id == before.id
    restarted.db.engine.dispose()
