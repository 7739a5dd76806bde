"""Deliveries to an outside platform that may be down (text messages, the 好差评 platform): a row per message in an
outbox table with `state` (pending, sent, failed), `attempts`, `next_at` and `last_error`. A round claims a due row
with a lease (so two processes never send it at once; should one die mid-send, the row is due again after the
lease), then marks it sent, or failed with a growing pause, and after the last pause gives it up (staff see it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Table, update

from caller.queue.transactions import Transactions
from caller.storage.repository import Repository

RETRY_AFTER_S = (30, 120, 600, 1800)  # the pause after the 1st, 2nd, … failure; after the 5th it is given up
LEASE_S = 60  # a row being sent is not taken by another round for this long


class Deliveries:
    def __init__(self, tx: Transactions, table: Table, key: str):
        self.tx = tx
        self.table = table
        self.key = table.c[key]

    def claim(self, key: Any) -> bool:
        c = self.table.c

        def work(repo: Repository, now: dt.datetime) -> bool:
            taken = repo.conn.execute(update(self.table).where(
                self.key == key, c.state == "pending", c.next_at <= now).values(
                next_at=now + dt.timedelta(seconds=LEASE_S)))
            return taken.rowcount == 1

        return self.tx.write(work)

    def sent(self, key: Any, attempts: int, **values: Any) -> None:
        self.tx.write(lambda repo, now: repo.conn.execute(update(self.table).where(self.key == key).values(
            state="sent", sent_at=now, attempts=attempts + 1, last_error=None, **values)))

    def failed(self, key: Any, attempts: int, reason: str) -> bool:
        """Record a failed try; True when this was the last one (given up)."""
        attempts += 1
        gave_up = attempts > len(RETRY_AFTER_S)
        pause = dt.timedelta(seconds=RETRY_AFTER_S[min(attempts, len(RETRY_AFTER_S)) - 1])
        self.tx.write(lambda repo, now: repo.conn.execute(update(self.table).where(self.key == key).values(
            state="failed" if gave_up else "pending", attempts=attempts, last_error=reason[:120],
            next_at=now + pause)))
        return gave_up
