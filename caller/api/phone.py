"""The phone page behind the slip's QR: where the ticket stands, whether its service may be rated, and the cases
made from it — once, or followed live (a stream that sends the ticket again whenever the queue moved it), so the
page neither polls nor misses its call. The slip's code travels in a request body, never in an address."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse, ServerSentEvent

from caller.api.qr import qr_svg
from caller.api.ratings import CodeBody
from caller.api.schemas import Problem, TicketOut, ticket_out
from caller.queue.event_hub import EventHub, Subscription

router = APIRouter(prefix="/api/v1", tags=["ratings"])
ERRORS = {code: {"model": Problem} for code in (400, 401, 403, 404, 409, 422)}


class PhoneCaseOut(BaseModel):
    case_no: str
    matter: str
    state: str
    state_name: str
    due_day: str | None
    pickup_qr_svg: str | None = Field(default=None, description="ready: the case QR the kiosk's camera takes")


class PhoneTicketOut(BaseModel):
    ticket: TicketOut
    rating: Literal["open", "rated", "not_served"] | None = Field(
        description="open: the latest service may be rated; rated; not_served (closed by the day-end sweep); "
                    "null while not finished")
    cases: list[PhoneCaseOut] = Field(default_factory=list, description="the cases (办件) made from this ticket")
    remind_ahead: int = Field(default=0, description="the page reminds when this many are ahead (`[phone]`), and "
                              "when the ticket is called")
    arrival_qr_svg: str | None = Field(default=None, description="a remote number not yet confirmed in the hall: the "
                                       "QR the kiosk's camera takes (到场确认)")


def phone_state(request: Request, code: str) -> PhoneTicketOut:
    book = request.app.state.ratings
    view, rating = book.state_by_code(code)
    cases = request.app.state.cases
    out = ticket_out(book.hall, view)
    arrival = qr_svg(request.app.state.remote.arrival_qr(out.id)) if out.remote and view.ticket.arrived_at is None \
        and out.status in ("waiting", "no-show") else None
    return PhoneTicketOut(ticket=out, rating=rating, remind_ahead=book.hall.phone.remind_ahead, arrival_qr_svg=arrival,
                          cases=[PhoneCaseOut(case_no=c.case_no, matter=c.matter, state=c.state,
                                              state_name=c.state_name,
                                              due_day=c.due_day.isoformat() if c.due_day else None,
                                              pickup_qr_svg=qr_svg(cases.qr_text(c.case_no)) if c.state == "ready"
                                              else None)
                                 for c in cases.of_ticket(view.ticket.pk)])


@router.post("/tickets/by-code", response_model=PhoneTicketOut, responses=ERRORS)
def ticket_by_code(body: CodeBody, request: Request) -> PhoneTicketOut:
    """The phone page behind the slip's QR: the ticket's status, whether its service may be rated, and the cases
    made from it (with, once ready, the case QR that takes a pick-up ticket at the kiosk). The code travels in the
    body, never in an address."""
    return phone_state(request, body.code)


MOVES_A_TICKET = ("ticket-", "window-", "hall-changed", "receipt-", "case-")
SETTLE_S = 0.2  # a burst of events (a call and its window's change) is read as one move


async def _follow(request: Request, code: str, first: PhoneTicketOut, hub: EventHub,
                  sub: Subscription) -> AsyncIterator[ServerSentEvent]:
    try:
        last = first.model_dump_json()
        yield ServerSentEvent(data=last, event="ticket")
        while True:
            item = await sub.queue.get()
            if item is None:  # the hub is stopping, or cut this slow client off: the page reconnects
                return
            if not item.type.startswith(MOVES_A_TICKET):
                continue
            await asyncio.sleep(SETTLE_S)
            while not sub.queue.empty():
                if sub.queue.get_nowait() is None:
                    return
            state = (await asyncio.to_thread(phone_state, request, code)).model_dump_json()
            if state != last:
                yield ServerSentEvent(data=state, event="ticket")
                last = state
    finally:
        hub.unsubscribe(sub)


@router.post("/tickets/by-code/follow", responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}})
async def follow_ticket(body: CodeBody, request: Request) -> EventSourceResponse:
    """The phone page, live: a `ticket` event with the same answer as `/tickets/by-code` at once, and again
    whenever the queue moved the ticket (people ahead, the estimate, its call, its end, a case's step). A refused
    code is refused before the stream opens. The page reconnects if the stream drops."""
    first = await asyncio.to_thread(phone_state, request, body.code)
    hub: EventHub = request.app.state.hub
    return EventSourceResponse(_follow(request, body.code, first, hub, hub.subscribe()),
                               ping=request.app.state.settings.sse_ping_s,
                               headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
