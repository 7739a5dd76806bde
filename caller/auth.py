"""Bearer tokens with roles: creating them, storing only their hashes, and checking a presented one."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine, insert, select, update

from caller.storage import tables as t


class Role(StrEnum):
    KIOSK = "kiosk"
    COUNTER = "counter"
    DISPLAY = "display"
    ADMIN = "admin"
    EVALUATOR = "evaluator"  # the rating tablet of one window: it rates that window's last service, nothing else


WINDOW_ROLES = frozenset({Role.COUNTER, Role.EVALUATOR})  # tokens bound to one window


@dataclass(frozen=True)
class Principal:
    role: Role
    window: int | None = None
    token_id: int | None = None
    label: str | None = None  # who holds the token (e.g. the staff member at a counter)

    def may_act_on_window(self, number: int) -> bool:
        return self.role is Role.ADMIN or (self.role is Role.COUNTER and self.window == number)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    """Tokens of one hall. Every presented token is looked up (one indexed read), so a revocation holds at once
    in every caller process; nothing is cached."""

    def __init__(self, engine: Engine, hall: str):
        self.engine = engine
        self.hall = hall

    def create(self, role: Role, window: int | None = None, label: str = "") -> str:
        if (role in WINDOW_ROLES) != (window is not None):
            raise ValueError("a counter or evaluator token is bound to exactly one window; other roles to none")
        token = "ow_" + secrets.token_urlsafe(24)
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.tokens).values(
                    hall=self.hall,
                    token_hash=hash_token(token),
                    role=role.value,
                    window=window,
                    label=label[:64],
                    created_at=dt.datetime.now(dt.timezone.utc),
                )
            )
        return token

    def revoke(self, token_id: int) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(t.tokens)
                .where(t.tokens.c.id == token_id, t.tokens.c.hall == self.hall, t.tokens.c.revoked_at.is_(None))
                .values(revoked_at=dt.datetime.now(dt.timezone.utc))
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
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.tokens.c.role, t.tokens.c.window, t.tokens.c.id, t.tokens.c.label).where(
                    t.tokens.c.token_hash == hash_token(token), t.tokens.c.hall == self.hall,
                    t.tokens.c.revoked_at.is_(None)
                )
            ).first()
        return Principal(Role(row.role), row.window, row.id, row.label or None) if row else None
