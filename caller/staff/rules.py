"""The rules of staff accounts, pure: what a 工号 and a PIN may be, who may sign in where, and the lock after
wrong PINs. Time is passed in."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

MAX_WRONG_PINS = 5  # wrong PINs in a row before the account locks
LOCK = dt.timedelta(minutes=15)
ADMIN_SESSION = dt.timedelta(hours=1)  # the accounts page: an administrator's token, short-lived
SESSION = dt.timedelta(hours=12)  # a counter session ends by itself after this at the latest (the console signs
# out after a few idle minutes on its own)
_STAFF_NO = re.compile(r"^[A-Za-z0-9]{2,16}$")
_PIN = re.compile(r"^\d{6,12}$")


class StaffRole(StrEnum):
    WINDOW = "window"  # window staff: sign in to a counter
    DESK = "desk"  # 咨询台 / 导服
    HELP = "help"  # 帮办代办
    MANAGER = "manager"
    ADMIN = "admin"
    DEPARTMENT = "department"  # a back-office department's member: the department page, its own cases only


class StaffRuleError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def check_staff_no(staff_no: str) -> str:
    if not _STAFF_NO.match(staff_no):
        raise StaffRuleError("invalid_staff_no", "工号为 2–16 位字母或数字 / a staff number is 2-16 letters or digits")
    return staff_no


def check_pin(pin: str) -> str:
    """6 to 12 digits, and not one a colleague guesses first (all one digit, a run up or down)."""
    if not _PIN.match(pin):
        raise StaffRuleError("invalid_pin", "密码须为 6–12 位数字 / a PIN is 6-12 digits")
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:])}
    if len(set(pin)) == 1 or steps in ({1}, {-1}):
        raise StaffRuleError("weak_pin", "密码过于简单（如 111111、123456），请换一个 / that PIN is too easy to guess")
    return pin


def parse_roles(text: str) -> frozenset[StaffRole]:
    try:
        roles = frozenset(StaffRole(part.strip()) for part in text.split(",") if part.strip())
    except ValueError:
        raise StaffRuleError("invalid_role", f"角色只能是 {', '.join(r.value for r in StaffRole)} / unknown role") from None
    if not roles:
        raise StaffRuleError("invalid_role", "至少要有一个角色 / at least one role")
    return roles


MAX_WINDOW = 999  # as the API's window numbers


def parse_windows(text: str) -> frozenset[int] | None:
    """'1-6,9' → {1..6, 9}; '*' → None (every window); '' → none. Numbers run from 1 to 999."""
    if text.strip() == "*":
        return None
    numbers: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise StaffRuleError("invalid_windows", "窗口写作 1-6,9 或 * / windows are written 1-6,9 or *")
        low, high = int(first), int(last or first)
        if not 1 <= low <= high <= MAX_WINDOW:
            raise StaffRuleError("invalid_windows", f"窗口号为 1–{MAX_WINDOW}，由小到大 / windows are 1-{MAX_WINDOW}, "
                                 "low to high")
        numbers.update(range(low, high + 1))
    return frozenset(numbers)


def format_windows(windows: frozenset[int] | None) -> str:
    """The shortest form parse_windows reads back: runs as ranges, '1-6,9'; '*' for every window."""
    if windows is None:
        return "*"
    runs: list[list[int]] = []
    for number in sorted(windows):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ",".join(f"{a}-{b}" if b > a else str(a) for a, b in runs)


@dataclass(frozen=True)
class StaffMember:
    id: int
    staff_no: str
    name: str
    roles: frozenset[StaffRole]
    windows: frozenset[int] | None  # None: every window
    disabled: bool = False
    wrong_pins: int = 0
    locked_until: dt.datetime | None = None
    department: str | None = None  # the back office a department member acts for

    @property
    def label(self) -> str:
        """How the staff member is named where a service is attributed: 姓名（工号）."""
        return f"{self.name}（{self.staff_no}）"

    def may_sign_in_at(self, window: int, help_window: bool = False) -> bool:
        """Window staff sign in to counters; at the 帮办代办 window, 帮办 staff may too."""
        role = StaffRole.WINDOW in self.roles or (help_window and StaffRole.HELP in self.roles)
        return role and (self.windows is None or window in self.windows)


DESK_ROLES = frozenset({StaffRole.DESK, StaffRole.HELP, StaffRole.MANAGER})  # who may sign in at the 咨询台


def sign_in_refusal(member: StaffMember | None, window: int | None, now: dt.datetime,
                    help_window: bool = False, admin: bool = False, department: bool = False) -> StaffRuleError | None:
    """Why this member may not sign in to `window` (None: the 咨询台; `admin`: the accounts page) now (the PIN
    checked apart), or None."""
    if member is None or member.disabled:
        return StaffRuleError("sign_in_failed", "工号或密码不正确 / wrong staff number or PIN")
    if member.locked_until is not None and now < member.locked_until:
        minutes = max(1, round((member.locked_until - now).total_seconds() / 60))
        return StaffRuleError("account_locked", f"密码错误次数过多，请 {minutes} 分钟后再试或请管理员重置 / locked")
    if admin:
        if StaffRole.ADMIN not in member.roles:
            return StaffRuleError("admin_not_allowed", "您没有账号管理权限 / not an administrator")
        return None
    if department:
        if StaffRole.DEPARTMENT not in member.roles or not member.department:
            return StaffRuleError("department_not_allowed", "您不是后台部门人员 / not a department member")
        return None
    if window is None:
        if not member.roles & DESK_ROLES:
            return StaffRuleError("desk_not_allowed", "您没有咨询台的登录权限 / not allowed at the desk")
        return None
    if not member.may_sign_in_at(window, help_window):
        return StaffRuleError("window_not_allowed", f"您没有 {window} 号窗口的登录权限 / not allowed at window {window}")
    return None


def after_wrong_pin(wrong_pins: int, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """The count and lock after one more wrong PIN: the fifth in a row locks for 15 minutes and starts over."""
    wrong_pins += 1
    if wrong_pins >= MAX_WRONG_PINS:
        return 0, now + LOCK
    return wrong_pins, None
