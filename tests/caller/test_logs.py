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
