"""Staff endpoints: signing in and out at a counter with 工号 + PIN, and managing the accounts (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from caller.api.deps import HallDep, require
from caller.api.schemas import Problem, Text
from caller.auth import Principal, Role
from caller.engine.model import NotFound, QueueError
from caller.hall import WindowKind
from caller.staff.book import StaffBook
from caller.staff.rules import StaffMember, StaffRuleError, format_windows, parse_roles, parse_windows

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])
ERRORS = {code: {"model": Problem} for code in (401, 403, 404, 409, 422, 429)}
STATUS = {"sign_in_failed": 401, "account_locked": 403, "window_not_allowed": 403, "desk_not_allowed": 403,
          "admin_not_allowed": 403, "department_not_allowed": 403,
          "staff_exists": 409,
          "unknown_staff": 404}
StaffNo = Annotated[str, Path(min_length=2, max_length=16, pattern=r"^[A-Za-z0-9]+$")]


class StaffRefusal(QueueError):
    def __init__(self, error: StaffRuleError):
        super().__init__(error.code, error.message)
        self.status = STATUS.get(error.code, 422)


def get_book(request: Request) -> StaffBook:
    return request.app.state.staff


Book = Annotated[StaffBook, Depends(get_book)]


def refusing(call):  # noqa: ANN001, ANN201
    """The rule's refusal as an HTTP answer."""
    try:
        return call()
    except StaffRuleError as exc:
        raise StaffRefusal(exc) from None


class SignInBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    staff_no: Text = Field(min_length=1, max_length=16, description="工号")
    pin: Text = Field(min_length=1, max_length=32, description="the PIN (never stored, never logged)")
    window: int | None = Field(default=None, ge=1, le=999, description="the counter; none: the 咨询台 (desk, help "
                               "and manager roles)")
    admin: bool = Field(default=False, description="the accounts page (admin role): an admin token for 1 hour")
    department: bool = Field(default=False, description="the department page (department role): a department "
                             "token for the member's department")


class SignInOut(BaseModel):
    token: str = Field(description="the session's token: keep it in the page's memory only")
    role: str = Field(description="counter, or desk at the 咨询台")
    window: int | None
    staff_no: str
    name: str
    expires_at: str


class StaffOut(BaseModel):
    staff_no: str
    name: str
    roles: list[str]
    windows: str = Field(description="'1-6,9' or '*' (every window)")
    disabled: bool
    locked: bool
    department: str | None = None


class AddBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    staff_no: Text = Field(min_length=2, max_length=16)
    name: Text = Field(min_length=1, max_length=64)
    pin: Text = Field(min_length=6, max_length=12)
    roles: list[Text] = Field(min_length=1, max_length=5, description="window, desk, help, manager, admin")
    windows: Text = Field(default="", max_length=128, description="'1-6,9', '*' for every window, '' for none")
    department: Text | None = Field(default=None, max_length=64, description="a department member's department")


class PinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pin: Text = Field(min_length=6, max_length=12)


def staff_out(member: StaffMember, book: StaffBook) -> StaffOut:
    locked = member.locked_until is not None and member.locked_until > book.clock()
    return StaffOut(staff_no=member.staff_no, name=member.name, roles=sorted(r.value for r in member.roles),
                    windows=format_windows(member.windows), disabled=member.disabled, locked=locked,
                    department=member.department)


@router.post("/sign-in", status_code=201, response_model=SignInOut, responses=ERRORS)
def sign_in(body: SignInBody, book: Book, hall: HallDep) -> SignInOut:
    """登录 with 工号 + PIN: at a counter, a counter token for that window; without a window, a desk token for the
    咨询台. Labelled 姓名（工号）, for 12 hours at most. Wrong number or PIN: 401 `sign_in_failed` (the same for
    both); five wrong PINs lock the account for 15 minutes (403 `account_locked`); 403 `window_not_allowed` /
    `desk_not_allowed`."""
    help_window = False
    if body.window is not None:
        spec = hall.window(body.window)
        if spec is None:
            raise NotFound("unknown_window", f"没有 {body.window} 号窗口 / no window {body.window}")
        help_window = spec.kind is WindowKind.HELP  # 帮办 staff sign in there too
    if (body.admin or body.department) and body.window is not None or body.admin and body.department:
        raise StaffRefusal(StaffRuleError("invalid_request", "账号管理或部门登录不选窗口 / admin or department "
                                                             "sign-in takes no window"))
    token, member, expires = refusing(lambda: book.sign_in(body.staff_no, body.pin, body.window, help_window,
                                                           body.admin, body.department))
    role = Role.ADMIN if body.admin else Role.DEPARTMENT if body.department else \
        Role.COUNTER if body.window is not None else Role.DESK
    return SignInOut(token=token, role=role.value, window=body.window, staff_no=member.staff_no, name=member.name,
                     expires_at=hall.local(expires).isoformat())


@router.post("/sign-out", status_code=204, responses=ERRORS)
def sign_out(book: Book, who: Annotated[Principal, Depends(require(Role.COUNTER, Role.DESK, Role.ADMIN,
                                                                 Role.DEPARTMENT))]) -> Response:
    """退出: the session's token stops at once."""
    book.sign_out(who)
    return Response(status_code=204)


@router.get("", response_model=list[StaffOut], responses=ERRORS, dependencies=[Depends(require(Role.ADMIN))])
def list_staff(book: Book) -> list[StaffOut]:
    """The hall's staff accounts (no PIN, no hash)."""
    return [staff_out(m, book) for m in book.list()]


@router.post("", status_code=201, response_model=StaffOut, responses=ERRORS, dependencies=[Depends(require(Role.ADMIN))])
def add_staff(body: AddBody, book: Book) -> StaffOut:
    """A new account: 工号, name, a PIN of 6–12 digits (not 111111 or 123456), roles, windows."""
    member = refusing(lambda: book.add(body.staff_no, body.name, body.pin, parse_roles(",".join(body.roles)),
                                       parse_windows(body.windows), body.department))
    return staff_out(member, book)


@router.post("/{staff_no}/disable", response_model=StaffOut, responses=ERRORS,
             dependencies=[Depends(require(Role.ADMIN))])
def disable_staff(staff_no: StaffNo, book: Book) -> StaffOut:
    """停用: no more sign-ins, and open sessions end at once."""
    return staff_out(refusing(lambda: book.disable(staff_no)), book)


@router.post("/{staff_no}/reset-pin", response_model=StaffOut, responses=ERRORS,
             dependencies=[Depends(require(Role.ADMIN))])
def reset_pin(staff_no: StaffNo, body: PinBody, book: Book) -> StaffOut:
    """A new PIN; the lock and the wrong-PIN count are cleared."""
    return staff_out(refusing(lambda: book.reset_pin(staff_no, body.pin)), book)
