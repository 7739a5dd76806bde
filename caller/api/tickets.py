"""Tickets: issuing (idempotent), public status, return after a no-show, cancelling."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import HallDep, Service, require
from caller.api.lane import Credential, LaneDep, credential
from caller.api.schemas import IssueBody, Problem, TicketOut, ticket_out
from caller.auth import Principal, Role
from caller.queue.service import Invalid, IssueRequest

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])
_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}


@router.post("", status_code=201, response_model=TicketOut, responses=ERRORS)
async def issue_ticket(
    body: IssueBody,
    service: Service,
    hall: HallDep,
    request: Request,
    response: Response,
    lane: LaneDep,
    token: Annotated[Credential, Depends(credential(Role.KIOSK))],
    idempotency_key: Annotated[str | None, Header(max_length=256)] = None,
) -> TicketOut:
    """Issue a ticket. A retry with the same `Idempotency-Key` returns the same ticket, never a second one."""

    def work(who: Principal) -> TicketOut:  # on the queue's lane (caller/api/lane.py), the token looked up there
        if idempotency_key is not None and not _KEY.match(idempotency_key):
            raise Invalid("invalid_idempotency_key",
                          "Idempotency-Key 为 1–128 个可见 ASCII 字符 / 1–128 printable ASCII")
        view = service.issue(
            IssueRequest(body.category, body.priority, body.name, body.id_number, body.source), idempotency_key
        )
        if view.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return with_phone_code(request, ticket_out(hall, view))

    return await lane.act(token, work)


def with_phone_code(request: Request, out: TicketOut) -> TicketOut:
    """The answer to the kiosk that issued the ticket: with the code its slip's QR carries."""
    return out.model_copy(update={"phone_code": request.app.state.ratings.codes.code(out.id)})


@router.get(
    "/unprinted", response_model=list[TicketOut], responses=ERRORS, dependencies=[Depends(require(Role.COUNTER))]
)
def unprinted_tickets(service: Service, hall: HallDep) -> list[TicketOut]:
    """Today's live tickets whose paper slip did not print: the counters reprint them."""
    return [ticket_out(hall, view) for view in service.unprinted()]


@router.get("/{ticket_id}", response_model=TicketOut, responses=ERRORS)
def ticket_status(ticket_id: str, service: Service, hall: HallDep) -> TicketOut:
    """A ticket's public status: no personal data."""
    return ticket_out(hall, service.ticket(ticket_id[:24]))


@router.post(
    "/{ticket_id}/return",
    response_model=TicketOut,
    responses=ERRORS,
    dependencies=[Depends(require(Role.KIOSK, Role.COUNTER, Role.DESK))],
)
def return_after_no_show(ticket_id: str, service: Service, hall: HallDep) -> TicketOut:
    """过号顺延: a citizen back within the allowed time re-enters at the old place."""
    return ticket_out(hall, service.return_after_no_show(ticket_id[:24]))


@router.post(
    "/{ticket_id}/cancel", response_model=TicketOut, responses=ERRORS, dependencies=[Depends(require(Role.KIOSK))]
)
def cancel_ticket(ticket_id: str, service: Service, hall: HallDep) -> TicketOut:
    return ticket_out(hall, service.cancel(ticket_id[:24]))


class ArrivalBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    qr: str = Field(min_length=1, max_length=400, description="the arrival QR the phone page shows (OWARRIVE:…)")


@router.post("/arrive", response_model=TicketOut, responses=ERRORS,
             dependencies=[Depends(require(Role.KIOSK, Role.DESK))])
def arrive_by_qr(body: ArrivalBody, request: Request, hall: HallDep) -> TicketOut:
    """到场确认 of a number taken from the phone: the kiosk's camera (or the desk's scanner) read the phone page's
    arrival QR. The answer carries the slip's code, so the kiosk prints the citizen a slip. Within its grace (or
    before being reached) the ticket keeps its place; lapsed, it queues again from now; confirmed twice is no change.
    422 `not_arrival_qr`, 409 `not_remote`, `wrong_state`, `day_over`."""
    view = request.app.state.remote.arrive_by_qr(body.qr)
    return with_phone_code(request, ticket_out(hall, view))


@router.post("/{ticket_id}/arrive", response_model=TicketOut, responses=ERRORS,
             dependencies=[Depends(require(Role.DESK, Role.COUNTER))])
def arrive(ticket_id: str, service: Service, hall: HallDep) -> TicketOut:
    """到场确认 at the desk or a window, after 找号 and a look at the citizen's phone: as `/tickets/arrive`."""
    return ticket_out(hall, service.arrive(ticket_id[:24]))


class ReceiptBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    printed: bool = Field(strict=True)


@router.post(
    "/{ticket_id}/receipt",
    response_model=TicketOut,
    responses=ERRORS,
    dependencies=[Depends(require(Role.KIOSK, Role.COUNTER))],
)
def report_receipt(ticket_id: str, body: ReceiptBody, service: Service, hall: HallDep) -> TicketOut:
    """Whether the paper slip printed (kiosk) or was reprinted (counter). Unprinted tickets stay in the queue."""
    return ticket_out(hall, service.mark_receipt(ticket_id[:24], body.printed))
