"""The board's state from a snapshot and events: calls, windows, waiting counts, replays ignored."""

import datetime as dt

from display.board_state import BoardState

AT = "2026-11-23T01:00:00+00:00"
NOW = dt.datetime(2026, 11, 23, 1, 0, 30, tzinfo=dt.timezone.utc)
SNAPSHOT = {
    "last_event_id": 10,
    "categories": [{"id": "shebao", "name": "社保", "waiting": 2}, {"id": "yibao", "name": "医保", "waiting": 0}],
    "windows": [{"number": 3, "name": "综合受理 3 号窗", "state": "open", "ticket": None},
                {"number": 7, "name": "社保医保 7 号窗", "state": "paused", "ticket": None}],
}


def event(id, type, number=None, window=None, category=None, at=AT, **extra):
    return {"id": id, "type": type, "number": number, "window": window, "category": category, "at": at, **extra}


def test_a_call_shows_on_its_window_lowers_the_count_and_is_announced():
    board = BoardState()
    board.resync(SNAPSHOT)
    calls = board.apply(event(11, "ticket-called", "A001", 3, "shebao"), NOW)
    assert [(c.number, c.window) for c in calls] == [("A001", 3)]
    assert board.windows[3].current == "A001" and board.waiting["shebao"] == 1 and board.latest.number == "A001"
    assert board.apply(event(12, "ticket-recalled", "A001", 3, "shebao"), NOW)[0].recall
    assert board.waiting["shebao"] == 1 and len(board.recent) == 1
    board.apply(event(13, "ticket-finished", "A001", 3, "shebao"), NOW)
    assert board.windows[3].current is None


def test_replayed_and_old_events_change_nothing_twice_and_stale_calls_are_not_spoken():
    board = BoardState()
    board.resync(SNAPSHOT)
    assert board.apply(event(9, "ticket-issued", "A009", None, "shebao"), NOW) == [] and board.waiting["shebao"] == 2
    old = board.apply(event(11, "ticket-called", "A001", 3, "shebao", at="2026-11-23T00:50:00+00:00"), NOW)
    assert old == [] and board.windows[3].current == "A001"  # shown, but too old to announce after a reconnect
    assert not board.resync({**SNAPSHOT, "last_event_id": 5})  # an older snapshot is not taken over newer events


def test_issue_transfer_cancel_and_window_events_keep_counts_and_states():
    board = BoardState()
    board.resync(SNAPSHOT)
    board.apply(event(11, "ticket-issued", "B001", None, "yibao"), NOW)
    board.apply(event(12, "ticket-called", "B001", 3, "yibao"), NOW)
    board.apply(event(13, "ticket-transferred", "B001", 3, "shebao", data={"from_category": "yibao", "to_category": "shebao"}), NOW)
    assert board.waiting == {"shebao": 3, "yibao": 0} and board.windows[3].current is None
    board.apply(event(14, "ticket-cancelled", "A002", None, "shebao", status="cancelled"), NOW)
    board.apply(event(15, "window-resumed", window=7), NOW)
    board.apply(event(16, "window-closed", window=3), NOW)
    assert board.waiting["shebao"] == 2 and board.windows[7].state == "open" and board.windows[3].state == "closed"


def test_night_is_when_tickets_are_not_issued_and_no_window_holds_anyone():
    board = BoardState()
    board.resync(SNAPSHOT)
    assert not board.is_night({}) and not board.is_night({"issuing_now": True})
    assert board.is_night({"issuing_now": False})
    board.apply(event(11, "ticket-called", "A001", 3, "shebao"), NOW)
    assert not board.is_night({"issuing_now": False})  # a late citizen is still being called


def test_calls_carry_their_matter_and_no_shows_are_listed_until_they_come_back():
    board = BoardState()
    board.resync(SNAPSHOT)
    board.apply(event(11, "ticket-called", "A001", 3, "shebao"), NOW)
    assert board.latest.category == "社保" and board.recent[0].category == "社保"
    board.apply(event(12, "ticket-no-show", "A001", 3, "shebao"), NOW)
    board.apply(event(13, "ticket-called", "A002", 3, "shebao"), NOW)
    board.apply(event(14, "ticket-no-show", "A002", 3, "shebao"), NOW)
    assert list(board.no_shows) == ["A002", "A001"]
    board.apply(event(15, "ticket-returned", "A001", None, "shebao"), NOW)
    assert list(board.no_shows) == ["A002"]
    board.apply(event(16, "ticket-called", "A002", 3, "shebao"), NOW)  # returned at the desk and called again
    assert list(board.no_shows) == []


def test_a_ticket_on_hold_leaves_its_window_free_until_it_is_taken_back():
    board = BoardState()
    board.resync(SNAPSHOT)
    board.apply(event(11, "ticket-called", "A001", 3, "shebao"), NOW)
    board.apply(event(12, "ticket-on-hold", "A001", 3, "shebao"), NOW)
    assert board.windows[3].current is None
    board.apply(event(13, "ticket-taken-back", "A001", 3, "shebao"), NOW)
    assert board.windows[3].current == "A001"
