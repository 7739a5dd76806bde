"""Follow-ups over HTTP: a complaint recorded at the 找茬 window or the 咨询台, the list with deadlines, and
assigning, replying and closing with the call-back (回访)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import acting_as, require
from caller.api.schemas import FreeText, Problem, Text
from caller.auth import Principal, Role
from caller.followups.book import FollowUpBook

router = APIRouter(prefix="/api/v1", tags=["follow-ups"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}
Staff = Annotated[Principal, Depends(require(Role.COUNTER, Role.DESK))]


def get_book(request: Request) -> FollowUpBook:
    return request.app.state.followups


Book = Annotated[FollowUpBook, Depends(get_book)]


class Complaint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    what: FreeText = Field(min_length=2, max_length=300, description="what went wrong, in the citizen's words")
    complainant: Text | None = Field(default=None, max_length=20, description="the citizen's name: kept masked")
    window: int | None = Field(default=None, ge=1, le=999, description="the window it is about")
    case_no: Text | None = Field(default=None, max_length=40, description="the case it is about")


class Assign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    owner: Text = Field(min_length=1, max_length=64, description="who answers for it: 姓名（工号）")


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: FreeText = Field(min_length=2, max_length=300, description="the answer given to the citizen, or the 整改")


class Close(BaseModel):
    model_config = ConfigDict(extra="forbid")
    callback: Literal["satisfied", "basic", "dissatisfied"] = Field(description="回访: the citizen's verdict")
    note: FreeText | None = Field(default=None, max_length=200)



def shown(item) -> dict:  # noqa: ANN001
    return dataclasses.asdict(item) | {"summary": item.summary}


@router.post("/complaints", status_code=201, responses=ERRORS)
def complain(body: Complaint, book: Book, who: Staff) -> dict:
    """找茬 / 一次办不好: a complaint, to be answered within `[cases] followup_working_days` working days."""
    return shown(book.complaint(what=body.what, by=acting_as(who), complainant=body.complainant, window=body.window,
                                case_no=body.case_no))


@router.get("/followups", responses=ERRORS, dependencies=[Depends(require(Role.DESK))])
def followups(book: Book, state: Annotated[Literal["open", "replied", "closed", "overdue"] | None,
                                           Query()] = None) -> list[dict]:
    """Complaints and the 整改 of bad ratings (every 不满意 / 非常不满意 opens one), the nearest deadline first."""
    return [shown(item) for item in book.listed(state)]


@router.post("/followups/{pk}/assign", responses=ERRORS, dependencies=[Depends(require(Role.DESK))])
def assign(pk: int, body: Assign, book: Book) -> dict:
    """Who answers for it (the manager, or the 咨询台 on the manager's behalf)."""
    return shown(book.assign(pk, body.owner))


@router.post("/followups/{pk}/reply", responses=ERRORS)
def reply(pk: int, body: Reply, book: Book, who: Staff) -> dict:
    """The answer, or what was put right (整改); 409 `invalid_transition` unless open."""
    return shown(book.reply(pk, body.text, acting_as(who)))


@router.post("/followups/{pk}/close", responses=ERRORS)
def close(pk: int, body: Close, book: Book, who: Staff) -> dict:
    """回访: the call-back's result closes it; 409 `invalid_transition` before a reply."""
    return shown(book.close(pk, body.callback, body.note))
