"""Signing with a key all caller processes of a hall share: created on first use, kept in `hall_secrets`."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from typing import Any

from itsdangerous import URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from caller.queue.transactions import Transactions
from caller.storage import tables as t


class HallSigner:
    """An itsdangerous serializer whose key is the hall's secret `name` (one per purpose), read once."""

    def __init__(self, tx: Transactions, hall_id: str, name: str, *, salt: str):
        self.tx = tx
        self.hall_id = hall_id
        self.name = name
        self.salt = salt
        self._serializer: URLSafeSerializer | None = None
        self._key = b""
        self._lock = threading.Lock()

    def _get(self) -> URLSafeSerializer:
        with self._lock:
            if self._serializer is None:
                def work(repo, now):  # noqa: ANN001, ANN202
                    conn = repo.conn
                    values = {"hall": self.hall_id, "name": self.name, "value": secrets.token_urlsafe(32)}
                    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
                    conn.execute(dialect.insert(t.hall_secrets).values(**values).on_conflict_do_nothing())
                    return conn.execute(
                        select(t.hall_secrets.c.value).where(
                            t.hall_secrets.c.hall == self.hall_id, t.hall_secrets.c.name == self.name
                        )
                    ).scalar_one()

                key = self.tx.write(work)
                self._key = f"{self.salt}:{key}".encode()
                self._serializer = URLSafeSerializer(key, salt=self.salt)
            return self._serializer

    def dumps(self, value: Any) -> str:
        return self._get().dumps(value)

    def digest(self, value: str) -> str:
        """A keyed digest of `value` (HMAC-SHA256, 128 bits in hex): equal values match, and without the hall's
        secret nobody can test a guess (an ID number has too few possibilities for a plain hash)."""
        self._get()
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[:32]

    def loads(self, code: str) -> Any:
        """The signed value; raises itsdangerous.BadSignature for a forged or altered code."""
        return self._get().loads(code)
