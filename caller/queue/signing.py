"""Signing with a key all caller processes of a hall share: created on first use, kept in `hall_secrets`."""

from __future__ import annotations

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

                self._serializer = URLSafeSerializer(self.tx.write(work), salt=self.salt)
            return self._serializer

    def dumps(self, value: Any) -> str:
        return self._get().dumps(value)

    def loads(self, code: str) -> Any:
        """The signed value; raises itsdangerous.BadSignature for a forged or altered code."""
        return self._get().loads(code)
