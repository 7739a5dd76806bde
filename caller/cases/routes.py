"""Cases over HTTP: 受理 at the window, the 交接记录 to the back office, the back office's progress (the webhook an
approval system calls, with a department token), and the list of open cases with their limits."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import Forbidden, acting_as, require, require_window
from caller.api.schemas import FreeText, Problem, Text
from caller.auth import Principal, Role
from caller.cases.book import CaseBook, Invalid, Refused
from caller.engine.identity import mask_text
from caller.engine.model import NotFound
from caller.cases.rules import CASE_NUMBER, PROGRESS, REPORTABLE, STATE_NAMES, CaseKind, CaseState

router = APIRouter(prefix="/api/v1", tags=["cases"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}
CaseNumber = Annotated[str, Field(pattern=CASE_NUMBER.pattern, description="办件编号: 4-40 letters, digits or '-'")]
Note = Annotated[FreeText | None, Field(default=None, max_length=200)]


async def get_book(request: Request) -> CaseBook:
    return request.app.state.cases


Book = Annotated[CaseBook, Depends(get_book)]


class Receive(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_no: CaseNumber
    kind: CaseKind = Field(description="immediate (即办件), promised (承诺件) or joint (联办件)")
    limit_days: int | None = Field(default=None, ge=1, le=365,
                                   description="承诺时限 in working days (not for 即办件)")
    matter: Text | None = Field(default=None, min_length=1, max_length=64,
                               description="the matter's name (default: the ticket's category)")
    phone: Text | None = Field(default=None, pattern=r"^1[3-9]\d{9}$",
                               description="a mobile number for the case's text messages (ready, material needed)")
    consent: bool = Field(default=False, description="the citizen agreed that the number is kept for this case")


class HandOver(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department: Text = Field(min_length=1, max_length=64, description="the back office, as its token is labelled")
    note: Note


class Progress(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal[tuple(s.value for s in sorted(REPORTABLE))] = Field(  # type: ignore[valid-type]
        description="accepted, in-approval, needs-material (with the note: what to bring), approved, rejected, ready")
    note: Note



def shown(case) -> dict:  # noqa: ANN001
    state = CaseState(case.state)
    return dataclasses.asdict(case) | {"next_states": [{"state": s.value, "name": STATE_NAMES[s]}
                                                       for s in CaseState if s in PROGRESS.get(state, ())]}


@router.post("/windows/{window}/cases", status_code=201, responses=ERRORS)
def receive(window: int, body: Receive, book: Book,
            who: Annotated[Principal, Depends(require(Role.COUNTER))]) -> dict:
    """受理: the matter of the citizen this window serves becomes a case, its number typed or scanned. The member
    signed in is 首问负责. A 即办件 is finished at once; a 承诺件 or 联办件 gets its promised day by the hall's
    working-day calendar. A mobile number given with `consent` gets the case's text messages and is deleted when
    the case closes. 409 `no_citizen`, `case_exists`; 422 `limit_needed`, `limit_not_needed`, `consent_needed`."""
    require_window(window, who)
    if body.phone and not body.consent:
        raise Invalid("consent_needed", "保存手机号须经群众同意（consent） / the citizen's consent is needed")
    return shown(book.receive(window, case_no=body.case_no, kind=body.kind, limit_days=body.limit_days,
                              staff=acting_as(who), matter=body.matter, phone=body.phone))


@router.post("/cases/{case_no}/handover", responses=ERRORS)
def hand_over(case_no: str, body: HandOver, book: Book,
              who: Annotated[Principal, Depends(require(Role.COUNTER, Role.DESK))]) -> dict:
    """交接记录: the front window hands the case to a department's back office (who, when, to whom, the note)."""
    return shown(book.hand_over(case_no, department=body.department, staff=acting_as(who), note=body.note))


@router.post("/cases/{case_no}/progress", responses=ERRORS)
def progress(case_no: str, body: Progress, book: Book, request: Request,
             who: Annotated[Principal, Depends(require(Role.DEPARTMENT))]) -> dict:
    """The back office's webhook: an approval system (or the department page) reports a case of its department
    moving on. Order is kept (409 `invalid_transition`); the same report twice is no change, so a retry is safe.
    The token's label is the department: a case handed elsewhere is 404."""
    if who.role is not Role.DEPARTMENT:
        raise Forbidden("department_only", "只有部门令牌可以报告办理进度 / only a department token reports progress")
    case = book.progress(case_no, CaseState(body.state), department=who.label or "", note=body.note)
    request.app.state.hub.run_soon(book.outbox.send_due)  # its text message goes out now, not at the next check
    return shown(case)


@router.get("/cases", responses=ERRORS)
def open_cases(book: Book, who: Annotated[Principal, Depends(require(Role.DESK, Role.DEPARTMENT))],
               only: Annotated[Literal["near", "overdue"] | None, Query()] = None) -> list[dict]:
    """Cases not yet closed, the nearest to their promised day first, each with `timing`: on_time, near (within
    `[cases] warn_working_days`), overdue (超时, with the department that holds it) or done (decided), and the
    states the back office may report next. A department sees only the cases handed to it."""
    cases = book.open_cases(only)
    if who.role is Role.DEPARTMENT:
        cases = [case for case in cases if case.department == who.label]
    return [shown(case) for case in cases]


