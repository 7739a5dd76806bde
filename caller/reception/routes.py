"""The 咨询台 issues: a ticket for a citizen without a card or phone, the green channel with its reason, or a
booking the kiosk refused. The answer carries the phone page's address and its QR code, so the desk shows the
number and the code on its screen when it has no printer (a kiosk down is not a hall down)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import HallDep, Service, phone_base, require
from caller.api.qr import qr_svg
from caller.api.schemas import Problem, Text, TicketOut, ticket_out
from caller.auth import Principal, Role
from caller.queue.service import Invalid, IssueRequest
from caller.reception.rules import DeskRefusal, desk_issue

router = APIRouter(prefix="/api/v1/desk", tags=["desk"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 409, 422)}
_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")


class DeskTicketBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: Text = Field(min_length=1, max_length=32)
    kind: Literal["normal", "green", "appointment"] = Field(
        default="normal", description="green: the green channel, with `reason`; appointment: a booking the kiosk "
        "refused (recorded as 预约补签)")
    reason: Text | None = Field(default=None, max_length=16, description="green: one of the hall's "
                                "`[desk] green_reasons`; kept with the ticket, never streamed")


class DeskTicketOut(BaseModel):
    ticket: TicketOut
    phone_url: str | None = Field(description="the phone page of this ticket (status, then rating); null when the "
                                  "hall has no public_url")
    qr_svg: str | None = Field(description="the same address as an SVG QR code, for the desk's screen")


class DeskOut(BaseModel):
    green_reasons: list[str]
    kinds: dict[str, str]
    printer: bool = Field(description="the desk has a slip printer (`[desk] printer`): its tickets are printed there")


@router.get("", response_model=DeskOut, responses=ERRORS, dependencies=[Depends(require(Role.DESK))])
def desk_settings(hall: HallDep) -> DeskOut:
    """What the desk page offers: the hall's green-channel reasons and the kinds of desk ticket."""
    return DeskOut(green_reasons=hall.desk.green_reasons,
                   kinds={"normal": "普通", "green": "绿色通道", "appointment": "预约补签"},
                   printer=hall.desk.printer is not None)


@router.post("/tickets", status_code=201, response_model=DeskTicketOut, responses=ERRORS)
def issue_at_desk(body: DeskTicketBody, service: Service, hall: HallDep, request: Request,
                  who: Annotated[Principal, Depends(require(Role.DESK))],
                  idempotency_key: Annotated[str | None, Header(max_length=256)] = None) -> DeskTicketOut:
    """取号 at the 咨询台 for a citizen the kiosk cannot serve: within issuing hours, like the kiosk; the member who
    issued it and the green-channel reason are kept with the ticket's event (never streamed). A retry with the
    same `Idempotency-Key` returns the same ticket. 422 `unknown_green_reason` / `unknown_category`."""
    if idempotency_key is not None and not _KEY.match(idempotency_key):
        raise Invalid("invalid_idempotency_key", "Idempotency-Key 为 1–128 个可见 ASCII 字符 / 1–128 printable ASCII")
    try:
        chosen = desk_issue(body.kind, body.reason, hall.desk.green_reasons)
    except DeskRefusal as exc:
        raise Invalid(exc.code, exc.message) from None
    view = service.issue(IssueRequest(body.category, chosen.priority.value, source="desk", reason=chosen.reason,
                                      issued_by=who.label or who.role.value), idempotency_key)
    code = request.app.state.ratings.codes.code(view.ticket.id)
    out = ticket_out(hall, view).model_copy(update={"phone_code": code})
    base = phone_base(request)
    url = f"{base}/t#{code}" if base else None
    return DeskTicketOut(ticket=out, phone_url=url, qr_svg=qr_svg(url) if url else None)

