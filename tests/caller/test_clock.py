"""The caller's steady clock: it follows the wall clock, but a step of it — forward or back — is logged once
and absorbed by slewing, so the caller's time never goes back and never jumps."""

import datetime as dt
import logging

import pytest

from caller.queue.clock import SteadyClock
from tests.conftest import MONDAY_9AM

pytestmark = pytest.mark.clock


class Machine:
    """A machine's wall clock and boot-time clock, moved by the test."""

    def __init__(self):
        self.wall_at, self.boot = MONDAY_9AM, 1000.0

    def wall(self):
        return self.wall_at

    def elapsed(self):
        return self.boot

    def run(self, seconds):
        """Time passes: both clocks move."""
        self.wall_at += dt.timedelta(seconds=seconds)
        self.boot += seconds

    def step(self, **delta):
        """Somebody sets the wall clock; no time passes."""
        self.wall_at += dt.timedelta(**delta)


@pytest.fixture
def machine():
    return Machine()


@pytest.fixture
def steady(machine):
    return SteadyClock(machine.wall, machine.elapsed)


def test_in_step_it_is_the_wall_clock_and_a_suspend_is_time_that_passed(machine, steady):
    assert steady() == MONDAY_9AM
    machine.run(90)
    assert steady() == MONDAY_9AM + dt.timedelta(seconds=90)
    machine.run(10 * 3600)  # suspended overnight: the boot-time clock counts it
    assert steady() == machine.wall_at and steady.offset() == dt.timedelta(0) and steady.steps == 0


def test_a_step_forward_of_a_day_is_logged_once_and_not_followed(machine, steady, caplog):
    steady()
    machine.step(days=1)
    with caplog.at_level(logging.ERROR, "caller.queue.clock"):
        for _ in range(10):
            machine.run(60)
            now = steady()
    assert now == MONDAY_9AM + dt.timedelta(minutes=10, seconds=60)  # 600 s passed, 60 s (10 %) caught up
    assert steady.steps == 1 and len([r for r in caplog.records if "stepped +86400 s" in r.getMessage()]) == 1
    assert steady.offset() < -dt.timedelta(hours=23)
    machine.step(days=-1)  # the step is undone: a second step, and back in step
    machine.run(600)
    assert steady() == machine.wall_at and steady.steps == 2


def test_a_step_back_never_turns_time_back_and_is_absorbed_by_slewing(machine, steady):
    seen = [steady()]
    machine.run(60)
    seen.append(steady())
    machine.step(minutes=-15)
    for _ in range(200):  # 200 minutes
        machine.run(60)
        seen.append(steady())
    assert all(later > earlier for earlier, later in zip(seen, seen[1:]))
    assert seen[2] == seen[1] + dt.timedelta(seconds=54)  # a minute passed; 10 % of it taken back
    assert seen[-1] == machine.wall_at and steady.offset() == dt.timedelta(0)  # in step after 150 minutes


def test_a_second_step_while_catching_up_is_reported_again(machine, steady):
    steady()
    machine.step(minutes=-15)
    machine.run(60)
    steady()
    machine.step(hours=2)
    machine.run(60)
    steady()
    assert steady.steps == 2


def test_after_a_restart_time_goes_on_from_the_latest_stored_event(machine, steady):
    latest = MONDAY_9AM + dt.timedelta(minutes=20)  # stored before a restart on a clock set back
    steady.hold_at_least(latest)
    machine.run(60)
    assert steady() == latest + dt.timedelta(seconds=54)
    steady.hold_at_least(MONDAY_9AM)  # an older moment changes nothing
    assert steady() > latest
