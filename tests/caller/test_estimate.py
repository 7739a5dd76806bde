from caller.estimate import Desk, estimate_wait_seconds

MEAN = {"shebao": 360.0, "budongchan": 900.0}
BOTH = frozenset(MEAN)


def test_nothing_ahead_and_idle_windows_mean_no_wait():
    assert estimate_wait_seconds("shebao", {}, [Desk(1, BOTH, False)], MEAN) == 0


def test_work_ahead_is_spread_over_the_windows_that_serve_the_category():
    one = estimate_wait_seconds("shebao", {"shebao": 4}, [Desk(1, BOTH, False)], MEAN)
    two = estimate_wait_seconds("shebao", {"shebao": 4}, [Desk(1, BOTH, False), Desk(2, BOTH, False)], MEAN)
    assert one == 4 * 360 and two == 2 * 360


def test_a_ticket_another_window_could_take_only_counts_for_its_share():
    desks = [Desk(1, BOTH, False), Desk(9, frozenset({"budongchan"}), False)]
    assert estimate_wait_seconds("shebao", {"budongchan": 1}, desks, MEAN) == 450  # half of 900 s on one window


def test_work_no_window_of_mine_can_take_does_not_count():
    desks = [Desk(7, frozenset({"shebao"}), False), Desk(11, frozenset({"budongchan"}), False)]
    assert estimate_wait_seconds("shebao", {"budongchan": 5}, desks, MEAN) == 0


def test_busy_windows_add_half_a_service_and_no_window_means_unknown():
    desks = [Desk(1, frozenset({"shebao"}), True)]
    assert estimate_wait_seconds("shebao", {}, desks, MEAN) == 180
    assert estimate_wait_seconds("gongzhang", {}, desks, MEAN) is None
