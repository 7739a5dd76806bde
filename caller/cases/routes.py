"""Cases over HTTP: 受理 at the window, the 交接记录 to the back office, the back office's progress (the webhook an
approval system calls, with a department token), and the list of open cases with their limits."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import Forbidden, require, require_window
from caller.api.schemas import Problem
from caller.auth import Principal, Role
from caller.cases.book import CaseBook
from caller.cases.rules import CASE_NUMBER, REPORTABLE, CaseKind, CaseState

router = APIRouter(prefix="/api/v1", tags=["cases"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}
CaseNumber = Annotated[str, Field(pattern=CASE_NUMBER.pattern, description="办件编号: 4-40 letters, digits or '-'")]
Note = Annotated[str | None, Field(default=None, max_length=200)]


def get_book(request: Request) -> CaseBook:
    return request.app.state.cases


Book = Annotated[CaseBook, Depends(get_book)]


class Receive(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_no: CaseNumber
    kind: CaseKind = Field(description="immediate (即办件), promised (承诺件) or joint (联办件)")
    limit_days: int | None = Field(default=None, ge=1, le=365,
                                   description="承诺时限 in working days (not for 即办件)")
    matter: str | None = Field(default=None, min_length=1, max_length=64,
                               description="the matter's name (default: the ticket's category)")


class HandOver(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department: str = Field(min_length=1, max_length=64, description="the back office, as its token is labelled")
    note: Note


class Progress(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal[tuple(s.value for s in sorted(REPORTABLE))] = Field(  # type: ignore[valid-type]
        description="accepted, in-approval, needs-material (with the note: what to bring), approved, rejected, ready")
    note: Note


def staff_of(who: Principal) -> str:
    return who.label or (f"{who.window} 号窗口" if who.window else who.role.value)


def shown(case) -> dict:  # noqa: ANN001
    return dataclasses.asdict(case)


@router.post("/windows/{window}/cases", status_code=201, responses=ERRORS)
def receive(window: int, body: Receive, book: Book,
            who: Annotated[Principal, Depends(require(Role.COUNTER))]) -> dict:
    """受理: the matter of the citizen this window serves becomes a case, its number typed or scanned. The member
    signed in is 首问负责. A 即办件 is finished at once; a 承诺件 or 联办件 gets its promised day by the hall's
    working-day calendar. 409 `no_citizen`, `case_exists`; 422 `limit_needed`, `limit_not_needed`."""
    require_window(window, who)
    return shown(book.receive(window, case_no=body.case_no, kind=body.kind, limit_days=body.limit_days,
                              staff=staff_of(who), matter=body.matter))


@router.post("/cases/{case_no}/handover", responses=ERRORS)
def hand_over(case_no: str, body: HandOver, book: Book,
              who: Annotated[Principal, Depends(require(Role.COUNTER, Role.DESK))]) -> dict:
    """交接记录: the front window hands the case to a department's back office (who, when, to whom, the note)."""
    return shown(book.hand_over(case_no, department=body.department, staff=staff_of(who), note=body.note))


@router.post("/cases/{case_no}/progress", responses=ERRORS)
def progress(case_no: str, body: Progress, book: Book,
             who: Annotated[Principal, Depends(require(Role.DEPARTMENT))]) -> dict:
    """The back office's webhook: an approval system (or the department page) reports a case of its department
    moving on. Order is kept (409 `invalid_transition`); the same report twice is no change, so a retry is safe.
    The token's label is the department: a case handed elsewhere is 404."""
    if who.role is not Role.DEPARTMENT:
        raise Forbidden("department_only", "只有部门令牌可以报告办理进度 / only a department token reports progress")
    return shown(book.progress(case_no, CaseState(body.state), department=who.label or "", note=body.note))


@router.get("/cases", responses=ERRORS, dependencies=[Depends(require(Role.DESK))])
def open_cases(book: Book, only: Annotated[Literal["near", "overdue"] | None, Query()] = None) -> list[dict]:
    """Cases not yet closed, the nearest to their promised day first, each with `timing`: on_time, near (within
    `[cases] warn_working_days`), overdue (超时, with the department that holds it) or done (decided)."""
    return [shown(case) for case in book.open_cases(only)]


@router.get("/cases/{case_no}", responses=ERRORS)
def one_case(case_no: str, book: Book,
             who: Annotated[Principal, Depends(require(Role.COUNTER, Role.DESK, Role.DEPARTMENT))]) -> dict:
    """A case and its history: 受理, 交接记录, every report of the back office."""
    case = book.get(case_no)
    if who.role is Role.DEPARTMENT and case.department != who.label:
        raise Forbidden("not_your_case", "此办件不在本部门 / this case is not with your department")
    return shown(case)
