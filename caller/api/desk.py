"""A counter's exceptions of a day: 找号 (a ticket by its number, with its history) and 特呼 (call a named
waiting ticket, with a reason). 过号顺延 is POST /api/v1/tickets/{id}/return."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import HallDep, require, require_window
from caller.api.schemas import ActionBody, CallOut, FreeText, Problem, Text, TicketOut, call_out, ticket_out
from caller.auth import Principal, Role
from caller.queue.desk import Desk

router = APIRouter(prefix="/api/v1", tags=["desk"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}
HISTORY = {"ticket-issued": "取号", "ticket-called": "叫号", "ticket-recalled": "重呼", "ticket-started": "开始办理",
           "ticket-finished": "办结", "ticket-no-show": "过号", "ticket-returned": "过号顺延", "ticket-transferred": "转办",
           "ticket-cancelled": "取消", "ticket-on-hold": "挂起", "ticket-taken-back": "恢复办理",
           "ticket-arrived": "到场确认", "ticket-reached": "轮到时未到场"}


async def get_desk(request: Request) -> Desk:
    return request.app.state.desk


DeskDep = Annotated[Desk, Depends(get_desk)]


class HistoryOut(BaseModel):
    what: str = Field(description="中文: 取号, 叫号, 重呼, 过号, 过号顺延, 转办, 办结 …")
    type: str
    at: str
    window: int | None
    special: bool = Field(description="a 特呼 (the reason is kept, not shown)")


class NumberOut(BaseModel):
    ticket: TicketOut
    history: list[HistoryOut]


class UpcomingOut(BaseModel):
    number: str
    category_name: str
    waited_s: int


class HeldOut(BaseModel):
    id: str
    number: str
    category_name: str


class GlanceOut(BaseModel):
    next: list[UpcomingOut] = Field(description="whom the calling rule would give this window next, in turn")
    on_hold: list[HeldOut] = Field(description="挂起 at this window: POST …/take-back serves one again")
    window_served: int = Field(description="services finished at this window today")
    window_mean_s: int | None = Field(description="their mean handling time (start, or call, to finish)")
    mine_served: int = Field(description="services the signed-in member finished today, at any window")
    mine_mean_s: int | None


class CallTicketBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket: Text = Field(min_length=1, max_length=24)
    reason: FreeText = Field(min_length=1, max_length=100, description="why it is called out of turn (kept masked)")


@router.get("/numbers/{number}", response_model=NumberOut, responses=ERRORS,
            dependencies=[Depends(require(Role.COUNTER, Role.DESK))])
def find_number(number: Annotated[str, Path(min_length=2, max_length=8, pattern=r"^[A-Za-z][0-9]{1,6}$")],
                desk: DeskDep, hall: HallDep) -> NumberOut:
    """找号: today's ticket with this number, its state and what happened to it."""
    found = desk.find(number)
    view = desk.service.ticket(found.ticket.id)
    return NumberOut(ticket=ticket_out(hall, view), history=[
        HistoryOut(what=HISTORY.get(e.type, e.type), type=e.type, at=hall.local(e.at).isoformat(), window=e.window,
                   special="special_reason" in e.data) for e in found.events])


@router.get("/windows/{number}/glance", response_model=GlanceOut, responses=ERRORS)
def glance(number: Annotated[int, Path(ge=1, le=999)], desk: DeskDep, hall: HallDep,
           who: Annotated[Principal, Depends(require(Role.COUNTER))]) -> GlanceOut:
    """The console at a glance: the next few the rule would call here, and today's count and mean handling time
    for this window and for the member signed in."""
    require_window(number, who)
    seen = desk.glance(number, who.label)
    now = desk.service.tx.clock()
    names = {c.id: c.name for c in hall.categories}
    whole = lambda value: None if value is None else round(value)  # noqa: E731
    return GlanceOut(
        next=[UpcomingOut(number=t.number, category_name=names.get(t.category, t.category),
                          waited_s=round((now - t.queued_at).total_seconds())) for t in seen.next],
        on_hold=[HeldOut(id=t.id, number=t.number, category_name=names.get(t.category, t.category))
                 for t in seen.on_hold],
        window_served=seen.window_served, window_mean_s=whole(seen.window_mean_s),
        mine_served=seen.mine_served, mine_mean_s=whole(seen.mine_mean_s))


@router.post("/windows/{number}/call-ticket", response_model=CallOut, responses=ERRORS)
def call_ticket(number: Annotated[int, Path(ge=1, le=999)], body: CallTicketBody, desk: DeskDep, hall: HallDep,
                who: Annotated[Principal, Depends(require(Role.COUNTER))]) -> CallOut:
    """特呼: this window calls the named waiting ticket now, out of the rule's order; the reason is recorded."""
    require_window(number, who)
    return call_out(hall, desk.call_ticket(number, body.ticket, body.reason))


class TakeBackBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket: Text = Field(min_length=1, max_length=24)


@router.post("/windows/{number}/hold", response_model=CallOut, responses=ERRORS)
def hold(number: Annotated[int, Path(ge=1, le=999)], desk: DeskDep, hall: HallDep,
         who: Annotated[Principal, Depends(require(Role.COUNTER))], body: ActionBody | None = None) -> CallOut:
    """挂起: the citizen steps aside (to fetch a document); the window may call the next one meanwhile."""
    require_window(number, who)
    return call_out(hall, desk.hold(number, body.ticket if body else None))


@router.post("/windows/{number}/take-back", response_model=CallOut, responses=ERRORS)
def take_back(number: Annotated[int, Path(ge=1, le=999)], body: TakeBackBody, desk: DeskDep, hall: HallDep,
              who: Annotated[Principal, Depends(require(Role.COUNTER))]) -> CallOut:
    """恢复: a ticket on hold at this window is served again here; the window must be open and free."""
    require_window(number, who)
    return call_out(hall, desk.take_back(number, body.ticket))
