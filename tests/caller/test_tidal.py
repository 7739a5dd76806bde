from caller.engine.tidal import TidalAdvice, TidalAdvisor, TidalRule


def test_it_advises_opening_past_the_threshold_only_once():
    advisor = TidalAdvisor()
    assert advisor.observe(0, 11 * 60) is None
    assert advisor.observe(60, 12 * 60 + 1) is TidalAdvice.OPEN
    assert advisor.observe(120, 20 * 60) is None


def test_it_closes_only_after_calm_held_long_enough():
    advisor = TidalAdvisor(is_open=True)
    assert advisor.observe(0, 3 * 60) is None
    assert advisor.observe(9 * 60, 3 * 60) is None
    assert advisor.observe(10 * 60, 3 * 60) is TidalAdvice.CLOSE
    assert not advisor.is_open


def test_a_burst_of_pressure_restarts_the_calm_period():
    advisor = TidalAdvisor(is_open=True)
    advisor.observe(0, 60)
    advisor.observe(8 * 60, 5 * 60)  # back above the closing threshold
    assert advisor.observe(12 * 60, 60) is None
    assert advisor.observe(22 * 60, 60) is TidalAdvice.CLOSE


def test_pressure_between_the_thresholds_neither_opens_nor_closes():
    closed, opened = TidalAdvisor(), TidalAdvisor(is_open=True)
    for minute in range(0, 120):
        assert closed.observe(minute * 60, 8 * 60) is None
        assert opened.observe(minute * 60, 8 * 60) is None


def test_the_rule_is_pure_and_keeps_advising_close_while_the_window_stays_open():
    rule = TidalRule()
    assert rule.advise(True, None, 100, 60) == (None, 100)
    assert rule.advise(True, 100, 700, 60) == (TidalAdvice.CLOSE, 100)
    assert rule.advise(True, 100, 800, 60) == (TidalAdvice.CLOSE, 100)  # still calm, still open: still advise
    assert rule.advise(False, 100, 900, 60) == (None, None)
