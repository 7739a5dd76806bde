"""The live event stream (Server-Sent Events) with Last-Event-ID resume, and the caller's clock on it.

Every connection starts with a `clock` event (`{"type": "clock", "now": …}`, no id), and the keep-alive every
`sse_ping_s` is one too: a board judges whether a call is fresh by the caller's time, never by its own clock.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from caller.api.deps import require
from caller.api.schemas import Problem
from caller.auth import Role
from caller.queue.event_hub import EventHub, Subscription, encode
from caller.queue.service import Invalid, QueueService

router = APIRouter(prefix="/api/v1", tags=["events"])
BACKLOG_PAGE = 1000
MAX_EVENT_ID = 2**63 - 1  # event ids are 64-bit integers in the database


def _parse_last_id(raw: str | None) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        raise Invalid("invalid_last_event_id", "Last-Event-ID 必须是整数 / Last-Event-ID must be an integer") from None
    if value < 0 or value > MAX_EVENT_ID:
        raise Invalid("invalid_last_event_id", "Last-Event-ID 须为 0 至 2⁶³−1 的整数 / must be 0 … 2^63−1")
    return value


def clock_event(service: QueueService) -> ServerSentEvent:
    now = service.hall.local(service.tx.clock()).isoformat()
    return ServerSentEvent(data=json.dumps({"type": "clock", "now": now}), event="clock")


async def _stream(service: QueueService, hub: EventHub, sub: Subscription, after: int | None) -> AsyncIterator[ServerSentEvent]:
    try:
        yield clock_event(service)
        sent = sub.start_after if after is None else after
        if after is not None:
            # everything of today the client missed, page by page, before the live feed
            while True:
                page = await asyncio.to_thread(service.events_after, sent, BACKLOG_PAGE, replay=True)
                for event in page:
                    out = encode(event)
                    yield ServerSentEvent(data=out.data, event=out.type, id=str(out.id))
                    sent = out.id
                if len(page) < BACKLOG_PAGE:
                    break
        while True:
            item = await sub.queue.get()
            if item is None:  # the hub cut this client off (too slow) or is stopping
                return
            if item.id <= sent:
                continue
            yield ServerSentEvent(data=item.data, event=item.type, id=str(item.id))
            sent = item.id
    finally:
        hub.unsubscribe(sub)


@router.get(
    "/events",
    responses={200: {"content": {"text/event-stream": {}}}, 401: {"model": Problem}, 403: {"model": Problem}},
    dependencies=[Depends(require(Role.DISPLAY, Role.COUNTER, Role.DESK))],
)
async def events(
    request: Request, last_event_id: Annotated[str | None, Header(max_length=32)] = None
) -> EventSourceResponse:
    """Every queue event as it happens; reconnect with `Last-Event-ID` to receive all of today's events missed.

    A `clock` event (the caller's time, no id) opens the stream and keeps it alive every few seconds.

    Events carry numbers, categories and windows, never personal data.
    """
    after = _parse_last_id(last_event_id)
    hub: EventHub = request.app.state.hub
    service: QueueService = request.app.state.service
    sub = hub.subscribe()
    return EventSourceResponse(
        _stream(service, hub, sub, after),
        ping=request.app.state.settings.sse_ping_s,
        ping_message_factory=lambda: clock_event(service),
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
