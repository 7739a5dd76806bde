"""Notice endpoints: the kiosk's help button, devices reporting themselves, and the desk taking and finishing
notices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import Forbidden, HallDep, require
from caller.api.schemas import FreeText, Problem, Text
from caller.auth import Principal, Role
from caller.engine.model import QueueError
from caller.hall import Hall
from caller.notices.book import Notice, NoticeBook
from caller.notices.rules import CONDITION_NAMES, NoticeRuleError

router = APIRouter(prefix="/api/v1", tags=["notices"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}
DeviceName = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


def get_book(request: Request) -> NoticeBook:
    return request.app.state.notices


Book = Annotated[NoticeBook, Depends(get_book)]
Staff = Annotated[Principal, Depends(require(Role.DESK, Role.COUNTER))]


class NoticeRefusal(QueueError):
    status = 422


def named(who: Principal) -> str:
    """Who takes or finishes a notice: a signed-in member (姓名（工号）), never an anonymous device token."""
    if who.role is Role.ADMIN:
        return who.label or "管理员"
    if who.staff_id is None or not who.label:
        raise Forbidden("named_staff_only", "请用工号登录后处理 / sign in with a staff number to take notices")
    return who.label


class NoticeOut(BaseModel):
    id: int
    kind: str = Field(description="help (a task) or device (clears when the device recovers)")
    source: str = Field(description="the kiosk or board")
    condition: str = Field(description="help, paper-low, paper-out, printer-failed, reader-failed, camera-failed, "
                           "announcer-failed, offline")
    condition_name: str = Field(description="how the desk says it: 缺纸, 离线, 帮办代办请求 …")
    note: str | None
    raised_at: str
    acknowledged_by: str | None = Field(description="who took it: 姓名（工号）")
    acknowledged_at: str | None
    escalated: bool = Field(description="nobody took the help request in time: the manager was told")
    cleared_at: str | None


def notice_out(hall: Hall, notice: Notice) -> NoticeOut:
    at = lambda moment: hall.local(moment).isoformat() if moment else None  # noqa: E731
    return NoticeOut(id=notice.id, kind=notice.kind.value, source=notice.source, condition=notice.condition,
                     condition_name=CONDITION_NAMES.get(notice.condition, notice.condition), note=notice.note,
                     raised_at=at(notice.raised_at), acknowledged_by=notice.acknowledged_by,
                     acknowledged_at=at(notice.acknowledged_at), escalated=notice.escalated_at is not None,
                     cleared_at=at(notice.cleared_at))


class HelpBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: FreeText | None = Field(default=None, max_length=32, description="which kiosk")
    note: FreeText | None = Field(default=None, max_length=64, description="no personal data: ID and phone numbers "
                                  "in it are masked")


class HelpOut(BaseModel):
    notice: int = Field(description="the help request's notice id")
    on_duty: bool = Field(description="the help window is open: someone is coming")
    helper: str | None = Field(description="the name of the member signed in at the help window, if any")


class ReportBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    device: Text = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                         description="the device's name in the hall: kiosk-1, board-lobby")
    conditions: list[Text] = Field(default_factory=list, max_length=8, description="what is wrong now; [] all well")


class ReportOut(BaseModel):
    open: list[NoticeOut] = Field(description="the device's notices still open after this report")


@router.post("/help", status_code=201, response_model=HelpOut, responses=ERRORS,
             dependencies=[Depends(require(Role.KIOSK))])
def request_help(body: HelpBody, book: Book) -> HelpOut:
    """帮办代办: the kiosk's help button raises a task for the help window and the 咨询台 (`notice-raised`). Nobody
    taking it within the hall's `help_escalate_minutes` escalates it to the manager (`notice-escalated`)."""
    answer = book.request_help(body.source or "kiosk", body.note)
    return HelpOut(notice=answer.notice.id, on_duty=answer.on_duty, helper=answer.helper)


@router.get("/notices", response_model=list[NoticeOut], responses=ERRORS)
def open_notices(book: Book, hall: HallDep, who: Staff) -> list[NoticeOut]:
    """The open notices, oldest first: help requests and device conditions."""
    return [notice_out(hall, n) for n in book.open_notices()]


@router.post("/notices/{notice_id}/acknowledge", response_model=NoticeOut, responses=ERRORS)
def acknowledge_notice(notice_id: Annotated[int, Path(ge=1, le=2**63 - 1)], book: Book, hall: HallDep,
                       who: Staff) -> NoticeOut:
    """接单: a signed-in member takes the notice; their name goes with it (409 `already_taken`)."""
    return notice_out(hall, book.acknowledge(notice_id, named(who)))


@router.post("/notices/{notice_id}/done", response_model=NoticeOut, responses=ERRORS)
def finish_notice(notice_id: Annotated[int, Path(ge=1, le=2**63 - 1)], book: Book, hall: HallDep,
                  who: Staff) -> NoticeOut:
    """办结 a help request. Device notices clear by themselves when the device recovers (409 `clears_by_itself`)."""
    return notice_out(hall, book.finish(notice_id, named(who)))


@router.post("/devices/report", response_model=ReportOut, responses=ERRORS)
def report_device(body: ReportBody, book: Book, hall: HallDep,
                  who: Annotated[Principal, Depends(require(Role.KIOSK, Role.DISPLAY))]) -> ReportOut:
    """A kiosk or board says how it is, every `report_s` (also when a condition changes). It is the heartbeat too:
    a device silent for the hall's `device_offline_seconds` gets an `offline` notice, cleared by its next report."""
    try:
        notices = book.report(body.device, who.role.value, body.conditions)
    except NoticeRuleError as exc:
        raise NoticeRefusal(exc.code, exc.message) from None
    return ReportOut(open=[notice_out(hall, n) for n in notices])


@router.delete("/devices/{device}", status_code=204, responses=ERRORS, dependencies=[Depends(require(Role.ADMIN))])
def retire_device(device: DeviceName, book: Book) -> Response:
    """A device taken out of the hall: forgotten, and its notices cleared."""
    book.retire(device)
    return Response(status_code=204)
