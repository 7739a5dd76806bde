"""Reprinting a slip: at a window on its own printer (补打), at the 咨询台 on the desk's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from caller.api.deps import HallDep, Service, phone_base, require
from caller.api.schemas import Problem, TicketOut, ticket_out
from caller.auth import Principal, Role
from caller.engine.model import QueueError, TicketStatus
from caller.printing.slips import SlipFor, print_on, render_slip

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}
OVER = {TicketStatus.DONE, TicketStatus.CANCELLED}


@router.post("/{ticket_id}/reprint", response_model=TicketOut, responses=ERRORS)
def reprint(ticket_id: str, service: Service, hall: HallDep, request: Request,
            who: Annotated[Principal, Depends(require(Role.COUNTER, Role.DESK))]) -> TicketOut:
    """补打: print the ticket's slip (marked 补打) on the printer of the caller's window, or the 咨询台's for a desk
    session (`printer` in the hall file), with the phone QR code; then the ticket counts as printed. 409
    `no_printer` when none is configured, `printer_fault` (缺纸, 纸仓盖未合上, 无法连接 …) when it did not print,
    `ticket_over` for a finished or cancelled ticket."""
    view = service.ticket(ticket_id[:24])
    if view.ticket.status in OVER:
        raise QueueError("ticket_over", "此号已办结或已取消，无需补打 / the ticket is finished or cancelled")
    if who.role is Role.COUNTER and who.window is not None:
        spec = service.window_spec(who.window)
        url, where, mark = spec.printer, f"{spec.number} 号窗口", "（补打）"
    else:
        url, where, mark = hall.desk.printer, "咨询台", "（咨询台）"
    personal = service.tx.read(lambda repo, now: repo.personal(view.ticket.id))
    code = request.app.state.ratings.codes.code(view.ticket.id)
    base = phone_base(request)
    data = render_slip(hall, SlipFor(view, personal.name_masked, f"{base}/t#{code}" if base else None, mark))
    print_on(url, data, where)
    return ticket_out(hall, service.mark_receipt(view.ticket.id, True))
