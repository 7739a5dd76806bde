import datetime as dt

from caller.estimate import Desk, Waiting, estimate_wait_seconds

T0 = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)
MEAN = {"shebao": 360.0, "budongchan": 900.0}
BOTH = frozenset(MEAN)


def key(moment, number="A001"):
    return (moment, moment, number)


def queue(*categories):
    return [Waiting(c, key(T0 + dt.timedelta(seconds=i))) for i, c in enumerate(categories)]


def test_nothing_ahead_and_idle_windows_mean_no_wait():
    assert estimate_wait_seconds("shebao", key(T0), [], [Desk(1, BOTH, False)], MEAN) == 0


def test_work_ahead_is_spread_over_the_windows_that_serve_the_category():
    ahead = queue("shebao", "shebao", "shebao", "shebao")
    later = key(T0 + dt.timedelta(minutes=5))
    one = estimate_wait_seconds("shebao", later, ahead, [Desk(1, BOTH, False)], MEAN)
    two = estimate_wait_seconds("shebao", later, ahead, [Desk(1, BOTH, False), Desk(2, BOTH, False)], MEAN)
    assert one == 4 * 360 and two == 2 * 360


def test_tickets_behind_do_not_count():
    ahead = queue("shebao", "shebao")
    assert estimate_wait_seconds("shebao", key(T0), ahead, [Desk(1, BOTH, False)], MEAN) == 0


def test_a_ticket_another_window_could_take_only_counts_for_its_share():
    ahead = queue("budongchan")
    later = key(T0 + dt.timedelta(minutes=1))
    desks = [Desk(1, BOTH, False), Desk(9, frozenset({"budongchan"}), False)]
    assert estimate_wait_seconds("shebao", later, ahead, desks, MEAN) == 450  # half of 900 s on one window


def test_busy_windows_add_half_a_service_and_no_window_means_unknown():
    desks = [Desk(1, frozenset({"shebao"}), True)]
    assert estimate_wait_seconds("shebao", key(T0), [], desks, MEAN) == 180
    assert estimate_wait_seconds("gongzhang", key(T0), [], desks, MEAN) is None


def test_a_ticket_issued_the_same_instant_counts_by_its_number():
    same = [Waiting("shebao", key(T0, "A001"))]
    assert estimate_wait_seconds("shebao", key(T0, "A002"), same, [Desk(1, BOTH, False)], MEAN) == 360
