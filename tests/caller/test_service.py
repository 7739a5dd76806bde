"""The queue's use cases against a real database: each test runs on a SQLite file and on PostgreSQL."""

import datetime as dt
import json
import threading

import pytest
from sqlalchemy import event, select

from caller.engine.model import QueueError, TicketStatus, WindowState
from caller.queue.service import Invalid, IssueRequest
from caller.storage import tables
from tests.conftest import make_service


def issue(service, category="shebao", priority="normal", **kwargs):
    return service.issue(IssueRequest(category, priority, **kwargs))


def test_numbers_run_per_category_and_restart_at_local_midnight(service, clock):
    assert [issue(service).ticket.number for _ in range(3)] == ["A001", "A002", "A003"]
    assert issue(service, "yibao").ticket.number == "B001"
    clock.set(dt.datetime(2026, 11, 24, 0, 35, tzinfo=dt.timezone.utc))  # Tuesday 08:35 in Shanghai
    fresh = issue(service)
    assert fresh.ticket.number == "A001" and fresh.ticket.service_day == dt.date(2026, 11, 24)


def test_numbers_continue_past_999_without_repeating(service):
    with service.db.write() as conn:
        conn.execute(
            tables.number_counters.insert().values(
                hall="sample", service_day=dt.date(2026, 11, 23), prefix="A", last=998
            )
        )
    assert [issue(service).ticket.number for _ in range(2)] == ["A999", "A1000"]


def test_a_restarted_service_continues_numbering_and_keeps_state(hall, db_url, clock, service):
    issue(service)
    service.open(1)
    service.call_next(1)
    service.db.engine.dispose()
    again = make_service(hall, db_url, clock)
    assert issue(again).ticket.number == "A002"
    view = again.window_view(1)
    assert view.window.state is WindowState.OPEN and view.ticket.number == "A001"
    again.db.engine.dispose()


def test_the_same_idempotency_key_returns_the_same_ticket(service):
    first = service.issue(IssueRequest("shebao"), "kiosk-1:42")
    again = service.issue(IssueRequest("shebao"), "kiosk-1:42")
    assert again.replayed and again.ticket.id == first.ticket.id and again.ticket.number == "A001"
    assert issue(service).ticket.number == "A002"
    with pytest.raises(Invalid) as err:
        service.issue(IssueRequest("yibao"), "kiosk-1:42")
    assert err.value.code == "idempotency_key_reused"


def test_tickets_are_refused_outside_issuing_hours(service, clock):
    clock.set(dt.datetime(2026, 11, 23, 8, 31, tzinfo=dt.timezone.utc))  # 16:31 in Shanghai
    with pytest.raises(QueueError) as err:
        issue(service)
    assert err.value.code == "hall_closed" and "16:30" in err.value.message


def test_unknown_category_priority_and_bad_id_numbers_are_refused(service):
    for request, code in (
        (IssueRequest("nope"), "unknown_category"),
        (IssueRequest("shebao", "vip"), "unknown_priority"),
        (IssueRequest("shebao", id_number="110105194912310021"), "invalid_id_number"),
    ):
        with pytest.raises(Invalid) as err:
            service.issue(request)
        assert err.value.code == code


def test_only_masked_personal_data_is_stored(service):
    view = issue(service, name="张三丰", id_number="11010519491231002X")
    with service.db.read() as conn:
        row = conn.execute(select(tables.tickets)).one()
        stored = json.dumps([str(v) for v in row], ensure_ascii=False)
        events = conn.execute(select(tables.events)).all()
    assert "11010519491231002X" not in stored and "三丰" not in stored
    assert row.name_masked == "张**" and row.id_masked == "1101**********002X"
    assert all("张" not in e.data and "1101" not in e.data for e in events)
    service.open(3)
    called = service.call_next(3)
    assert called.ticket.id == view.ticket.id and called.personal.name_masked == "张**"


def test_call_next_takes_the_highest_age_plus_head_start_among_what_the_window_serves(service, clock):
    issue(service, "budongchan")  # E001, window 7 cannot take it
    clock.advance(minutes=1)
    issue(service, "shebao")  # A001
    clock.advance(minutes=5)
    issue(service, "yibao", "green")  # B001, 20 min head start
    service.open(7)
    service.open(11)
    assert service.call_next(7).ticket.number == "B001"
    service.finish(7)
    assert service.call_next(7).ticket.number == "A001"
    service.finish(7)
    assert service.call_next(7).ticket is None
    assert service.call_next(11).ticket.number == "E001"


