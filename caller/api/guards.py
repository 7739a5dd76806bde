"""What is refused before a route sees it: oversized bodies (413) and URLs holding control characters (400)."""

from __future__ import annotations

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
