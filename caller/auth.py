"""Bearer tokens with roles: creating them, storing only their hashes, and checking a presented one."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError

from caller.storage import tables as t


class Role(StrEnum):
    KIOSK = "kiosk"
    COUNTER = "counter"
    DISPLAY = "display"
    ADMIN = "admin"
    DESK = "desk"  # a staff member signed in at the 咨询台 / 导服 desk: issues, finds numbers, takes notices
    EVALUATOR = "evaluator"  # the rating tablet of one window: it rates that window's last service, nothing else
    DEPARTMENT = "department"  # a department's approval system (or its page): reports progress of its cases
    COUNTY_ADMIN = "county-admin"  # above the halls' managers: the county's view and reports (caller/county/)


WINDOW_ROLES = frozenset({Role.COUNTER, Role.EVALUATOR})  # tokens bound to one window


@dataclass(frozen=True)
class Principal:
    role: Role
    window: int | None = None
    token_id: int | None = None
    label: str | None = None  # who holds the token (e.g. the staff member at a counter: 姓名（工号）)
    staff_id: int | None = None  # a signed-in staff member's counter session

    def may_act_on_window(self, number: int) -> bool:
        return self.role is Role.ADMIN or (self.role is Role.COUNTER and self.window == number)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_C = t.tokens.c
_LOOKUP = select(_C.role, _C.window, _C.id, _C.label, _C.staff_id, _C.expires_at).where(
    _C.token_hash == bindparam("w_hash"), _C.hall == bindparam("w_hall"), _C.revoked_at.is_(None))


class TokenStore:
    """Tokens of one hall. Every presented token is looked up (one indexed read), so a revocation holds at once
    in every caller process; nothing is cached."""

    def __init__(self, engine: Engine, hall: str, clock: Callable[[], dt.datetime] | None = None):
        self.engine = engine
        self.hall = hall
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))

    def create(self, role: Role, window: int | None = None, label: str = "", *, staff_id: int | None = None,
               expires_at: dt.datetime | None = None) -> str:
        token, _ = self.create_with_id(role, window, label, staff_id=staff_id, expires_at=expires_at)
        return token

    def create_with_id(self, role: Role, window: int | None = None, label: str = "", *, staff_id: int | None = None,
                       expires_at: dt.datetime | None = None, conn: Connection | None = None) -> tuple[str, int]:
        """A new token and its row id; within `conn`'s transaction when given."""
        if (role in WINDOW_ROLES) != (window is not None):
            raise ValueError("a counter or evaluator token is bound to exactly one window; other roles to none")
        token = "ow_" + secrets.token_urlsafe(24)
        values = dict(hall=self.hall, token_hash=hash_token(token), role=role.value, window=window, label=label[:64],
                      created_at=self.clock(), staff_id=staff_id, expires_at=expires_at)
        if conn is not None:
            return token, conn.execute(insert(t.tokens).values(**values).returning(t.tokens.c.id)).scalar_one()
        with self.engine.begin() as own:
            return token, own.execute(insert(t.tokens).values(**values).returning(t.tokens.c.id)).scalar_one()

    def revoke(self, token_id: int) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(t.tokens)
                .where(t.tokens.c.id == token_id, t.tokens.c.hall == self.hall, t.tokens.c.revoked_at.is_(None))
                .values(revoked_at=self.clock())
            )
        return result.rowcount == 1

    def list(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.tokens).where(t.tokens.c.hall == self.hall).order_by(t.tokens.c.id))
            return [
                {
                    "id": r.id,
                    "role": r.role,
                    "window": r.window,
                    "label": r.label,
                    "created_at": r.created_at.isoformat(),
                    "revoked": r.revoked_at is not None,
                }
                for r in rows
            ]

    def verify(self, token: str) -> Principal | None:
        params = {"w_hash": hash_token(token), "w_hall": self.hall}
        try:
            row = self._lookup(params)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            row = self._lookup(params)  # a pooled connection the server had dropped: once more, on a new one
        if row is None or (row.expires_at is not None and row.expires_at <= self.clock()):
            return None
        return Principal(Role(row.role), row.window, row.id, row.label or None, row.staff_id)

    def _lookup(self, params: dict):  # noqa: ANN202
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":  # one statement outside a transaction: no BEGIN and ROLLBACK
                conn.execution_options(isolation_level="AUTOCOMMIT")  # around it, two round trips
            return conn.execute(_LOOKUP, params).first()