@router.get("/cases/{case_no}", responses=ERRORS)
def one_case(case_no: str, book: Book,
             who: Annotated[Principal, Depends(require(Role.COUNTER, Role.DESK, Role.DEPARTMENT))]) -> dict:
    """A case and its history: 受理, 交接记录, every report of the back office."""
    case = book.get(case_no)
    if who.role is Role.DEPARTMENT and case.department != who.label:
        raise Forbidden("not_your_case", "此办件不在本部门 / this case is not with your department")
    return shown(case)


# -- 统一出件 -------------------------------------------------------------------------------------------------------
class PickUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str | None = Field(default=None, pattern=r"^\d{8}$", description="the 8-digit pick-up code of the notice "
                             "(typed, or read from its QR code)")
    id_number: Text | None = Field(default=None, min_length=18, max_length=18,
                                  description="the ID card read at the kiosk: every ready case of its holder")
    qr: Text | None = Field(default=None, max_length=300, description="the case QR of the phone page, as the "
                            "kiosk's camera read it")


class HandOut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    receiver_id_number: Text = Field(min_length=18, max_length=18, description="the receiver's ID card; kept masked")


class Mail(BaseModel):
    model_config = ConfigDict(extra="forbid")
    address: FreeText = Field(min_length=4, max_length=120, description="kept masked: the city part and ****")
    tracking_no: str = Field(pattern=r"^[A-Za-z0-9]{6,32}$", description="the postal tracking number")


@router.post("/pickups", status_code=201, responses=ERRORS)
def take_pickup_number(body: PickUp, book: Book, request: Request,
                       who: Annotated[Principal, Depends(require(Role.KIOSK, Role.DESK))]) -> dict:
    """A pick-up ticket for ready results (统一出件), by pick-up code, case QR or ID card: one ticket for all the citizen's
    ready cases, in `[cases] pickup_category` (the issuing window's). Asking again the same day gives the same
    ticket. 404 `nothing_to_pick_up`; 409 `no_pickup_window`; 422 `invalid_id_number`."""
    from caller.api.schemas import ticket_out
    from caller.api.tickets import with_phone_code
    from caller.engine.identity import is_valid_id_number
    from caller.queue.service import IssueRequest

    service = request.app.state.service
    hall = service.hall
    if sum(x is not None for x in (body.code, body.id_number, body.qr)) != 1:
        raise Invalid("code_or_id", "请提供取件码、二维码或身份证（选一） / give one of a code, a QR or an ID number")
    if body.id_number is not None and not is_valid_id_number(body.id_number, hall.service_day(service.tx.clock())):
        raise Invalid("invalid_id_number", "身份证号码有误，请核对 / the ID number is not valid")
    if hall.cases.pickup_category is None:
        raise Refused("no_pickup_window", "本大厅未设统一出件窗口 / this hall has no issuing window")
    pks = book.ready_for(code=body.code, id_number=body.id_number, qr=body.qr)
    if not pks:
        raise NotFound("nothing_to_pick_up", "没有待领取的办件，请核对取件码或到咨询台询问 / nothing is ready for this")
    day = hall.service_day(service.tx.clock())
    view = service.issue(IssueRequest(hall.cases.pickup_category, source="pickup"),
                         f"pickup:{day}:{','.join(map(str, pks))}")
    cases = book.link_pickup(pks, view.ticket.pk)
    return {"ticket": with_phone_code(request, ticket_out(hall, view)).model_dump(mode="json"),
            "cases": [{"case_no": c.case_no, "matter": c.matter} for c in cases]}


@router.get("/windows/{window}/pickup", responses=ERRORS)
def pickup_at_window(window: int, book: Book, who: Annotated[Principal, Depends(require(Role.COUNTER))]) -> list[dict]:
    """The issuing window's console: the ready cases of the pick-up ticket it serves now."""
    require_window(window, who)
    return [shown(case) for case in book.at_window(window)]


@router.post("/cases/{case_no}/hand-out", responses=ERRORS)
def hand_out(case_no: str, body: HandOut, book: Book, request: Request,
             who: Annotated[Principal, Depends(require(Role.COUNTER))]) -> dict:
    """领取: the result is handed over; the receiver's ID is kept masked, and the case's ID digest and pick-up
    code are deleted. 409 `not_ready`; 422 `invalid_id_number`."""
    from caller.engine.identity import is_valid_id_number, mask_id_number

    service = request.app.state.service
    if not is_valid_id_number(body.receiver_id_number, service.hall.service_day(service.tx.clock())):
        raise Invalid("invalid_id_number", "身份证号码有误，请核对 / the ID number is not valid")
    return shown(book.close(case_no, CaseState.PICKED_UP, staff=acting_as(who),
                            receiver_masked=mask_id_number(body.receiver_id_number)))


@router.post("/cases/{case_no}/mail", responses=ERRORS)
def mail(case_no: str, body: Mail, book: Book,
         who: Annotated[Principal, Depends(require(Role.COUNTER, Role.DESK))]) -> dict:
    """邮寄: the result goes by post instead; the address is kept masked with the tracking number, and the case
    closes as mailed. 409 `not_ready`."""
    return shown(book.close(case_no, CaseState.MAILED, staff=acting_as(who),
                            mailed_to=f"{mask_address(body.address)} 运单 {body.tracking_no}"))


def mask_address(address: str) -> str:
    """The region part of an address (its first 6 characters) and ****: enough to tell where it went."""
    return mask_text(address.strip())[:6] + "****"
