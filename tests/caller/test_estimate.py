from caller.engine.estimate import Desk, estimate_wait_seconds

MEAN = {"shebao": 360.0, "budongchan": 900.0}
BOTH = frozenset(MEAN)
SHEBAO = frozenset({"shebao"})


def test_nothing_ahead_and_an_idle_window_mean_no_wait():
    assert estimate_wait_seconds("shebao", {}, [Desk(1, BOTH, False)], MEAN) == 0


def test_with_every_window_busy_the_ticket_waits_for_the_k_plus_first_departure():
    busy = [Desk(n, SHEBAO, True) for n in (1, 2, 3)]
    assert estimate_wait_seconds("shebao", {}, busy, MEAN) == 120  # one service / 3 windows
    assert estimate_wait_seconds("shebao", {"shebao": 5}, busy, MEAN) == 720  # (5 + 1) × 360 / 3


def test_idle_windows_take_the_first_tickets_ahead_at_once():
    two_idle = [Desk(1, SHEBAO, False), Desk(2, SHEBAO, False)]
    assert estimate_wait_seconds("shebao", {"shebao": 1}, two_idle, MEAN) == 0
    # 4 ahead: two start now, the 3rd and 4th at the next departures, this one at the third: 1.5 services
    assert estimate_wait_seconds("shebao", {"shebao": 4}, two_idle, MEAN) == 540
    assert estimate_wait_seconds("shebao", {"shebao": 4}, [Desk(1, SHEBAO, False)], MEAN) == 4 * 360


def test_a_ticket_another_window_could_take_only_counts_for_its_share():
    idle = [Desk(1, BOTH, False), Desk(9, frozenset({"budongchan"}), False)]
    assert estimate_wait_seconds("shebao", {"budongchan": 1}, idle, MEAN) == 0
    busy = [Desk(1, BOTH, True), Desk(9, frozenset({"budongchan"}), True)]
    # half of a 900 s service may fall on window 1, then window 1's own service (mean of what it serves)
    assert estimate_wait_seconds("shebao", {"budongchan": 1}, busy, MEAN) == 450 + 630


def test_work_no_window_of_mine_can_take_does_not_count_and_no_window_means_unknown():
    desks = [Desk(7, SHEBAO, False), Desk(11, frozenset({"budongchan"}), False)]
    assert estimate_wait_seconds("shebao", {"budongchan": 5}, desks, MEAN) == 0
    assert estimate_wait_seconds("gongzhang", {}, desks, MEAN) is None


def test_queue_pressure_is_the_oldest_age_or_the_longest_newcomer_estimate():
    from caller.engine.estimate import queue_pressure_s

    desks = [Desk(7, SHEBAO, True), Desk(11, frozenset({"budongchan"}), True)]
    assert queue_pressure_s(0, {}, desks, MEAN) == 0
    assert queue_pressure_s(600, {"shebao": 1}, desks, MEAN) == 720  # a newcomer waits (1 + 1) × 360 s
    assert queue_pressure_s(900, {"shebao": 1}, desks, MEAN) == 900  # the oldest ticket's age is larger
    assert queue_pressure_s(0, {"shebao": 1, "budongchan": 2}, desks, MEAN) == 2700  # (2 + 1) × 900 s
    assert queue_pressure_s(0, {"gongzhang": 3}, desks, MEAN) == 0  # no window serves it: the age must speak
