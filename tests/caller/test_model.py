"""The pure engine: every transition and every refusal, in milliseconds, no database."""

import datetime as dt

import pytest

from caller.engine import model
from caller.engine.model import Priority, QueueError, QueueRules, TicketStatus, Window, WindowState

T0 = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)
RULES = QueueRules(
    head_starts={"normal": dt.timedelta(0), "appointment": dt.timedelta(minutes=10), "green": dt.timedelta(minutes=20)},
    transfer_head_start=dt.timedelta(minutes=10),
    recalls_before_no_show=2,
    no_show_return=dt.timedelta(minutes=30),
)


def ticket(number="A001", category="shebao", priority=Priority.NORMAL, at=T0):
    made, events = model.issue(f"id-{number}", number, category, priority, at.date(), at)
    assert [e.type for e in events] == [model.EventType.TICKET_ISSUED]
    return made


def open_window(number=3):
    window = Window(number)
    model.open_window(window, T0)
    return window


def called(number=3):
    window, t = open_window(number), ticket()
    model.call(window, t, T0)
    return window, t


def refused(code, action, *args):
    with pytest.raises(QueueError) as err:
        action(*args)
    assert err.value.code == code
    assert " / " in err.value.message  # Chinese and English
    return err.value


def test_a_ticket_goes_waiting_called_serving_done():
    window, t = called()
    assert (t.status, t.window, window.ticket_id) == (TicketStatus.CALLED, 3, t.id)
    model.start(window, t, T0 + dt.timedelta(minutes=1))
    assert t.status is TicketStatus.SERVING
    events = model.finish(window, t, T0 + dt.timedelta(minutes=6))
    assert t.status is TicketStatus.DONE and window.ticket_id is None
    assert events[0].type is model.EventType.TICKET_FINISHED and events[0].window == 3


def test_finishing_straight_from_called_counts_service_from_the_call():
    window, t = called()
    model.finish(window, t, T0 + dt.timedelta(minutes=4))
    assert t.started_at == t.called_at


def test_a_window_must_be_open_idle_and_not_paused_to_call():
    closed = Window(1)
    refused("window_closed", model.call, closed, ticket(), T0)
    window = open_window()
    model.pause(window, T0)
    refused("window_paused", model.call, window, ticket(), T0)
    model.resume(window, T0)
    model.call(window, ticket("A001"), T0)
    refused("window_busy", model.call, window, ticket("A002"), T0)


def test_a_ticket_that_is_not_waiting_cannot_be_called_again():
    window, t = called()
    other = open_window(4)
    refused("wrong_state", model.call, other, t, T0)


def test_recall_counts_and_no_show_needs_the_recalls_first():
    window, t = called()
    refused("recall_first", model.no_show, window, t, T0, RULES)
    model.recall(window, t, T0)
    events = model.recall(window, t, T0)
    assert t.recalls == 2 and events[0].data == {"recalls": 2}
    model.no_show(window, t, T0, RULES)
    assert t.status is TicketStatus.NO_SHOW and window.ticket_id is None


def test_recall_only_while_called():
    window, t = called()
    model.start(window, t, T0)
    refused("wrong_state", model.recall, window, t, T0)


def test_a_window_cannot_act_on_a_ticket_it_does_not_hold():
    window, t = called(3)
    other = open_window(4)
    refused("no_current_ticket", model.start, other, t, T0)
    _, mine = called(5)
    window.ticket_id = t.id
    refused("not_your_ticket", model.finish, window, mine, T0)


def test_a_no_show_who_returns_in_time_keeps_the_old_place():
    window, t = called()
    model.recall(window, t, T0)
    model.recall(window, t, T0)
    model.no_show(window, t, T0 + dt.timedelta(minutes=2), RULES)
    model.return_after_no_show(t, T0 + dt.timedelta(minutes=20), RULES, T0.date())
    assert t.status is TicketStatus.WAITING and t.queued_at == T0 and t.recalls == 0 and t.window is None


