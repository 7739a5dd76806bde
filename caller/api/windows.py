"""Window actions for the staff's counter: open, call next, recall, no-show, start, finish, transfer, pause."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from caller.api.deps import HallDep, Service, require, require_window
from caller.api.schemas import (
    ActionBody,
    CallOut,
    Problem,
    TransferBody,
    WindowOut,
    call_out,
    window_out,
)
from caller.auth import Principal, Role

router = APIRouter(prefix="/api/v1/windows", tags=["windows"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}
WindowNumber = Annotated[int, Path(ge=1, le=999)]
Counter = Annotated[Principal, Depends(require(Role.COUNTER))]


@router.get("/{number}", response_model=WindowOut, responses=ERRORS)
def get_window(
    number: WindowNumber, service: Service, hall: HallDep, who: Annotated[Principal, Depends(require(Role.COUNTER, Role.DISPLAY))]
) -> WindowOut:
    """A window's state and current ticket; its own counter also sees the citizen's masked name and ID."""
    personal = who.may_act_on_window(number)
    return window_out(hall, service.window_view(number, with_personal=personal))


@router.post("/{number}/call-next", response_model=CallOut, responses={204: {"description": "nothing eligible"}, **ERRORS})
def call_next(number: WindowNumber, service: Service, hall: HallDep, who: Counter) -> CallOut | Response:
    """叫号: the window calls the eligible ticket the calling rule chooses; 204 when there is none."""
    require_window(number, who)
    view = service.call_next(number)
    if view.ticket is None:
        return Response(status_code=204)
    return call_out(hall, view)


def _held(body: ActionBody | None) -> str | None:
    return body.ticket if body else None


@router.post("/{number}/recall", response_model=CallOut, responses=ERRORS)
def recall(number: WindowNumber, service: Service, hall: HallDep, who: Counter, body: ActionBody | None = None) -> CallOut:
    """重呼: call the held ticket again (counted)."""
    require_window(number, who)
    return call_out(hall, service.recall(number, _held(body)))


@router.post("/{number}/start", response_model=CallOut, responses=ERRORS)
def start(number: WindowNumber, service: Service, hall: HallDep, who: Counter, body: ActionBody | None = None) -> CallOut:
    """开始: the citizen arrived; service starts."""
    require_window(number, who)
    return call_out(hall, service.start(number, _held(body)))


@router.post("/{number}/finish-and-call-next", response_model=CallOut,
             responses={204: {"description": "finished; nothing eligible to call"}, **ERRORS})
def finish_and_call_next(number: WindowNumber, service: Service, hall: HallDep, who: Counter,
                         body: ActionBody | None = None) -> CallOut | Response:
    """办结并叫下一位, the staff's usual key: the held citizen finished (if any; `ticket` guards against a stale
    screen) and the next called, in one transaction; 204 when the finish left nobody eligible to call."""
    require_window(number, who)
    view = service.finish_and_call_next(number, _held(body), staff=who.label)
    if view.ticket is None:
        return Response(status_code=204)
    return call_out(hall, view)


@router.post("/{number}/finish", response_model=CallOut, responses=ERRORS)
def finish(number: WindowNumber, service: Service, hall: HallDep, who: Counter, body: ActionBody | None = None) -> CallOut:
    """办结: service finished; the window is free (with 自动叫号 it may hold the next citizen at once)."""
    require_window(number, who)
    return call_out(hall, service.finish(number, _held(body), staff=who.label))


@router.post("/{number}/no-show", response_model=CallOut, responses=ERRORS)
def no_show(number: WindowNumber, service: Service, hall: HallDep, who: Counter, body: ActionBody | None = None) -> CallOut:
    """过号: the citizen did not come after the required recalls."""
    require_window(number, who)
    return call_out(hall, service.no_show(number, _held(body)))


@router.post("/{number}/transfer", response_model=CallOut, responses=ERRORS)
def transfer(number: WindowNumber, body: TransferBody, service: Service, hall: HallDep, who: Counter) -> CallOut:
    """转办: the citizen keeps the number and its age and queues for another category; an optional `note` is shown
    to the window that takes the ticket next."""
    require_window(number, who)
    return call_out(hall, service.transfer(number, body.category, body.ticket, body.note, body.window))


@router.post("/{number}/open", response_model=WindowOut, responses=ERRORS)
def open_window(number: WindowNumber, service: Service, hall: HallDep, who: Counter) -> WindowOut:
    """登录: the window starts taking tickets (a seasonal one only in its season)."""
    require_window(number, who)
    return window_out(hall, service.open(number))


@router.post("/{number}/close", response_model=WindowOut, responses=ERRORS)
def close_window(number: WindowNumber, service: Service, hall: HallDep, who: Counter) -> WindowOut:
    """退出: the window stops; it must hold no ticket."""
    require_window(number, who)
    return window_out(hall, service.close(number))


@router.post("/{number}/pause", response_model=WindowOut, responses=ERRORS)
def pause_window(number: WindowNumber, service: Service, hall: HallDep, who: Counter) -> WindowOut:
    """暂停: never called to until resumed; the ticket held may still be finished."""
    require_window(number, who)
    return window_out(hall, service.pause(number))


@router.post("/{number}/resume", response_model=WindowOut, responses=ERRORS)
def resume_window(number: WindowNumber, service: Service, hall: HallDep, who: Counter) -> WindowOut:
    """恢复: back to taking tickets."""
    require_window(number, who)
    return window_out(hall, service.resume(number))
