"""The web pages the caller serves: the counter console, the 咨询台 desk, the evaluator tablet and the phone page
of a slip."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

WEB = Path(__file__).resolve().parent.parent / "web"
router = APIRouter(include_in_schema=False)


@router.get("/counter")
def counter_console() -> FileResponse:
    return FileResponse(WEB / "counter.html")


@router.get("/desk")
def desk_page() -> FileResponse:
    """The 咨询台 / 导服 desk: issue for citizens the kiosk cannot serve, find numbers, take notices."""
    return FileResponse(WEB / "desk.html")


@router.get("/monitor")
def monitor_page() -> FileResponse:
    """大厅运行监控: the manager's and the leaders' big screen."""
    return FileResponse(WEB / "monitor.html")


@router.get("/office")
def office_page() -> FileResponse:
    """后台管理: the hall's matters, guides, windows, hours, holidays and rules, edited and checked, with the history
    and undo, and the hall file out and in (an administrator)."""
    return FileResponse(WEB / "office.html")


@router.get("/department")
def department_page() -> FileResponse:
    """部门办件: a back office without an approval system reports its cases' progress (a department member)."""
    return FileResponse(WEB / "department.html")


@router.get("/followups")
def followups_page() -> FileResponse:
    """投诉与整改: complaints and the 整改 of bad ratings, assigned, answered and called back (desk, help or manager)."""
    return FileResponse(WEB / "followups.html")


@router.get("/book")
def booking_page() -> FileResponse:
    """预约办事 from the phone (H5): the matter, a slot, real name with an SMS-proven number; the booking's QR."""
    return FileResponse(WEB / "book.html")


@router.get("/accounts")
def accounts_page() -> FileResponse:
    """账号管理: staff accounts for an administrator (工号 + PIN, admin role)."""
    return FileResponse(WEB / "accounts.html")


@router.get("/rate/{window}")
def evaluator(window: int) -> FileResponse:
    return FileResponse(WEB / "rate.html")


@router.get("/t")
def ticket_page() -> FileResponse:
    """The phone page of a slip: /t#<code> (the code stays in the fragment, never sent to a server in an address)."""
    return FileResponse(WEB / "ticket.html")


@router.get("/t/{ticket_id}")
def old_slip_page(ticket_id: str) -> FileResponse:
    """Slips printed before the phone code: the ticket's status only (rating needs the code)."""
    return FileResponse(WEB / "ticket.html")
