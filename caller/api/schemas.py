"""Request and response bodies of the HTTP API, and how domain views turn into them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from caller.engine.identity import CONTROL_CHARACTERS, NAME_MAX_CHARS, mask_text
from caller.engine.model import TicketStatus
from caller.hall import Hall
from caller.queue.service import WindowView
from caller.queue.standing import CategoryView, TicketView



def _no_control_characters(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise PydanticCustomError("invalid_text", "control characters (such as NUL) are not accepted")
    return value


Text = Annotated[str, AfterValidator(_no_control_characters)]  # every text a client sends
# free text a person may type or a device may name (a note, a reason, a source): ID and phone numbers in it are
# masked before it is stored or streamed
FreeText = Annotated[str, AfterValidator(_no_control_characters), AfterValidator(mask_text)]


REMOVED_CATEGORY = "（已撤销的事项，请到咨询台）"  # a ticket's matter the hall file no longer has


class Problem(BaseModel):
    error: str = Field(description="stable machine-readable code")
    message: str = Field(description="what went wrong, in Chinese and English")


class IssueBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: Text = Field(min_length=1, max_length=32)
    priority: Literal["normal", "appointment", "green"] = "normal"
    name: Text | None = Field(default=None, min_length=1, max_length=NAME_MAX_CHARS,
                              description="only its masked form is kept")
    id_number: Text | None = Field(
        default=None, min_length=18, max_length=18, description="resident ID; only its masked form is kept"
    )
    source: FreeText | None = Field(default=None, max_length=32, description="e.g. the kiosk's name")


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket: Text | None = Field(default=None, max_length=24, description="the ticket the window believes it holds")


class TransferBody(ActionBody):
    category: Text | None = Field(default=None, min_length=1, max_length=32, description="the matter it goes to; "
                                  "with `window` alone it keeps its own")
    window: int | None = Field(default=None, ge=1, le=999, description="转办 to this window: only it calls the "
                               "ticket while it is not closed")
    note: FreeText | None = Field(default=None, max_length=100, description="for the window that takes it next "
                                  "(ID and phone numbers masked; never streamed)")


class TicketOut(BaseModel):
    id: str
    number: str
    category: str
    category_name: str
    priority: str
    status: str
    window: int | None
    ahead: int | None = Field(description="while waiting: everyone the calling rule would call first at the "
                              "windows that serve it, other categories' tickets included")
    estimated_wait_s: int | None = Field(description="while waiting; null when no open window serves it")
    served_now: bool | None = Field(default=None, description="while waiting: an open window serves its category "
                                    "(false: 暂无窗口办理, called once one opens)")
    issued_at: str
    called_at: str | None = None
    recalls: int = 0
    transfers: int = 0
    remote: bool = Field(default=False, description="taken from the phone (远程取号): called once confirmed in the hall")
    awaiting_arrival: bool = Field(default=False, description="remote and waiting, its citizen not yet confirmed in "
                                   "the hall: the windows call others meanwhile")
    arrive_by: str | None = Field(default=None, description="remote, reached before its citizen arrived: confirmed "
                                  "by then, it is the next called; later, it queues again from its arrival")
    phone_code: str | None = Field(default=None, description="only to the kiosk that issued it: what the slip's QR "
                                   "carries (the phone page /t#<code>; the right to rate)")


class PersonalOut(BaseModel):
    name: str | None
    id_number: str | None


class WindowOut(BaseModel):
    number: int
    name: str
    kind: str
    serves: list[str]
    state: str
    ticket: TicketOut | None
    personal: PersonalOut | None = None
    tidal_advice: Literal["open", "close"] | None = Field(
        default=None, description="tidal windows: the caller advises opening it, or closing it after the current citizen"
    )
    handover: str | None = Field(default=None, description="its own counter only: the note of the 转办 that sent the "
                                 "current ticket here, with the window it came from")


class CallOut(BaseModel):
    ticket: TicketOut | None
    window: WindowOut


class GuideOut(BaseModel):
    conditions: str
    materials: list[str]
    time_limit: str
    fees: str
    hotline: str


class CategoryOut(BaseModel):
    id: str
    name: str
    prefix: str
    waiting: int
    estimated_wait_s: int | None = Field(description="for a ticket taken now; null when no open window serves it")
    served_now: bool = Field(description="an open window serves it now")
    needs_id_card: bool
    guide: GuideOut


class QueueCategoryOut(BaseModel):
    id: str
    name: str
    waiting: int
    estimated_wait_s: int | None
    served_now: bool


class QueueOut(BaseModel):
    hall: str
    categories: list[QueueCategoryOut]
    windows: list[WindowOut]
    last_event_id: int


def ticket_out(hall: Hall, view: TicketView) -> TicketOut:
    ticket = view.ticket
    category = hall.category(ticket.category)
    return TicketOut(
        id=ticket.id,
        number=ticket.number,
        category=ticket.category,
        category_name=category.name if category else REMOVED_CATEGORY,
        priority=ticket.priority.value,
        status=ticket.status.value,
        window=ticket.window,
        ahead=view.ahead,
        estimated_wait_s=view.estimated_wait_s,
        served_now=view.served_now,
        issued_at=hall.local(ticket.issued_at).isoformat(),  # times are given in the hall's zone
        called_at=hall.local(ticket.called_at).isoformat() if ticket.called_at else None,
        recalls=ticket.recalls,
        transfers=ticket.transfers,
        remote=ticket.remote,
        awaiting_arrival=ticket.remote and ticket.arrived_at is None and ticket.status is TicketStatus.WAITING,
        arrive_by=hall.local(ticket.reached_at + hall.phone.arrival_grace).isoformat()
        if ticket.remote and ticket.reached_at and ticket.arrived_at is None else None,
    )


def window_out(hall: Hall, view: WindowView) -> WindowOut:
    personal = None
    if view.personal is not None and (view.personal.name_masked or view.personal.id_masked):
        personal = PersonalOut(name=view.personal.name_masked, id_number=view.personal.id_masked)
    return WindowOut(
        number=view.spec.number,
        name=view.spec.name,
        kind=view.spec.kind.value,
        serves=sorted(hall.serves(view.spec)),
        state=view.window.state.value,
        ticket=ticket_out(hall, TicketView(view.held, None, None)) if view.held else None,
        personal=personal,
        tidal_advice=view.advice,
        handover=view.handover,
    )


def call_out(hall: Hall, view: WindowView) -> CallOut:
    """A window action's answer: the ticket acted on (even once released) and the window after it."""
    return CallOut(
        ticket=ticket_out(hall, TicketView(view.ticket, None, None)) if view.ticket else None,
        window=window_out(hall, view),
    )


def category_out(hall: Hall, view: CategoryView) -> CategoryOut:
    category = hall.category(view.id)
    assert category is not None
    return CategoryOut(
        id=view.id,
        name=view.name,
        prefix=view.prefix,
        waiting=view.waiting,
        estimated_wait_s=view.estimated_wait_s,
        served_now=view.served_now,
        needs_id_card=category.needs_id_card,
        guide=GuideOut(**category.guide.model_dump()),
    )
