"""Window actions for the staff's counter: open, call next, recall, no-show, start, finish, transfer, pause."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Path, Response

from caller.api.deps import HallDep, Service, require, require_window
from caller.api.lane import Credential, Lane, LaneDep, credential
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
from caller.hall import Hall
from caller.queue.service import QueueService
from caller.queue.views import WindowView

router = APIRouter(prefix="/api/v1/windows", tags=["windows"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422)}
WindowNumber = Annotated[int, Path(ge=1, le=999)]
T = TypeVar("T")


class AtWindow:
    """A counter's action at window `number`, run on the queue's lane (caller/api/lane.py) with its token looked
    up on the same thread: one hop from the event loop."""

    def __init__(self, number: int, service: QueueService, hall: Hall, lane: Lane, token: Credential) -> None:
        self.number, self.service, self.hall, self.lane, self.token = number, service, hall, lane, token

    async def __call__(self, action: Callable[[Principal], T]) -> T:
        """`action(who)` on the lane, once `who` (the token's principal) may act on this window."""

        def work(who: Principal) -> T:
            require_window(self.number, who)
            return action(who)

        return await self.lane.act(self.token, work)


async def _at_window(number: WindowNumber, service: Service, hall: HallDep, lane: LaneDep,
                     token: Annotated[Credential, Depends(credential(Role.COUNTER))]) -> AtWindow:
    return AtWindow(number, service, hall, lane, token)


Act = Annotated[AtWindow, Depends(_at_window)]


@router.get("/{number}", response_model=WindowOut, responses=ERRORS)
def get_window(
    number: WindowNumber, service: Service, hall: HallDep, who: Annotated[Principal, Depends(require(Role.COUNTER, Role.DISPLAY))]
) -> WindowOut:
    """A window's state and current ticket; its own counter also sees the citizen's masked name and ID."""
    personal = who.may_act_on_window(number)
    return window_out(hall, service.window_view(number, with_personal=personal))


@router.post("/{number}/call-next", response_model=CallOut, responses={204: {"description": "nothing eligible"}, **ERRORS})
async def call_next(act: Act) -> CallOut | Response:
    """叫号: the window calls the eligible ticket the calling rule chooses; 204 when there is none."""
    return await act(lambda who: _called(act, act.service.call_next(act.number)))


def _called(act: AtWindow, view: WindowView) -> CallOut | Response:
    return Response(status_code=204) if view.ticket is None else call_out(act.hall, view)


def _held(body: ActionBody | None) -> str | None:
    return body.ticket if body else None


@router.post("/{number}/recall", response_model=CallOut, responses=ERRORS)
async def recall(act: Act, body: ActionBody | None = None) -> CallOut:
    """重呼: call the held ticket again (counted)."""
    return await act(lambda who: call_out(act.hall, act.service.recall(act.number, _held(body))))


@router.post("/{number}/start", response_model=CallOut, responses=ERRORS)
async def start(act: Act, body: ActionBody | None = None) -> CallOut:
    """开始: the citizen arrived; service starts."""
    return await act(lambda who: call_out(act.hall, act.service.start(act.number, _held(body))))


@router.post("/{number}/finish-and-call-next", response_model=CallOut,
             responses={204: {"description": "finished; nothing eligible to call"}, **ERRORS})
async def finish_and_call_next(act: Act, body: ActionBody | None = None) -> CallOut | Response:
    """办结并叫下一位, the staff's usual key: the held citizen finished (if any; `ticket` guards against a stale
    screen) and the next called, in one transaction; 204 when the finish left nobody eligible to call."""
    return await act(lambda who: _called(act, act.service.finish_and_call_next(act.number, _held(body),
                                                                               staff=who.label)))


@router.post("/{number}/finish", response_model=CallOut, responses=ERRORS)
async def finish(act: Act, body: ActionBody | None = None) -> CallOut:
    """办结: service finished; the window is free (with 自动叫号 it may hold the next citizen at once)."""
    return await act(lambda who: call_out(act.hall, act.service.finish(act.number, _held(body), staff=who.label)))


@router.post("/{number}/no-show", response_model=CallOut, responses=ERRORS)
async def no_show(act: Act, body: ActionBody | None = None) -> CallOut:
    """过号: the citizen did not come after the required recalls."""
    return await act(lambda who: call_out(act.hall, act.service.no_show(act.number, _held(body))))


@router.post("/{number}/transfer", response_model=CallOut, responses=ERRORS)
async def transfer(body: TransferBody, act: Act) -> CallOut:
    """转办: the citizen keeps the number and its age and queues for another category; an optional `note` is shown
    to the window that takes the ticket next."""
    return await act(lambda who: call_out(act.hall, act.service.transfer(act.number, body.category, body.ticket,
                                                                         body.note, body.window)))


@router.post("/{number}/open", response_model=WindowOut, responses=ERRORS)
async def open_window(act: Act) -> WindowOut:
    """登录: the window starts taking tickets (a seasonal one only in its season)."""
    return await act(lambda who: window_out(act.hall, act.service.open(act.number)))


@router.post("/{number}/close", response_model=WindowOut, responses=ERRORS)
async def close_window(act: Act) -> WindowOut:
    """退出: the window stops; it must hold no ticket."""
    return await act(lambda who: window_out(act.hall, act.service.close(act.number)))


@router.post("/{number}/pause", response_model=WindowOut, responses=ERRORS)
async def pause_window(act: Act) -> WindowOut:
    """暂停: never called to until resumed; the ticket held may still be finished."""
    return await act(lambda who: window_out(act.hall, act.service.pause(act.number)))


@router.post("/{number}/resume", response_model=WindowOut, responses=ERRORS)
async def resume_window(act: Act) -> WindowOut:
    """恢复: back to taking tickets."""
    return await act(lambda who: window_out(act.hall, act.service.resume(act.number)))