def test_a_paused_window_is_never_called_to_and_resumes(service):
    issue(service)
    service.open(1)
    service.pause(1)
    with pytest.raises(QueueError) as err:
        service.call_next(1)
    assert err.value.code == "window_paused"
    service.resume(1)
    assert service.call_next(1).ticket.number == "A001"


def test_window_actions_name_the_unknown_window_and_the_wrong_ticket(service):
    with pytest.raises(QueueError) as err:
        service.call_next(99)
    assert (err.value.code, err.value.status) == ("unknown_window", 404)
    issue(service)
    service.open(1)
    held = service.call_next(1).ticket
    with pytest.raises(QueueError) as err:
        service.finish(1, ticket_id="someone-else")
    assert err.value.code == "not_your_ticket"
    service.open(2)
    with pytest.raises(QueueError) as err:
        service.start(2)
    assert err.value.code == "no_current_ticket"
    assert service.finish(1, ticket_id=held.id).ticket.status is TicketStatus.DONE


def test_recall_no_show_and_return_keep_the_old_place(service, clock):
    first = issue(service).ticket
    clock.advance(minutes=1)
    issue(service)
    service.open(1)
    service.call_next(1)
    service.recall(1)
    assert service.recall(1).ticket.recalls == 2
    service.no_show(1)
    clock.advance(minutes=10)
    back = service.return_after_no_show(first.id)
    assert back.ticket.status is TicketStatus.WAITING and back.ahead == 0
    assert service.call_next(1).ticket.number == "A001"


def test_transfer_requeues_the_same_number_ahead_of_newer_tickets(service, clock):
    issue(service)  # A001
    clock.advance(minutes=3)
    issue(service, "budongchan")  # E001, younger
    service.open(7)
    service.open(11)
    service.call_next(7)
    service.start(7)
    clock.advance(minutes=4)
    moved = service.transfer(7, "budongchan")
    assert moved.ticket.status is TicketStatus.WAITING and moved.window.ticket_id is None
    assert service.call_next(11).ticket.number == "A001"
    with pytest.raises(Invalid):
        service.transfer(11, "nowhere")


def test_cancel_and_ticket_status(service):
    waiting = issue(service).ticket
    assert service.ticket(waiting.id).ahead == 0
    assert service.cancel(waiting.id).ticket.status is TicketStatus.CANCELLED
    with pytest.raises(QueueError) as err:
        service.ticket("does-not-exist")
    assert err.value.status == 404