def test_yesterdays_no_show_cannot_return_even_within_the_return_time():
    window, t = called()
    t.recalls = 2
    model.no_show(window, t, T0, RULES)
    err = refused("day_over", model.return_after_no_show, t, T0 + dt.timedelta(minutes=5), RULES,
                  T0.date() + dt.timedelta(days=1))
    assert "重新取号" in err.message and t.status is TicketStatus.NO_SHOW


def test_a_no_show_who_returns_too_late_is_refused():
    window, t = called()
    t.recalls = 2
    model.no_show(window, t, T0, RULES)
    err = refused("return_expired", model.return_after_no_show, t, T0 + dt.timedelta(minutes=31), RULES, T0.date())
    assert "30" in err.message
    assert t.status is TicketStatus.NO_SHOW


def test_transfer_keeps_number_and_age_and_gets_the_transfer_head_start():
    window, t = called()
    model.start(window, t, T0 + dt.timedelta(minutes=5))
    events = model.transfer(window, t, "budongchan", T0 + dt.timedelta(minutes=9))
    assert (t.number, t.category, t.status, t.transfers) == ("A001", "budongchan", TicketStatus.WAITING, 1)
    assert t.queued_at == T0 and window.ticket_id is None
    assert events[0].data == {"from_category": "shebao", "to_category": "budongchan"}
    assert model.effective_queue_time(t, RULES) == T0 - dt.timedelta(minutes=10)
    refused("no_current_ticket", model.start, window, t, T0)


def test_transfer_to_the_same_category_is_refused():
    window, t = called()
    refused("same_category", model.transfer, window, t, "shebao", T0)


def test_a_green_ticket_transferred_keeps_its_larger_head_start():
    window, t = open_window(), ticket(priority=Priority.GREEN)
    model.call(window, t, T0)
    model.transfer(window, t, "minzheng", T0)
    assert RULES.head_start(t) == dt.timedelta(minutes=20)


def test_only_a_waiting_ticket_can_be_cancelled():
    t = ticket()
    model.cancel(t, T0)
    assert t.status is TicketStatus.CANCELLED
    refused("wrong_state", model.cancel, t, T0)


def test_window_login_logout_pause_and_resume_refuse_the_wrong_state():
    window = Window(2)
    refused("window_closed", model.close_window, window, T0)
    refused("window_not_open", model.pause, window, T0)
    model.open_window(window, T0)
    refused("already_open", model.open_window, window, T0)
    refused("window_not_paused", model.resume, window, T0)
    model.call(window, ticket(), T0)
    refused("window_busy", model.close_window, window, T0)
    model.pause(window, T0)  # a paused window may still hold and finish its ticket
    assert window.state is WindowState.PAUSED and window.ticket_id


def test_events_carry_no_personal_data():
    window, t = called()
    for event in model.start(window, t, T0) + model.finish(window, t, T0):
        assert set(event.data) <= {"recalls", "priority", "from_category", "to_category"}


def test_a_ticket_on_hold_frees_its_window_keeps_its_start_and_comes_back_only_there():
    window, t = called()
    later = T0 + dt.timedelta(minutes=2)
    assert [e.type for e in model.put_on_hold(window, t, later)] == [model.EventType.TICKET_ON_HOLD]
    assert t.status is TicketStatus.ON_HOLD and window.ticket_id is None and t.window == 3 and t.started_at == T0
    refused("no_current_ticket", model.finish, window, t, later)  # not held by the window any more
    other = open_window(4)
    refused("held_elsewhere", model.take_back, other, t, later)
    busy = ticket("A002")
    model.call(window, busy, later)
    refused("window_busy", model.take_back, window, t, later)
    model.finish(window, busy, later)
    model.take_back(window, t, later)
    assert t.status is TicketStatus.SERVING and window.ticket_id == t.id
    refused("window_busy", model.take_back, window, t, later)  # it holds it already
    model.put_on_hold(window, t, later)
    model.end_of_day(t, None, later)  # left on hold at midnight: settled as served
    assert t.status is TicketStatus.DONE
