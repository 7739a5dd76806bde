"""The phone page behind the slip's QR: where the ticket stands, whether its service may be rated, and the cases
made from it. The slip's code travels in a request body, never in an address."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from caller.api.qr import qr_svg
from caller.api.ratings import CodeBody
from caller.api.schemas import Problem, TicketOut, ticket_out

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


@router.post("/tickets/by-code", response_model=PhoneTicketOut, responses=ERRORS)
def ticket_by_code(body: CodeBody, request: Request) -> PhoneTicketOut:
    """The phone page behind the slip's QR: the ticket's status, whether its service may be rated, and the cases
    made from it (with, once ready, the case QR that takes a pick-up ticket at the kiosk). The code travels in the
    body, never in an address."""
    book = request.app.state.ratings
    view, rating = book.state_by_code(body.code)
    cases = request.app.state.cases
    return PhoneTicketOut(ticket=ticket_out(book.hall, view), rating=rating, cases=[
        PhoneCaseOut(case_no=c.case_no, matter=c.matter, state=c.state, state_name=c.state_name,
                     due_day=c.due_day.isoformat() if c.due_day else None,
                     pickup_qr_svg=qr_svg(cases.qr_text(c.case_no)) if c.state == "ready" else None)
        for c in cases.of_ticket(view.ticket.pk)])
