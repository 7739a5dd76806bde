"""Real caller processes over real HTTP: two processes racing on one database, and kill -9 mid-load.

Short runs of tests/bench/race.py and tests/bench/crash.py (the full-length figures are in docs/benchmarks.md).
"""

import pytest

from tests.bench import crash, race

pytestmark = pytest.mark.slow


def test_two_processes_under_load_never_duplicate_double_call_or_lose_a_ticket(db_url):
    result = race.run(db_url, seconds=4)
    assert result["issued"] > 50 and result["called"] > 20
    assert result["duplicate_numbers"] == 0
    assert result["called_twice"] == 0
    assert result["lost"] == 0
    assert result["wrong_state"] == 0
    assert result["client_errors"] == {}


def test_kill_9_mid_load_loses_nothing_and_the_stream_catches_up(db_url):
    result = crash.run(db_url, before=3, after=3)
    assert result["client_errors"].get("issue-no-answer", 0) > 0  # the crash really hit clients mid-request
    assert result["lost"] == 0
    assert result["wrong_state"] == 0
    assert result["duplicate_numbers"] == 0
    assert result["called_twice"] == 0
    assert result["numbering_continued"]
    assert result["events_missed"] == 0 and result["events_out_of_order"] == 0
    assert "issue-gave-up" not in result["client_errors"]
