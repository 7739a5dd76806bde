"""The web pages the caller serves: the counter console, the evaluator tablet and the phone page of a slip."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

WEB = Path(__file__).resolve().parent.parent / "web"
router = APIRouter(include_in_schema=False)


@router.get("/counter")
def counter_console() -> FileResponse:
    return FileResponse(WEB / "counter.html")


@router.get("/rate/{window}")
def evaluator(window: int) -> FileResponse:
    return FileResponse(WEB / "rate.html")


@router.get("/t/{ticket_id}")
def ticket_page(ticket_id: str) -> FileResponse:
    return FileResponse(WEB / "ticket.html")
