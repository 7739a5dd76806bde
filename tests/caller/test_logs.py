"""A message that repeats is logged a few times a minute, then counted once the minute is over."""

import logging

from caller.logs import RepeatLimit


class Minutes:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def record(message, *args):
    return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, message, args, None)


def test_a_repeating_message_passes_five_times_a_minute_then_says_how_many_were_held_back():
    clock = Minutes()
    limit = RepeatLimit(burst=5, window_s=60, monotonic=clock)
    passed = [limit.filter(record("socket.accept() out of system resource: %s", n)) for n in range(10_000)]
    assert passed.count(True) == 5
    assert limit.filter(record("another message"))  # others are not held back
    clock.now = 61
    later = record("socket.accept() out of system resource: %s", "again")
    assert limit.filter(later)
    assert "9995 more like this" in later.getMessage() and "again" in later.getMessage()


def test_access_log_lines_keep_the_path_and_drop_the_query_string():
    from caller.logs import AccessPathOnly

    line = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                             ("127.0.0.1:5000", "GET", "/rate/3?token=ow_secret", "1.1", 200), None)
    assert AccessPathOnly().filter(line)
    assert line.getMessage() == '127.0.0.1:5000 - "GET /rate/3?… HTTP/1.1" 200' and "ow_secret" not in line.getMessage()


def test_the_access_log_is_not_cut_to_a_few_lines_a_minute():
    limit = RepeatLimit(burst=5, window_s=60, monotonic=lambda: 0.0)
    lines = [logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:1", "GET", f"/api/v1/tickets/{n}", "1.1", 200), None) for n in range(50)]
    assert all(limit.filter(line) for line in lines)  # before: the template repeats, so 45 of 50 were dropped
