"""Pairing a window's evaluator tablet without a token in any address: the window's counter asks for a
six-digit code, the tablet sends it once and receives an evaluator token, which it keeps.

A code lives ten minutes and allows five wrong tries, then is void: guessing one of a million codes in
five tries is a chance of 1 in 200,000. Only its hash is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, insert, select, update

from caller.auth import Role, TokenStore
from caller.engine.model import QueueError
from caller.queue.service import QueueService
from caller.storage import tables as t


class PairingRefused(QueueError):
    status = 403


CODE_LIFETIME = dt.timedelta(minutes=10)
TRIES = 5


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class Pairing:
    def __init__(self, service: QueueService, tokens: TokenStore):
        self.service = service
        self.tokens = tokens
        self.hall_id = service.hall.hall.id

    def offer(self, window: int) -> tuple[str, dt.datetime]:
        """A new code for the window (the previous one is void), and when it expires."""
        self.service.window_spec(window)
        code = f"{secrets.randbelow(1_000_000):06d}"

        def work(repo, now):  # noqa: ANN001, ANN202
            c = t.pairing_codes.c
            repo.conn.execute(delete(t.pairing_codes).where(c.hall == self.hall_id, c.window == window))
            repo.conn.execute(insert(t.pairing_codes).values(hall=self.hall_id, window=window, code_hash=_hash(code),
                                                             expires_at=now + CODE_LIFETIME, attempts=0))
            return now + CODE_LIFETIME

        return code, self.service.tx.write(work)

    def pair(self, window: int, code: str) -> str:
        """An evaluator token for the window, if `code` is its current code; the code is then used up."""
        spec = self.service.window_spec(window)

        def work(repo, now):  # noqa: ANN001, ANN202
            c = t.pairing_codes.c
            mine = (c.hall == self.hall_id) & (c.window == window)
            row = repo.conn.execute(select(t.pairing_codes).where(mine)).first()
            if row is None or row.expires_at <= now or row.attempts >= TRIES:
                return "expired"
            if not secrets.compare_digest(row.code_hash, _hash(code.strip())):
                repo.conn.execute(update(t.pairing_codes).where(mine).values(attempts=row.attempts + 1))
                return "wrong"
            repo.conn.execute(delete(t.pairing_codes).where(mine))
            return "ok"

        outcome = self.service.tx.write(work)
        if outcome == "expired":
            raise PairingRefused("pairing_code_expired", "配对码已失效，请在窗口重新获取 / the pairing code has expired; ask the "
                             "window for a new one")
        if outcome == "wrong":
            raise PairingRefused("pairing_code_wrong", "配对码不正确 / wrong pairing code")
        return self.tokens.create(Role.EVALUATOR, window, f"evaluator {spec.name}")
