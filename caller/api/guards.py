"""What is refused before a route sees it: oversized bodies (413), URLs holding control characters (400), and an
address that keeps guessing at the public lookups (429); and what the API docs pages may fetch (only this caller)."""

from __future__ import annotations

import re
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from urllib.parse import unquote_to_bytes

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from caller.api.schemas import CONTROL_CHARACTERS


def problem(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


class PlainUrls:
    """Refuse a path or query holding control characters (a NUL, say) with 400 before any route or database sees
    it: PostgreSQL refuses NUL in text, SQLite stores it, and neither belongs in an id or a category."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            CONTROL_CHARACTERS.search(scope.get("path", ""))
            or CONTROL_CHARACTERS.search(unquote_to_bytes(scope.get("query_string", b"")).decode("latin-1"))
        ):
            response = problem(400, "invalid_text", "地址含有不可见的控制字符（如 NUL） / the URL holds control characters")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over a size with 413 before the application reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        seen = 0
        too_large = False
        refused = False

        async def limited() -> dict:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # stop reading; whatever the app answers to the cut-off body is replaced below
                    too_large = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message: dict) -> None:
            nonlocal refused
            if not too_large:
                await send(message)
            elif not refused:
                refused = True
                await self._refuse(scope, receive, send)

        await self.app(scope, limited, guarded_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, "too_large", f"请求体超过 {self.max_bytes} 字节 / request body over {self.max_bytes} bytes")
        await response(scope, receive, send)




class NotReady:
    """Until the schema is in place (the database was down or read-only at startup), every API call but the
    health checks is 503: nothing can be read or written yet."""

    def __init__(self, app: ASGIApp, is_ready):  # noqa: ANN001 - a callable returning bool
        self.app = app
        self.is_ready = is_ready

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/api/") and not path.startswith("/api/v1/health") \
                and not self.is_ready():
            response = problem(503, "storage_unavailable",
                               "系统存储尚未就绪，请稍后重试 / the database is not ready yet, try again later",
                               {"Retry-After": "5"})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


# lookups by a secret, open to anyone: a ticket's id, a slip's phone code, a booking's code, a rating by code,
# and a counter sign-in (工号 + PIN)
PUBLIC_LOOKUPS = re.compile(
    r"^/api/v1/(?:tickets/by-code(?:/follow)?|tickets/[^/]+|appointments/cancel|appointments/(?!slots$)[^/]+|ratings"
    r"|staff/sign-in|phone/verify)$"
)


class LookupGuard:
    """An address whose public lookups missed (any 4xx: unknown id, forged code) `limit` times within `window_s`
    gets 429 on them until the window has passed: ids and codes are not guessable, and now not cheaply tried
    either (a guesser made 440 tries a second). A phone following its own ticket never misses.

    The address is the peer's, or — when the peer is a trusted proxy (the shipped nginx on this machine) — the
    last one in X-Forwarded-For, which that proxy appended. Counts are per process and in memory."""

    def __init__(self, app: ASGIApp, *, limit: int = 30, window_s: float = 600,
                 trusted_proxies: Iterable[str] = ("127.0.0.1", "::1"),
                 clock: Callable[[], float] = time.monotonic, max_addresses: int = 50_000):
        self.app = app
        self.limit = limit
        self.window_s = window_s
        self.trusted = frozenset(trusted_proxies)
        self.clock = clock
        self.max_addresses = max_addresses
        self.misses: OrderedDict[str, deque[float]] = OrderedDict()

    def address(self, scope: Scope) -> str:
        peer = (scope.get("client") or ("unknown", 0))[0]
        if peer in self.trusted:
            forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-for")
            if forwarded:
                return forwarded.decode("latin-1").rsplit(",", 1)[-1].strip() or peer
        return peer

    def _recent(self, address: str) -> deque[float] | None:
        seen = self.misses.get(address)
        if seen is not None:
            horizon = self.clock() - self.window_s
            while seen and seen[0] < horizon:
                seen.popleft()
        return seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not PUBLIC_LOOKUPS.match(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        address = self.address(scope)
        seen = self._recent(address)
        if seen is not None and len(seen) >= self.limit:
            wait = int(seen[0] + self.window_s - self.clock()) + 1
            response = problem(429, "too_many_lookups", "查询过于频繁，请稍后再试 / too many failed lookups from this "
                               "address, try again later", {"Retry-After": str(max(1, wait))})
            await response(scope, receive, send)
            return

        async def counted(message: dict) -> None:
            if message["type"] == "http.response.start" and 400 <= message["status"] < 500:
                self._missed(address)
            await send(message)

        await self.app(scope, receive, counted)

    def _missed(self, address: str) -> None:
        seen = self.misses.pop(address, None) or deque(maxlen=self.limit)
        seen.append(self.clock())
        self.misses[address] = seen  # most recent last: the oldest addresses are forgotten first
        while len(self.misses) > self.max_addresses:
            self.misses.popitem(last=False)


class DocsStayLocal:
    """/docs and /redoc ask nothing of the internet: Redoc's menu footer loads its logo from a CDN whatever its
    options say, so these pages carry a Content-Security-Policy that lets the browser fetch only from this caller
    (a hall's LAN has no internet, and a page should not reveal who reads the API docs to a third party)."""

    PATHS = ("/docs", "/redoc")
    POLICY = (b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
              b"img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'")

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") not in self.PATHS:
            await self.app(scope, receive, send)
            return

        async def with_policy(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"content-security-policy", self.POLICY)]}
            await send(message)

        await self.app(scope, receive, with_policy)
