"""Where a ticket stands: the people ahead and the estimated wait never mislead (issue 10's findings)."""

from caller.queue.service import IssueRequest


def issue(service, category="shebao", priority="normal"):
    return service.issue(IssueRequest(category, priority))


def by_id(service):
    return {c.id: c for c in service.categories()}


def test_no_estimate_is_given_while_no_open_window_serves_a_category(service):
    issue(service, "zonghe")
    categories = by_id(service)
    # before: the scheduled windows stood in for absent ones, and the kiosk said 约 1 分钟
    assert categories["zonghe"].estimated_wait_s is None and not categories["zonghe"].served_now
    view = issue(service, "zonghe")
    assert view.estimated_wait_s is None and view.served_now is False and view.ahead == 1


def test_only_the_categories_an_open_window_serves_get_an_estimate(service):
    service.open(7)  # 社保 and 医保 only
    for _ in range(6):
        issue(service, "zonghe")
    issue(service, "shebao")
    categories = by_id(service)
    assert not categories["zonghe"].served_now and categories["zonghe"].estimated_wait_s is None
    assert categories["shebao"].served_now and categories["shebao"].estimated_wait_s > 0
    assert issue(service, "zonghe").served_now is False


def test_ahead_counts_everyone_called_first_at_the_windows_that_serve_it(service, clock):
    service.open(7)  # serves 社保 and 医保: their tickets compete for it
    for _ in range(3):
        issue(service, "yibao")
        clock.advance(minutes=3)  # older by more than a window's bonus for work only it can take
    issue(service, "budongchan")  # served at other windows: not ahead of a 社保 ticket at window 7
    clock.advance(minutes=3)
    mine = issue(service, "shebao")
    # before: "ahead" counted only 社保 tickets, so it said 0 next to a wait of three services
    assert mine.ahead == 3 and mine.served_now is True
    assert mine.estimated_wait_s > 0
    service.call_next(7)
    assert service.ticket(mine.ticket.id).ahead == 2
