import datetime as dt
from dataclasses import replace

from caller.engine import model
from caller.engine.model import Priority, Window
from caller.engine.policy import OldestWithHeadStart, fixed_reach
from tests.caller.test_model import RULES, T0

ALL = frozenset({"shebao", "yibao", "budongchan"})


def at(minutes):
    return T0 + dt.timedelta(minutes=minutes)


def make(number, minutes, category="shebao", priority=Priority.NORMAL):
    t, _ = model.issue(number, number, category, priority, T0.date(), at(minutes))
    return t


def test_the_oldest_ticket_is_called_first():
    policy = OldestWithHeadStart(RULES)
    tickets = [make("A003", 3), make("A001", 1), make("A002", 2)]
    assert policy.choose(Window(1), ALL, tickets, at(10)).number == "A001"


def test_head_starts_put_green_and_appointments_ahead_by_their_minutes():
    policy = OldestWithHeadStart(RULES)
    normal = make("A001", 0)
    green = make("A002", 15, priority=Priority.GREEN)  # 20 min head start beats a 15 min older ticket
    appointment = make("A003", 9, priority=Priority.APPOINTMENT)  # 10 min head start beats 9 min
    assert policy.choose(Window(1), ALL, [normal, appointment, green], at(30)).number == "A002"
    assert policy.choose(Window(1), ALL, [normal, appointment], at(30)).number == "A003"
    late_green = make("A004", 25, priority=Priority.GREEN)  # 25 min younger: head start is not enough
    assert policy.choose(Window(1), ALL, [normal, late_green], at(30)).number == "A001"


def test_a_window_only_calls_what_it_serves():
    policy = OldestWithHeadStart(RULES)
    tickets = [make("E001", 0, "budongchan"), make("A001", 5)]
    assert policy.choose(Window(7), frozenset({"shebao", "yibao"}), tickets, at(10)).number == "A001"
    assert policy.choose(Window(10), frozenset({"gongzhang"}), tickets, at(10)) is None


def test_no_ticket_waits_forever_behind_a_stream_of_green_tickets():
    """Starvation-free: a green ticket arriving every minute overtakes an old normal one only for 20 minutes."""
    policy = OldestWithHeadStart(RULES)
    old = make("A001", 0)
    waiting = [old]
    for minute in range(1, 120):
        waiting.append(make(f"A{minute + 1:03d}", minute, priority=Priority.GREEN))
        chosen = policy.choose(Window(1), ALL, waiting, at(minute))
        waiting.remove(chosen)
        if chosen is old:
            assert minute <= 21
            break
    else:
        raise AssertionError("the old normal ticket was never called")


def test_ties_go_to_the_earlier_issue_then_the_lower_number():
    policy = OldestWithHeadStart(RULES)
    a, b = make("A002", 5), make("A001", 5)
    assert policy.choose(Window(1), ALL, [a, b], at(6)).number == "A001"


GUARDED = replace(RULES, oldest_first_after=dt.timedelta(minutes=12))


def test_past_the_bound_the_oldest_goes_first_and_head_starts_wait():
    policy = OldestWithHeadStart(GUARDED)
    normal = make("A001", 0)
    green = make("A002", 5, priority=Priority.GREEN)  # age + head start: 20 + 5 > 11 min
    assert policy.choose(Window(1), ALL, [normal, green], at(11)).number == "A002"  # under the bound
    assert policy.choose(Window(1), ALL, [normal, green], at(12)).number == "A001"  # A001 has waited 12 min
    # among the overdue, age alone decides; under the bound nothing changes for the others
    late = make("A003", 1)
    assert policy.choose(Window(1), ALL, [green, late, normal], at(13)).number == "A001"


def test_a_window_puts_work_no_narrower_window_can_take_ahead_by_the_bonus():
    reach = fixed_reach([ALL, frozenset({"shebao", "yibao"})])  # a comprehensive window and a 社保/医保 one
    policy = OldestWithHeadStart(replace(RULES, exclusive_bonus=dt.timedelta(minutes=2)), reach)
    shebao = make("A001", 0)
    budongchan = make("E001", 1, "budongchan")  # only the comprehensive window takes 不动产
    assert policy.choose(Window(1), ALL, [shebao, budongchan], at(5)).number == "E001"  # 1 min younger: bonus 2
    older = make("A002", -2)
    assert policy.choose(Window(1), ALL, [older, budongchan], at(5)).number == "A002"  # 3 min older: no
    # the narrow window gets no bonus for what it alone can take beyond the comprehensive one: plain age
    yibao = make("B001", 0.5, "yibao")
    assert policy.choose(Window(7), frozenset({"shebao", "yibao"}), [yibao, shebao], at(5)).number == "A001"
