"""The hall's working-day calendar, pure: counting working days (holidays and 调休 days as the hall says) to a
promised day, and from today to it. The hall's `is_working_day` is passed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable


class CalendarError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def due_day(received: dt.date, working_days: int, is_working_day: Callable[[dt.date], bool]) -> dt.date:
    """The promised day: the `working_days`-th working day after the day of receipt (which does not count), by
    the hall's calendar, so a national holiday moves it and a 调休 Saturday counts."""
    day, left = received, working_days
    for _ in range(working_days * 7 + 400):  # a holiday season is long, a year is longer
        if left == 0:
            return day
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    raise CalendarError("no_working_days", "日历中没有足够的工作日 / the calendar has too few working days")


def working_days_left(today: dt.date, due: dt.date, is_working_day: Callable[[dt.date], bool]) -> int:
    """Working days from today to the due day, today excluded (0: due today; negative: overdue by that many)."""
    if due >= today:
        return sum(1 for i in range(1, (due - today).days + 1) if is_working_day(today + dt.timedelta(days=i)))
    return -sum(1 for i in range(0, (today - due).days) if is_working_day(due + dt.timedelta(days=i + 1)))
