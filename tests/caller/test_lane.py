"""The queue's lane (caller/api/lane.py): a few threads of its own, taken in arrival order, apart from FastAPI's
general pool."""

from __future__ import annotations

import threading
import time

import anyio
import anyio.to_thread
import pytest
from pydantic import ValidationError

from caller.api.lane import Lane
from caller.settings import CallerSettings
from tests.conftest import serving


def run_eight(lane: Lane) -> tuple[list[int], int, list[int]]:
    """Eight actions of 20 ms asked for one after another: their results, the most running at once, and the order
    they started in."""
    lock = threading.Lock()
    running, most, started = 0, 0, []

    def work(k: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            started.append(k)
        time.sleep(0.02)
        with lock:
            running -= 1
        return k

    async def main() -> list[int]:
        done: list[int] = []

        async def one(k: int) -> None:
            done.append(await lane.run(lambda: work(k)))

        async with anyio.create_task_group() as tasks:
            for k in range(8):
                tasks.start_soon(one, k)
                await anyio.sleep(0.001)  # asked in this order
        return done

    done = anyio.run(main)
    return sorted(done), most, started


def test_at_most_its_threads_at_once() -> None:
    done, most, _ = run_eight(Lane(2))
    assert done == list(range(8))
    assert most == 2


def test_in_the_order_asked() -> None:
    """One thread: each action starts when the one before it ended, in the order they were asked for. (With two,
    two threads given their turn together may start in either order.)"""
    done, most, started = run_eight(Lane(1))
    assert done == list(range(8))
    assert most == 1
    assert started == list(range(8))


def test_a_full_general_pool_does_not_hold_up_the_lane() -> None:
    """Slow requests holding every thread of FastAPI's pool (reports, exports) leave the queue's actions running."""
    lane = Lane(1)

    async def main() -> str:
        general = anyio.to_thread.current_default_thread_limiter()
        holders = [object() for _ in range(int(general.total_tokens))]
        for holder in holders:
            await general.acquire_on_behalf_of(holder)
        try:
            with anyio.fail_after(5):
                return await lane.run(lambda: "served")
        finally:
            for holder in holders:
                general.release_on_behalf_of(holder)

    assert anyio.run(main) == "served"


def test_lane_actions_check_their_token_on_the_lane(hall, db_url, clock) -> None:  # noqa: ANN001
    """The window and ticket actions look their token up on the lane thread: 401 unknown, 403 wrong role or
    window, and the action runs for the right one (with a single lane thread, so each waits its turn)."""
    with serving(hall, db_url, clock, lane_threads=1) as live:
        kiosk, window_2 = live.headers("kiosk"), live.headers("counter", 2)
        category = {"category": "shebao"}
        assert live.post("/api/v1/windows/1/open").status_code == 401
        assert live.post("/api/v1/windows/1/open", headers={"Authorization": "Bearer nope"}).status_code == 401
        assert live.post("/api/v1/windows/1/open", headers=kiosk).json()["error"] == "forbidden"
        assert live.post("/api/v1/windows/1/open", headers=window_2).json()["error"] == "wrong_window"
        assert live.post("/api/v1/tickets", json=category, headers=window_2).json()["error"] == "forbidden"
        assert live.post("/api/v1/windows/2/open", headers=window_2).status_code == 200
        issued = live.post("/api/v1/tickets", json=category, headers=kiosk)
        assert issued.status_code == 201, issued.text
        called = live.post("/api/v1/windows/2/finish-and-call-next", headers=window_2)
        assert called.status_code == 200, called.text
        assert called.json()["ticket"]["id"] == issued.json()["id"]


@pytest.mark.parametrize("threads", [0, 65])
def test_lane_threads_bounded(threads: int) -> None:
    with pytest.raises(ValidationError):
        CallerSettings(lane_threads=threads)
