"""The live event stream: order, resume with Last-Event-ID, several processes, no personal data."""

import asyncio
import datetime as dt

from caller.queue.event_hub import EventHub
from caller.storage.repository import StoredEvent
from tests.conftest import start_live_caller
from tests.sse_client import open_stream


def issue(live, category="shebao", **extra):
    response = live.post("/api/v1/tickets", "kiosk", json={"category": category, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_events_arrive_live_in_order_without_personal_data(live):
    stream = open_stream(live.base, live.headers("display"))
    issue(live, name="张三丰", id_number="11010519491231002X")
    live.post("/api/v1/windows/1/open", "admin")
    live.post("/api/v1/windows/1/call-next", "admin")
    got = stream.take(3)
    stream.close()
    assert [e.type for e in got] == ["ticket-issued", "window-opened", "ticket-called"]
    assert [e.id for e in got] == sorted(e.id for e in got)
    assert got[2].data["number"] == "A001" and got[2].data["window"] == 1
    for event in got:
        text = str(event.data)
        assert "张" not in text and "1101" not in text and "id" in event.data


def test_a_client_that_reconnects_with_last_event_id_gets_exactly_what_it_missed(live):
    stream = open_stream(live.base, live.headers("display"))
    issue(live)
    seen = stream.take(1)
    stream.close()
    missed = [issue(live)["number"] for _ in range(3)]
    resumed = open_stream(live.base, live.headers("display"), last_event_id=seen[-1].id)
    replay = resumed.take(3)
    assert [e.data["number"] for e in replay] == missed
    issue(live, "yibao")
    assert resumed.take(1)[0].data["number"] == "B001"
    resumed.close()


def test_resume_from_zero_replays_the_whole_day_only_with_the_day_end_sweep_first(live, clock):
    issue(live)
    clock.advance(days=1)
    issue(live)
    issue(live)
    stream = open_stream(live.base, live.headers("display"), last_event_id=0)
    replay = stream.take(3)
    stream.close()
    swept, *today = replay
    assert (swept.type, swept.data["data"]["reason"], swept.data["number"]) == ("ticket-cancelled", "day-end", "A001")
    assert [(e.type, e.data["number"]) for e in today] == [("ticket-issued", "A001"), ("ticket-issued", "A002")]
    assert swept.id > 1  # yesterday's issue is not replayed


def test_the_day_end_sweep_reaches_a_live_stream_at_once(live, clock):
    issue(live)
    live.post("/api/v1/windows/1/open", "admin")
    live.post("/api/v1/windows/1/call-next", "admin")
    stream = open_stream(live.base, live.headers("display"))
    clock.advance(days=1)
    window = live.get("/api/v1/windows/1", "admin").json()  # the first look at the new day settles the old one
    assert window["ticket"] is None
    swept = stream.take(1)[0]
    stream.close()
    assert (swept.type, swept.data["window"], swept.data["data"]["reason"]) == ("ticket-no-show", 1, "day-end")


def test_a_second_caller_process_on_the_same_database_streams_the_first_ones_events(live, hall, db_url, clock):
    other, server, thread = start_live_caller(hall, db_url, clock)
    try:
        stream = open_stream(other.base, other.headers("display"))
        issue(live)  # through the first caller
        got = stream.take(1)
        stream.close()
        assert got[0].type == "ticket-issued" and got[0].data["number"] == "A001"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_malformed_last_event_id_is_refused(live):
    response = live.get("/api/v1/events", "display", headers={"Last-Event-ID": "yesterday"})
    assert response.status_code == 422 and response.json()["error"] == "invalid_last_event_id"


def test_a_subscriber_too_far_behind_is_cut_off_to_reconnect():
    at = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)
    stored = [StoredEvent(i, "ticket-issued", at, f"A{i:03d}", "shebao", None, "waiting", {}) for i in range(1, 8)]

    async def scenario():
        released = [0]  # events become visible one at a time
        hub = EventHub(
            lambda last: [e for e in stored if last < e.id <= released[0]], lambda: 0, poll_s=0.01, max_backlog=5
        )
        await hub.start()
        slow, quick = hub.subscribe(), hub.subscribe()
        got = []
        for _ in stored:
            released[0] += 1
            hub.poke()
            item = await asyncio.wait_for(quick.queue.get(), 2)
            got.append(item.id)
        await hub.stop()
        drained = []
        while not slow.queue.empty():
            drained.append(slow.queue.get_nowait())
        return got, drained

    got, drained = asyncio.run(scenario())
    assert got == list(range(1, 8))
    assert [d.id for d in drained[:-1]] == [1, 2, 3, 4, 5] and drained[5] is None


def test_a_local_commits_events_go_out_as_stored_without_a_read_unless_ids_leave_a_gap():
    """The hub read the database after every local commit (a tenth of a request's Python, issue 15). A commit now
    offers the events it stored: when their ids run on from the last delivered, they go out as they are; a gap
    (another process's events, another hall's, a rolled back id) makes the hub read, and nothing is skipped."""
    at = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)

    def event(i):
        return StoredEvent(i, "ticket-issued", at, f"A{i:03d}", "shebao", None, "waiting", {})

    in_database = [event(i) for i in (1, 2, 3, 5, 6)]  # 4 went to another hall
    reads = []

    def fetch(last):
        reads.append(last)
        return [e for e in in_database if e.id > last]

    async def scenario():
        hub = EventHub(fetch, lambda: 0, poll_s=30)
        await hub.start()
        sub = hub.subscribe()

        async def take(n):
            return [(await asyncio.wait_for(sub.queue.get(), 2)).id for _ in range(n)]

        hub.poke([event(2)])  # two commits whose callbacks ran out of order
        hub.poke([event(1)])
        first = await take(2)
        reads_after_first = len(reads)
        hub.poke([event(3)])
        second = await take(1)
        hub.poke([event(5), event(6)])  # 4 is not ours: read
        third = await take(2)
        await hub.stop()
        return first, reads_after_first, second, third

    first, reads_after_first, second, third = asyncio.run(scenario())
    assert first == [1, 2] and second == [3] and third == [5, 6]
    assert reads_after_first == 0 and reads == [3], reads


def test_events_passed_on_as_committed_equal_those_read_back_from_the_database(live):
    stream = open_stream(live.base, live.headers("display"))
    issue(live)
    issue(live, "yibao")
    live.post("/api/v1/windows/1/open", "admin")
    live.post("/api/v1/windows/1/call-next", "admin")
    live.post("/api/v1/windows/1/finish-and-call-next", "admin")
    live.post("/api/v1/windows/1/finish", "admin")
    got = stream.take(7)
    stream.close()
    replayed = open_stream(live.base, live.headers("display"), last_event_id=got[0].id - 1)  # read back
    stored = replayed.take(7)
    replayed.close()
    assert [(e.id, e.type, e.data) for e in got] == [(e.id, e.type, e.data) for e in stored]
    assert [e.type for e in got][-2:] == ["ticket-called", "ticket-finished"]