def test_every_change_is_an_event_in_order_with_its_window(service):
    t = issue(service).ticket
    service.open(2)
    service.call_next(2)
    service.recall(2)
    service.start(2)
    service.transfer(2, "yibao")
    service.call_next(2)
    service.finish(2)
    service.pause(2)
    service.resume(2)
    service.close(2)
    kinds = [(e.type, e.window) for e in service.events_after(0)]
    assert kinds == [
        ("ticket-issued", None),
        ("window-opened", 2),
        ("ticket-called", 2),
        ("ticket-recalled", 2),
        ("ticket-started", 2),
        ("ticket-transferred", 2),
        ("ticket-called", 2),
        ("ticket-finished", 2),
        ("window-paused", 2),
        ("window-resumed", 2),
        ("window-closed", 2),
    ]
    ids = [e.id for e in service.events_after(0)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert service.ticket(t.id).ticket.category == "yibao"


def test_estimates_grow_with_the_queue_and_shrink_with_open_windows(service):
    for _ in range(6):
        issue(service)
    service.open(7)
    one = issue(service).estimated_wait_s
    service.open(8)
    two = service.ticket(issue(service).ticket.id).estimated_wait_s
    assert one > 0 and two < one
    counts = {c.id: c.waiting for c in service.categories()}
    assert counts["shebao"] == 8


def test_concurrent_call_next_never_gives_one_ticket_to_two_windows(service):
    for _ in range(40):
        issue(service)
    for number in range(1, 9):
        service.open(number)
    taken: list[tuple[int, str]] = []
    errors: list[Exception] = []

    def desk(number):
        try:
            for _ in range(10):
                view = service.call_next(number)
                if view.ticket is None:
                    return
                taken.append((number, view.ticket.number))
                service.finish(number)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = [n for _, n in taken]
    assert len(numbers) == 40 and len(set(numbers)) == 40


def test_a_green_ticket_behind_a_long_queue_is_still_called_first(service, clock):
    for _ in range(12):
        issue(service)
        clock.advance(seconds=30)
    green = issue(service, priority="green").ticket
    assert service.ticket(green.id).ahead == 0
    service.open(7)
    assert service.call_next(7).ticket.id == green.id
    service.finish(7)
    assert service.call_next(7).ticket.number == "A001"


def test_a_seasonal_window_opens_only_in_its_season(service, clock):
    assert service.open(13).window.state is WindowState.OPEN  # 23 November: in the 医保 season (Sep–Dec)
    service.close(13)
    clock.set(dt.datetime(2027, 3, 15, 1, 0, tzinfo=dt.timezone.utc))  # a Monday in March
    with pytest.raises(QueueError) as err:
        service.open(13)
    assert err.value.code == "out_of_season" and "09-01–12-31" in err.value.message
    assert service.open(1).window.state is WindowState.OPEN


def tidal_events(service):
    return [(e.window, e.data["advice"]) for e in service.events_after(0) if e.type == "tidal-advice"]


def test_the_tidal_window_is_advised_open_when_a_ticket_waits_too_long_and_closed_after_the_calm(service, clock):
    ticket = issue(service).ticket
    service.housekeeping.check_tidal()
    assert tidal_events(service) == []
    clock.advance(minutes=13)  # nobody has logged in: the ticket is 13 minutes old
    service.housekeeping.check_tidal()
    service.housekeeping.check_tidal()  # the same advice is not repeated
    assert tidal_events(service) == [(12, "open")]
    assert {w.spec.number: w.advice for w in service.queue().windows}[12] == "open"
    assert service.window_view(12).window.state is WindowState.CLOSED  # advice only: staff decide
    service.open(12)
    service.housekeeping.check_tidal()
    assert tidal_events(service)[-1] == (12, "none")
    assert service.call_next(12).ticket.id == ticket.id
    service.finish(12)
    for _ in range(3):  # calm: nothing waits; 10 minutes of it
        service.housekeeping.check_tidal()
        clock.advance(minutes=5)
    assert tidal_events(service)[-1] == (12, "close")
    assert service.window_view(12).advice == "close"


def test_in_automatic_mode_the_caller_opens_and_closes_the_tidal_window_itself(hall, db_url, clock):
    automatic = hall.model_copy(update={"tidal": hall.tidal.model_copy(update={"automatic": True})})
    service = make_service(automatic, db_url, clock)
    try:
        issue(service)
        clock.advance(minutes=13)
        service.housekeeping.check_tidal()
        assert service.window_view(12).window.state is WindowState.OPEN
        assert service.call_next(12).ticket.number == "A001"
        clock.advance(minutes=10)
        service.housekeeping.check_tidal()  # calm, but the window still serves its citizen
        clock.advance(minutes=11)
        service.housekeeping.check_tidal()
        assert service.window_view(12).window.state is WindowState.OPEN  # closes only after the citizen
        service.finish(12)
        service.housekeeping.check_tidal()
        assert service.window_view(12).window.state is WindowState.CLOSED
        kinds = [e.type for e in service.events_after(0) if e.window == 12]
        assert kinds.count("window-opened") == 1 and kinds.count("window-closed") == 1
    finally:
        service.db.engine.dispose()


def test_tickets_left_live_at_midnight_are_settled_and_their_windows_freed(service, clock):
    issue(service)
    issue(service)
    waiting = issue(service).ticket  # A003: still waiting at midnight
    service.open(1)
    service.open(2)
    called = service.call_next(1).ticket
    serving = service.call_next(2).ticket
    service.start(2)
    last_of_monday = service.last_event_id()
    clock.set(dt.datetime(2026, 11, 24, 0, 10, tzinfo=dt.timezone.utc))  # Tuesday 08:10
    # the first look at Tuesday settles Monday's tickets and frees their windows at once
    assert service.window_view(1).window.ticket_id is None and service.window_view(2).window.ticket_id is None
    assert service.housekeeping.close_past_days() == 0  # done already; idempotent
    assert service.ticket(waiting.id).ticket.status is TicketStatus.CANCELLED
    assert service.ticket(called.id).ticket.status is TicketStatus.NO_SHOW
    assert service.ticket(serving.id).ticket.status is TicketStatus.DONE
    clock.advance(minutes=25)
    fresh = issue(service).ticket
    assert service.call_next(1).ticket.id == fresh.id  # window 1 is free again
    live = [(e.type, e.data.get("reason")) for e in service.events_after(last_of_monday)]
    assert sorted(live[:3]) == [("ticket-cancelled", "day-end"), ("ticket-finished", "day-end"),
                                ("ticket-no-show", "day-end")]  # the day-end events reach the live stream
    assert live[3:] == [("ticket-issued", None), ("ticket-called", None)]
    with service.db.read() as conn:
        day_end = conn.execute(
            select(tables.events.c.type, tables.events.c.service_day).where(tables.events.c.data.like("%day-end%"))
        ).all()
    assert sorted(t for t, _ in day_end) == ["ticket-cancelled", "ticket-finished", "ticket-no-show"]
    assert {d for _, d in day_end} == {dt.date(2026, 11, 23)}


@pytest.fixture
def auto(hall, db_url, clock):
    automatic = hall.model_copy(update={"queue": hall.queue.model_copy(update={"auto_call": True})})
    service = make_service(automatic, db_url, clock)
    yield service
    service.db.engine.dispose()


def test_auto_call_sends_an_arriving_ticket_to_the_least_flexible_idle_window(auto, clock):
    auto.open(1)
    auto.open(7)
    first = issue(auto)  # 社保: windows 1 (serves all) and 7 (社保, 医保) are idle: 7 is less flexible
    assert (first.ticket.status, first.ticket.window) == (TicketStatus.CALLED, 7)
    assert issue(auto).ticket.window == 1
    third = issue(auto, "zonghe").ticket
    assert third.status is TicketStatus.WAITING  # 7 cannot take 综合 and 1 is busy
    clock.advance(minutes=5)
    after_7 = auto.finish(7)
    assert after_7.ticket.status is TicketStatus.DONE and after_7.window.ticket_id is None
    after_1 = auto.finish(1)  # window 1 is free: it takes the waiting 综合 ticket at once
    assert after_1.held.id == third.id and after_1.window.ticket_id == third.id
    called = [(e.number, e.window) for e in auto.events_after(0) if e.type == "ticket-called"]
    assert called == [("A001", 7), ("A002", 1), ("H001", 1)]


def test_auto_call_prefers_the_longest_idle_of_equally_flexible_windows(auto, clock):
    auto.open(3)
    clock.advance(minutes=2)
    auto.open(2)
    assert issue(auto).ticket.window == 3  # idle two minutes longer than window 2
    clock.advance(minutes=1)
    auto.finish(3)
    clock.advance(minutes=1)
    assert issue(auto).ticket.window == 2  # now window 2 has been idle longer


def test_auto_call_never_calls_to_a_paused_window(auto):
    auto.open(1)
    auto.pause(1)
    assert issue(auto).ticket.status is TicketStatus.WAITING
    resumed = auto.resume(1)
    assert resumed.ticket is not None and resumed.ticket.number == "A001"


def test_auto_call_under_concurrent_finishes_and_issues_never_double_calls(auto):
    for number in range(1, 9):
        auto.open(number)
    errors: list[Exception] = []

    def kiosk():
        try:
            for _ in range(15):
                issue(auto, "shebao")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    def desk(number):
        try:
            for _ in range(30):
                held = auto.window_view(number).window.ticket_id
                if held:
                    auto.finish(number, ticket_id=held)
        except QueueError:
            pass  # raced with nothing to finish: fine
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=kiosk) for _ in range(3)] + [
        threading.Thread(target=desk, args=(n,)) for n in range(1, 9)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    called = [(e.number, e.window) for e in auto.events_after(0) if e.type == "ticket-called"]
    assert len({number for number, _ in called}) == len(called)  # no ticket called twice
    with auto.db.read() as conn:
        rows = conn.execute(select(tables.windows.c.number, tables.windows.c.ticket_id)).all()
    held = [ticket for _, ticket in rows if ticket]
    assert len(held) == len(set(held))


def test_with_auto_call_a_tidal_window_opened_by_the_rule_gets_the_oldest_ticket_at_the_next_dispatch(hall, db_url, clock):
    both = hall.model_copy(
        update={
            "queue": hall.queue.model_copy(update={"auto_call": True}),
            "tidal": hall.tidal.model_copy(update={"automatic": True}),
        }
    )
    service = make_service(both, db_url, clock)
    try:
        first = issue(service).ticket
        clock.advance(minutes=13)
        service.housekeeping.check_tidal()
        assert service.window_view(12).window.state is WindowState.OPEN
        assert service.window_view(12).window.ticket_id is None  # opened, not yet dispatched
        service.dispatch()
        assert service.window_view(12).window.ticket_id == first.id
    finally:
        service.db.engine.dispose()


def test_a_seasonal_window_left_open_after_its_season_is_logged_out_once_idle(service, clock):
    service.open(13)
    issue(service, "yibao")
    service.call_next(13)
    assert service.housekeeping.close_out_of_season() == []  # in season
    clock.set(dt.datetime(2027, 1, 4, 1, 0, tzinfo=dt.timezone.utc))  # Monday 4 January: the season is over
    issue(service, "yibao")
    service.call_next(13)  # the new day settled last year's called ticket first; the window holds today's
    assert service.housekeeping.close_out_of_season() == []  # it still holds a ticket
    service.finish(13)
    assert service.housekeeping.close_out_of_season() == [13]
    assert service.window_view(13).window.state is WindowState.CLOSED
    assert service.housekeeping.close_out_of_season() == []
    assert [(e.type, e.data.get("reason")) for e in service.events_after(0, replay=True)] == [
        ("ticket-no-show", "day-end"), ("ticket-issued", None), ("ticket-called", None), ("ticket-finished", None),
        ("window-closed", None)]  # what a replay holds today


def test_a_ticket_past_the_oldest_first_bound_is_found_behind_many_head_starts(service, clock):
    """The window chooses from a few heads per category: the one waiting longest must be among them."""
    old = issue(service).ticket  # A001, normal
    clock.advance(minutes=4)
    for _ in range(6):  # six green tickets: by age + head start, all ahead of A001
        issue(service, priority="green")
    clock.advance(minutes=8)  # A001 has now waited 12 min: the hall's bound
    service.open(7)
    assert service.call_next(7).ticket.id == old.id


def test_finish_and_call_next_is_one_step_and_leaves_the_finish_standing_when_nobody_waits(service):
    """The staff's usual key (issue 15): a served citizen costs one request."""
    from caller.engine.model import QueueError as Refusal
    from caller.queue.service import IssueRequest as Ask

    first, second = service.issue(Ask("shebao")), service.issue(Ask("shebao"))
    service.open(1)
    assert service.finish_and_call_next(1).ticket.id == first.ticket.id  # nothing held: only the call
    view = service.finish_and_call_next(1, staff="张三（1001）")
    assert view.ticket.id == second.ticket.id and service.ticket(first.ticket.id).ticket.status.value == "done"
    finished = [e for e in service.events_after(0) if e.type == "ticket-finished"]
    assert len(finished) == 1 and finished[0].data.get("staff") == "张三（1001）"
    with pytest.raises(Refusal):  # a stale screen: the window holds another ticket than the one it shows
        service.finish_and_call_next(1, ticket_id=first.ticket.id)
    empty = service.finish_and_call_next(1)
    assert empty.ticket is None and empty.window.ticket_id is None
    assert service.ticket(second.ticket.id).ticket.status.value == "done"


def test_a_window_calls_past_the_tickets_other_windows_are_claiming_that_instant(hall, pg_url, clock):
    """On PostgreSQL a claim skips a ticket another window's transaction holds (SKIP LOCKED). With the first
    places of the queue all held by other windows' claims, a window answered 204 (nobody waiting) although more
    citizens waited behind them: 8 windows pressing at once over 2 processes met it."""
    service = make_service(hall, pg_url, clock)
    try:
        issued = [service.issue(IssueRequest("shebao")) for _ in range(9)]
        service.open(1)
        other = service.db.engine.connect()
        try:
            with other.begin():  # other windows, mid-claim, hold the first eight
                other.execute(select(tables.tickets.c.pk).where(tables.tickets.c.public_id.in_(
                    [t.ticket.id for t in issued[:8]])).with_for_update())
                view = service.call_next(1)
                assert view.ticket is not None and view.ticket.number == issued[8].ticket.number
        finally:
            other.close()
    finally:
        service.db.engine.dispose()


def test_a_window_passes_the_tickets_other_windows_are_claiming_in_one_read_and_one_claim(hall, pg_url, clock):
    """8 windows pressing at once chose the same head; each lost claim read the queue again one place further, 6.6
    reads and claims per call on average (issue 15). Now when the first choice is being taken, the next few are
    ranked from the same read and the first free one claimed in one statement."""
    service = make_service(hall, pg_url, clock)
    try:
        issued = [service.issue(IssueRequest("shebao")) for _ in range(9)]
        service.open(1)
        seen: list[str] = []
        other = service.db.engine.connect()
        try:
            with other.begin():  # four other windows, mid-claim, hold the first four
                other.execute(select(tables.tickets.c.pk).where(tables.tickets.c.public_id.in_(
                    [t.ticket.id for t in issued[:4]])).with_for_update())
                event.listen(service.db.engine, "before_cursor_execute",
                             lambda conn, cursor, statement, *rest: seen.append(statement))
                view = service.call_next(1)
            assert view.ticket is not None and view.ticket.number == issued[4].ticket.number
        finally:
            other.close()
        assert sum("LATERAL" in s for s in seen) == 1, "the queue heads are read once"
        assert sum("SKIP LOCKED" in s for s in seen) == 2, "the first choice, then the next few in one claim"
        assert service.ticket(issued[0].ticket.id).ticket.status.value == "waiting"
    finally:
        service.db.engine.dispose()
