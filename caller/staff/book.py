"""Staff accounts and counter sessions in the caller's database: add, list, disable, reset a PIN, sign in and out.

PINs are kept as argon2id hashes (argon2-cffi); a sign-in makes a counter token bound to the window, labelled
姓名（工号） (what a finished service and its rating name), ending by itself after rules.SESSION. Every sign-in
and sign-out is a staff_sessions row: the hours a member was signed in, and where.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, insert, select, update

from caller.auth import Principal, Role, TokenStore
from caller.staff.rules import (
    ADMIN_SESSION,
    SESSION,
    StaffMember,
    StaffRole,
    StaffRuleError,
    after_wrong_pin,
    check_pin,
    check_staff_no,
    format_windows,
    parse_windows,
    sign_in_refusal,
)
from caller.storage import tables as t


def _member(row) -> StaffMember:  # noqa: ANN001 - a result row
    return StaffMember(row.id, row.staff_no, row.name, frozenset(StaffRole(r) for r in row.roles.split(",")),
                       parse_windows(row.windows), row.disabled_at is not None, row.wrong_pins, row.locked_until,
                       row.department)


class StaffBook:
    """The staff of one hall."""

    def __init__(self, engine: Engine, hall: str, tokens: TokenStore, clock: Callable[[], dt.datetime]):
        self.engine = engine
        self.hall = hall
        self.tokens = tokens
        self.clock = clock
        self.hasher = PasswordHasher()  # argon2id with the library's defaults (64 MiB, 3 passes)

    # ---- accounts
    def add(self, staff_no: str, name: str, pin: str, roles: frozenset[StaffRole], windows: frozenset[int] | None,
            department: str | None = None) -> StaffMember:
        check_staff_no(staff_no)
        check_pin(pin)
        name = name.strip()
        if not 1 <= len(name) <= 64:
            raise StaffRuleError("invalid_name", "姓名为 1–64 个字 / a name is 1-64 characters")
        department = (department or "").strip() or None
        if (StaffRole.DEPARTMENT in roles) != (department is not None) or (department and len(department) > 64):
            raise StaffRuleError("department_needed", "后台部门人员须填写所属部门（且只有他们填写） / a department "
                                 "member needs their department, and only they have one")
        with self.engine.begin() as conn:
            if self._row(conn, staff_no) is not None:
                raise StaffRuleError("staff_exists", f"工号 {staff_no} 已存在 / staff number {staff_no} exists")
            conn.execute(insert(t.staff).values(
                hall=self.hall, staff_no=staff_no, name=name, pin_hash=self.hasher.hash(pin),
                roles=",".join(sorted(r.value for r in roles)), windows=format_windows(windows), wrong_pins=0,
                created_at=self.clock(), department=department))
            return _member(self._row(conn, staff_no))

    def list(self) -> list[StaffMember]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.staff).where(t.staff.c.hall == self.hall).order_by(t.staff.c.staff_no))
            return [_member(r) for r in rows]

    def member(self, staff_no: str) -> StaffMember:
        with self.engine.connect() as conn:
            row = self._row(conn, staff_no)
        if row is None:
            raise StaffRuleError("unknown_staff", f"没有工号 {staff_no} / no staff number {staff_no}")
        return _member(row)

    def disable(self, staff_no: str) -> StaffMember:
        """停用: the account can no longer sign in, and its open sessions end at once."""
        member = self.member(staff_no)
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(update(t.staff).where(t.staff.c.id == member.id).values(disabled_at=now))
            self._end_sessions(conn, member.id, now, "disabled")
        return self.member(staff_no)

    def reset_pin(self, staff_no: str, pin: str) -> StaffMember:
        check_pin(pin)
        member = self.member(staff_no)
        with self.engine.begin() as conn:
            conn.execute(update(t.staff).where(t.staff.c.id == member.id)
                         .values(pin_hash=self.hasher.hash(pin), wrong_pins=0, locked_until=None))
        return self.member(staff_no)

    # ---- signing in and out
    def sign_in(self, staff_no: str, pin: str, window: int | None, help_window: bool = False, admin: bool = False,
                department: bool = False) -> tuple[str, StaffMember, dt.datetime]:
        """A counter token for `window` (a desk token when None: the 咨询台; an admin token for the accounts page
        when `admin`), its member and when it expires. Unknown numbers and wrong PINs get the
        same answer; five wrong PINs in a row lock the account for 15 minutes. A member signed in elsewhere is
        signed out there (one counter at a time), and whoever was signed in to this window is signed out."""
        now = self.clock()
        with self.engine.begin() as conn:
            row = self._row(conn, staff_no, for_update=True) if staff_no.isalnum() else None
            member = _member(row) if row is not None else None
            refusal = sign_in_refusal(member, window, now, help_window, admin, department)
            if refusal is not None:
                raise refusal
            assert member is not None and row is not None
            if self._pin_matches(row.pin_hash, pin):
                conn.execute(update(t.staff).where(t.staff.c.id == member.id).values(wrong_pins=0, locked_until=None))
                self._end_sessions(conn, member.id, now, "replaced")
                if window is not None:
                    self._end_window_sessions(conn, window, now)
                expires = now + (ADMIN_SESSION if admin else SESSION)
                role = Role.ADMIN if admin else Role.DEPARTMENT if department else \
                    Role.COUNTER if window is not None else Role.DESK
                # a department member's session is labelled with the department: its cases are the department's
                label = member.department if department else member.label
                token, token_id = self.tokens.create_with_id(role, window, label, staff_id=member.id,
                                                             expires_at=expires, conn=conn)
                conn.execute(insert(t.staff_sessions).values(hall=self.hall, staff_id=member.id, window=window,
                                                             token_id=token_id, started_at=now))
                return token, member, expires
        with self.engine.begin() as conn:  # the wrong PIN counts, in a transaction of its own
            wrong, locked = after_wrong_pin(_member(self._row(conn, staff_no, for_update=True)).wrong_pins, now)
            conn.execute(update(t.staff).where(t.staff.c.id == member.id).values(wrong_pins=wrong, locked_until=locked))
        raise StaffRuleError("sign_in_failed", "工号或密码不正确 / wrong staff number or PIN")

    def sign_out(self, who: Principal) -> None:
        """退出: the session's token stops at once."""
        if who.token_id is None:
            return
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(update(t.tokens).where(t.tokens.c.id == who.token_id, t.tokens.c.revoked_at.is_(None))
                         .values(revoked_at=now))
            conn.execute(update(t.staff_sessions)
                         .where(t.staff_sessions.c.token_id == who.token_id, t.staff_sessions.c.ended_at.is_(None))
                         .values(ended_at=now, ended_by="sign-out"))

    # ---- storage
    def _row(self, conn: Connection, staff_no: str, for_update: bool = False):  # noqa: ANN202
        query = select(t.staff).where(t.staff.c.hall == self.hall, t.staff.c.staff_no == staff_no)
        return conn.execute(query.with_for_update() if for_update else query).first()

    def _pin_matches(self, pin_hash: str, pin: str) -> bool:
        try:
            return self.hasher.verify(pin_hash, pin)
        except (VerificationError, InvalidHashError):
            return False

    def _end_sessions(self, conn: Connection, staff_id: int, now: dt.datetime, why: str) -> None:
        s = t.staff_sessions.c
        open_ = conn.execute(select(s.id, s.token_id).where(s.hall == self.hall, s.staff_id == staff_id,
                                                             s.ended_at.is_(None))).all()
        self._close(conn, open_, now, why)

    def _end_window_sessions(self, conn: Connection, window: int, now: dt.datetime) -> None:
        s = t.staff_sessions.c
        open_ = conn.execute(select(s.id, s.token_id).where(s.hall == self.hall, s.window == window,
                                                             s.ended_at.is_(None))).all()
        self._close(conn, open_, now, "replaced")

    @staticmethod
    def _close(conn: Connection, sessions, now: dt.datetime, why: str) -> None:  # noqa: ANN001
        """End sessions `why`; one whose token had already expired ended then, as `expired` (its hours stop there)."""
        for session_id, token_id in sessions:
            expires = conn.execute(select(t.tokens.c.expires_at).where(t.tokens.c.id == token_id)).scalar_one()
            ended, reason = (expires, "expired") if expires is not None and expires <= now else (now, why)
            conn.execute(update(t.staff_sessions).where(t.staff_sessions.c.id == session_id)
                         .values(ended_at=ended, ended_by=reason))
            conn.execute(update(t.tokens).where(t.tokens.c.id == token_id, t.tokens.c.revoked_at.is_(None))
                         .values(revoked_at=now))
