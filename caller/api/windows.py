"""Window actions for the staff's counter: open, call next, recall, no-show, start, finish, transfer, pause."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from caller.api.deps import HallDep, Service, require, require_window
from caller.api.schemas import ActionBody, CallOut, Problem, TransferBody, WindowOut, call_out, window_out
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
    require_window(number, who)
    view = service.call_next(number)
    if view.ticket is None:
        return Response(status_code=204)
    return call_out(hall, view)


def _held_action(name: str, doc: str):  # noqa: ANN202
    def action(
        number: WindowNumber, service: Service, hall: HallDep, who: Counter, body: ActionBody | None = None
    ) -> CallOut:
        require_window(number, who)
        return call_out(hall, getattr(service, name)(number, body.ticket if body else None))

    action.__name__ = name.replace("-", "_")
    action.__doc__ = doc
    return action


for _path, _method, _doc in (
    ("recall", "recall", "重呼: call the held ticket again (counted)."),
    ("start", "start", "开始: the citizen arrived; service starts."),
    ("finish", "finish", "办结: service finished; the window is free."),
    ("no-show", "no_show", "过号: the citizen did not come after the required recalls."),
):
    router.add_api_route(
        f"/{{number}}/{_path}",
        _held_action(_method, _doc),
        methods=["POST"],
        response_model=CallOut,
        responses=ERRORS,
        name=_method,
    )


@router.post("/{number}/transfer", response_model=CallOut, responses=ERRORS)
def transfer(number: WindowNumber, body: TransferBody, service: Service, hall: HallDep, who: Counter) -> CallOut:
    """转办: the citizen keeps the number and its age and queues for another category."""
    require_window(number, who)
    return call_out(hall, service.transfer(number, body.category, body.ticket))


def _window_action(name: str, doc: str):  # noqa: ANN202
    def action(number: WindowNumber, service: Service, hall: HallDep, who: Counter) -> WindowOut:
        require_window(number, who)
        return window_out(hall, getattr(service, name)(number))

    action.__name__ = f"{name}_window"
    action.__doc__ = doc
    return action


for _name, _doc in (
    ("open", "登录: the window starts taking tickets."),
    ("close", "退出: the window stops; it must hold no ticket."),
    ("pause", "暂停: never called to until resumed."),
    ("resume", "恢复: back to taking tickets."),
):
    router.add_api_route(
        f"/{{number}}/{_name}",
        _window_action(_name, _doc),
        methods=["POST"],
        response_model=WindowOut,
        responses=ERRORS,
        name=f"{_name}_window",
    )
