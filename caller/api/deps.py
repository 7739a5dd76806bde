"""FastAPI dependencies: the service, the hall and the caller's principal from its bearer token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from caller.auth import Principal, Role, TokenStore
from caller.engine.model import QueueError
from caller.hall import Hall
from caller.queue.service import QueueService


class Unauthorized(QueueError):
    status = 401


class Forbidden(QueueError):
    status = 403


def get_service(request: Request) -> QueueService:
    return request.app.state.service


def get_hall(request: Request) -> Hall:
    return request.app.state.service.hall


def phone_base(request: Request) -> str | None:
    """Where phones reach the public pages (a slip's QR code): the hall's public_url, or in demo mode the caller
    itself; None when neither (then no QR code)."""
    public_url = get_hall(request).hall.public_url
    if public_url:
        return public_url.rstrip("/")
    return str(request.base_url).rstrip("/") if request.app.state.settings.demo else None


def acting_as(who: Principal) -> str:
    """Who did it, as a case or a follow-up records it: 姓名（工号）, else the window or the role of the token."""
    return who.label or (f"{who.window} 号窗口" if who.window else who.role.value)


def client_address(request: Request) -> str:
    """The phone's address: the peer's, or — behind a trusted proxy (the shipped nginx) — the last one it added."""
    peer = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded and peer in request.app.state.settings.trusted_proxies:
        return forwarded.split(",")[-1].strip()
    return peer


def get_tokens(request: Request) -> TokenStore:
    return request.app.state.tokens


def bearer_token(request: Request) -> str:
    """The request's bearer token, not yet looked up (no I/O); 401 without one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("unauthorized", "需要令牌 / a bearer token is required")
    return token.strip()


def verified(request: Request, token: str) -> Principal:
    """The principal of `token` (one indexed read); 401 if it is unknown or revoked."""
    found = get_tokens(request).verify(token)
    if found is None:
        raise Unauthorized("unauthorized", "令牌无效或已吊销 / unknown or revoked token")
    return found


def principal(request: Request) -> Principal:
    return verified(request, bearer_token(request))


def may_act(who: Principal, roles: tuple[Role, ...]) -> Principal:
    """`who`, if its role is one of `roles` (an admin may do anything); else 403."""
    if who.role is not Role.ADMIN and who.role not in roles:
        raise Forbidden("forbidden", f"{who.role.value} 令牌无权进行此操作 / not allowed for this role")
    return who


def require(*roles: Role) -> Callable[..., Principal]:
    async def check(who: Annotated[Principal, Depends(principal)]) -> Principal:  # no I/O: on the event loop
        return may_act(who, roles)

    return check


def require_window(number: int, who: Principal) -> None:
    if not who.may_act_on_window(number):
        raise Forbidden(
            "wrong_window", f"此令牌只能操作 {who.window} 号窗口 / this token acts on window {who.window} only"
        )


async def _service(request: Request) -> QueueService:
    return get_service(request)


async def _hall(request: Request) -> Hall:
    return get_hall(request)


# Dependencies that only read the app's state are coroutines: FastAPI runs a plain function dependency in the
# thread pool, and a hop there and back for each of them cost more than the lookup (issue 15's hot path)
Service = Annotated[QueueService, Depends(_service)]
HallDep = Annotated[Hall, Depends(_hall)]
